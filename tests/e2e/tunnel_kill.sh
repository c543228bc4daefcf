#!/usr/bin/env bash
# Crash handling (test 5): kill -9 each worker in turn, then the guardian;
# within 5 s no process of the daemon is left, the tun device is gone, and
# the next start with the same configuration succeeds.
. "$(dirname "$0")/lib.sh"

pair_namespaces
pair_confs se 10.251.0.1/30 10.251.0.2/30 1422
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"

# Start the left daemon; its guardian PID and workers come from /proc.
start_left() {
	start_bg PL l "$W/l.$1.log" "$SANCTUM" -c "$W/l.conf"
	wait_until 10 test -s "$W/l.pid" || die "left did not write its pidfile"
	GPID=$(cat "$W/l.pid")
	check "left is up ($1)" wait_ping l 10.251.0.2 20
}

# All of a daemon's processes are gone and its tun device too (bounded 5 s).
gone() {
	local p
	for p in $GPID $WORKERS; do
		pid_alive "$p" && return 1
	done
	! in_ns l ip link show sel >/dev/null 2>&1
}

start_left 0
names=$(for c in $(children_of "$GPID"); do cat /proc/$c/comm; done | sort | tr '\n' ' ')
check "eight workers" [ "$names" = "bless chapel confess control heaven-rx heaven-tx purgatory-rx purgatory-tx " ]
for victim in $names guardian; do
	WORKERS=$(children_of "$GPID")
	if [ "$victim" = guardian ]; then
		kill -KILL "$GPID"
	else
		for c in $WORKERS; do
			[ "$(cat /proc/$c/comm)" = "$victim" ] && kill -KILL "$c"
		done
	fi
	check "kill -9 $victim: everything gone within 5 s" wait_until 5 gone
	start_left "after-$victim"
done
