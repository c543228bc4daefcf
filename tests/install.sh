#!/usr/bin/env bash
# The installation (CMake install rules): programs, manual pages and the
# systemd units land where they belong under DESTDIR; every manual page is
# clean under mandoc -Tlint (warnings and worse); each unit, instantiated
# with the built programs, passes systemd-analyze verify. A missing mandoc
# or systemd-analyze skips that part (exit 77 if both are missing).
set -u
build=$1 src=$2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

DESTDIR=$d/root cmake --install "$build" --prefix /usr/local >/dev/null || bad "cmake --install"
for f in sbin/sanctum sbin/hymn sbin/cathedralctl share/man/man8/sanctum.8 \
    share/man/man8/hymn.8 share/man/man8/cathedralctl.8 \
    share/man/man5/sanctum.conf.5 lib/systemd/system/sanctum@.service \
    lib/systemd/system/hymn@.service; do
	[ -s "$d/root/usr/local/$f" ] || bad "not installed: $f"
done
grep -q '^ExecStart=/usr/local/sbin/sanctum -c /etc/sanctum/%i.conf$' \
    "$d/root/usr/local/lib/systemd/system/sanctum@.service" || bad "sanctum@ ExecStart"
grep -q '@[A-Z_]*@' "$d/root/usr/local/lib/systemd/system/"*.service &&
    bad "an unsubstituted @VARIABLE@ in a unit"

tools=0
if command -v mandoc >/dev/null; then
	tools=1
	for m in "$src"/docs/*.[58]; do
		mandoc -Tlint -W warning "$m" || bad "mandoc -Tlint $m"
	done
fi
if command -v systemd-analyze >/dev/null; then
	tools=1
	for u in sanctum hymn; do
		sed "s|@SBINDIR@|$build|g" "$src/scripts/systemd/$u@.service.in" > "$d/$u@check.service"
		systemd-analyze verify --man=no "$d/$u@check.service" || bad "systemd-analyze verify $u@"
	done
fi
[ $fail = 0 ] && [ $tools = 0 ] && exit 77
exit $fail
