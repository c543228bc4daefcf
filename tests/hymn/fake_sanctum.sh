#!/bin/sh
# A stand-in for the sanctum daemon, for the up/down tests of run.sh (put
# on PATH as "sanctum"): "sanctum -c CONF -d" prints a line to the log,
# then leaves a detached child that writes the pidfile of CONF, removes it
# on SIGQUIT and exits (or after 60 s). FAKE_SANCTUM_FAIL=1 exits 1 first.
if [ "$1" = "--child" ]; then
	pidfile=$(sed -n 's/^pidfile //p' "$2")
	trap 'rm -f "$pidfile"; exit 0' QUIT
	echo $$ >"$pidfile"
	i=0
	while [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rm -f "$pidfile"
	exit 0
fi
echo "fake sanctum: $*"
[ "$1" = "-c" ] && [ "$3" = "-d" ] && [ $# -eq 3 ] || exit 2
[ "${FAKE_SANCTUM_FAIL:-0}" = 1 ] && { echo "fake sanctum: failing"; exit 1; }
setsid -f "$0" --child "$2" </dev/null >/dev/null 2>&1
exit 0
