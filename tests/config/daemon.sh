#!/usr/bin/env bash
# The configuration cases of tests/config run through the daemon itself:
# every bad file makes `sanctum -n -c FILE` and `sanctum -c FILE` exit 1
# with exactly the expected FILE:LINE message on stderr and nothing on
# stdout, starting nothing (no pidfile); every good file makes `sanctum -n`
# exit 0 and print exactly its golden configuration. The key files the
# cases name are made as test_config makes them.
set -u
sanctum=$1 cases=$2
t=$(mktemp -d /tmp/sanctum-config-daemon-XXXXXX)
trap 'rm -rf "$t"' EXIT
fail=0 n=0
bad() { echo "FAIL: $*" >&2; fail=1; }

key() {
	head -c "$2" /dev/zero | tr '\0' 'Z' > "$t/$1" && chmod "$3" "$t/$1"
}
key secret 32 0600; key secret-0400 32 0400; key secret-0500 32 0500
key kek 32 0400; key kek-0xca 32 0500; key id-badf00d 32 0500; key cs 32 0600
key cosk 64 0600; key sync 32 0600; key world 32 0644; key group 32 0640
key short 31 0600; key cosk-32 32 0600
ln -s "$t/secret" "$t/link"
mkdir "$t/dir"

subst() { sed "s|@TMP@|$t|g" "$1"; }

for f in "$cases"/bad/*.conf; do
	name=$(basename "$f")
	subst "$f" > "$t/$name"
	want=$(subst "${f%.conf}.err")
	for opt in -n ""; do
		out=$("$sanctum" $opt -c "$t/$name" 2>"$t/stderr")
		rc=$?
		[ $rc = 1 ] || bad "$name ($opt): exit $rc, not 1"
		[ -z "$out" ] || bad "$name ($opt): printed on stdout"
		[ "$(cat "$t/stderr")" = "$want" ] ||
		    bad "$name ($opt): said '$(cat "$t/stderr")', want '$want'"
	done
	n=$((n + 1))
done
ls "$t"/*.pid >/dev/null 2>&1 && bad "a bad configuration left a pidfile"
for f in "$cases"/good/*.conf; do
	name=$(basename "$f")
	subst "$f" > "$t/$name"
	out=$("$sanctum" -n -c "$t/$name" 2>"$t/stderr")
	rc=$?
	[ $rc = 0 ] || bad "$name: exit $rc: $(cat "$t/stderr")"
	[ "$out" = "$(subst "${f%.conf}.golden")" ] || bad "$name: -n output differs from the golden file"
	n=$((n + 1))
done
echo "$n configuration cases through $sanctum"
[ $n -ge 50 ] || bad "only $n cases"
exit $fail
