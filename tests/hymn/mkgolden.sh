#!/bin/sh
# Run the cases of tests/hymn/golden.txt with a hymn binary and its default
# directories (/etc/hymn, /var/run/hymn, /tmp), and write the .conf files
# each case leaves to <output dir>/<case>/. Everything runs in a private
# mount namespace with overlays on /etc, /run and /tmp, so the host's files
# are never touched. Needs root and unshare(1).
#   tests/hymn/mkgolden.sh <hymn binary> <output dir>
# With the reference hymn this made tests/hymn/golden/; with ours the
# output must be the same bytes (diff -r).
set -eu

here=$(cd "$(dirname "$0")" && pwd)

# Inside the namespace: mount the overlays, run every case, and write a
# tar stream of the results to stdout.
inside() {
	hymn=$1 work=$2
	for d in etc run tmp; do
		mkdir -p "$work/$d.upper" "$work/$d.work"
	done
	mount -t overlay overlay -o "lowerdir=/etc,upperdir=$work/etc.upper,workdir=$work/etc.work" /etc
	mount -t overlay overlay -o "lowerdir=/run,upperdir=$work/run.upper,workdir=$work/run.work" /run
	mount -t overlay overlay -o "lowerdir=/tmp,upperdir=$work/tmp.upper,workdir=$work/tmp.work" /tmp
	rm -rf /etc/hymn /var/run/hymn /etc/hymn-golden
	export HYMN_USER=hymnuser
	cd /
	name=
	while IFS= read -r line; do
		case $line in
		''|'#'*) continue ;;
		'case '*)
			name=${line#case }
			rm -rf /etc/hymn /var/run/hymn
			mkdir -p "/etc/hymn-golden/$name"
			continue ;;
		esac
		# shellcheck disable=SC2086
		if ! "$hymn" $line >/dev/null 2>/etc/hymn-golden/err; then
			echo "mkgolden: $name: hymn $line failed:" >&2
			cat /etc/hymn-golden/err >&2
			exit 1
		fi
		cp /etc/hymn/*.conf "/etc/hymn-golden/$name/"
	done <"$here/golden.txt"
	rm -f /etc/hymn-golden/err
	tar -C /etc/hymn-golden -cf - .
}

if [ "${1:-}" = "--inside" ]; then
	inside "$2" "$3"
	exit 0
fi
[ $# -eq 2 ] || { echo "usage: mkgolden.sh <hymn binary> <output dir>" >&2; exit 1; }
hymn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
out=$(cd "$2" && pwd)
work=$(mktemp -d /var/tmp/hymn-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT
unshare -m sh "$here/mkgolden.sh" --inside "$hymn" "$work" >"$work/out.tar"
tar -C "$out" -xf "$work/out.tar"
