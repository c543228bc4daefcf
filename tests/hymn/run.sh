#!/bin/sh
# Tests of hymn, run by ctest with the build directory:
#   sh tests/hymn/run.sh <build dir>
# Everything happens in temporary -C/-R/-T directories: add/list/del, every
# edit command, refusals (which must leave the configurations untouched),
# the golden files of the reference hymn, keygen, list/status/rekey against
# fake_control, and up/down with a fake sanctum on PATH. Needs root (hymn
# refuses to run otherwise): exits 77 (skipped) without it.
set -u

build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
hymn=$build/hymn
fake=$build/hymn_fake_control

if [ "$(id -u)" != 0 ]; then
	echo "skipped: hymn must run as root"
	exit 77
fi

work=$(mktemp -d)
C=$work/conf
R=$work/run
T=$work/tmp
mkdir -p "$T" "$work/bin"
cp "$here/fake_sanctum.sh" "$work/bin/sanctum"
chmod 0755 "$work/bin/sanctum"
export HYMN_USER=hymnuser
# A sanitizer report must not pass for an ordinary exit 1.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
unset HYMN_CONFIG_DIR HYMN_RUN_DIR HYMN_TMP_DIR
failures=0
tests=0
fakepid=

# Stop whatever we started, then remove the work directory.
cleanup() {
	[ -n "$fakepid" ] && kill "$fakepid" 2>/dev/null
	for p in "$R"/*.pid; do
		[ -f "$p" ] && kill -QUIT "$(cat "$p")" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

H() {
	"$hymn" -C "$C" -R "$R" -T "$T" "$@"
}

pass() {
	tests=$((tests + 1))
}

fail() {
	tests=$((tests + 1))
	failures=$((failures + 1))
	echo "FAIL: $*"
}

# A fingerprint of the configuration directory.
snapshot() {
	(cd "$C" 2>/dev/null && ls -la --time-style=+ . && cat ./* 2>/dev/null) |
	    cksum
}

# ok <description> <hymn args...>: must succeed.
ok() {
	d=$1
	shift
	if H "$@" >"$work/out" 2>"$work/err"; then
		pass
	else
		fail "$d: hymn $*: $(cat "$work/err")"
	fi
}

# refuse <description> <stderr pattern> <hymn args...>: must exit 1 with a
# matching message, change no configuration and leave no .new file.
refuse() {
	d=$1
	pat=$2
	shift 2
	before=$(snapshot)
	H "$@" >"$work/out" 2>"$work/err"
	rc=$?
	if [ $rc -ne 1 ]; then
		fail "$d: hymn $*: exit $rc, want 1"
	elif ! grep -q -- "$pat" "$work/err"; then
		fail "$d: hymn $*: '$(cat "$work/err")' lacks '$pat'"
	elif [ "$before" != "$(snapshot)" ] || ls "$C"/*.new >/dev/null 2>&1; then
		fail "$d: hymn $*: the configuration directory changed"
	else
		pass
	fi
}

# expect <description> <file> <text>: the file holds exactly the text.
expect() {
	printf '%s\n' "$3" >"$work/want"
	if cmp -s "$work/want" "$2"; then
		pass
	else
		fail "$1:"
		diff "$work/want" "$2"
	fi
}

# has <description> <file> <extended regex>
has() {
	if grep -Eq -- "$3" "$2"; then
		pass
	else
		fail "$1: no '$3' in: $(cat "$2")"
	fi
}

fresh() {
	rm -rf "$C" "$R"
}

# ---------------------------------------------------------------------
# Golden files: the reference hymn's output for the cases of golden.txt.
# Paths are compared with our directories mapped to the defaults.
golden() {
	name=
	while IFS= read -r line; do
		case $line in
		''|'#'*) continue ;;
		'case '*)
			[ -n "$name" ] && golden_check "$name"
			name=${line#case }
			fresh
			continue ;;
		esac
		# shellcheck disable=SC2086
		ok "golden $name" $line
	done <"$here/golden.txt"
	golden_check "$name"
}

golden_check() {
	want=$(cd "$here/golden/$1" && ls)
	got=$(cd "$C" && ls)
	if [ "$want" != "$got" ]; then
		fail "golden $1: files '$got', want '$want'"
		return
	fi
	for f in $want; do
		sed -e "s|$C|/etc/hymn|g" -e "s|$R|/var/run/hymn|g" \
		    -e "s|$T|/tmp|g" "$C/$f" >"$work/mapped"
		if cmp -s "$here/golden/$1/$f" "$work/mapped"; then
			pass
		else
			fail "golden $1/$f differs:"
			diff "$here/golden/$1/$f" "$work/mapped"
		fi
		if [ "$(stat -c %a "$C/$f")" != 700 ]; then
			fail "golden $1/$f: mode $(stat -c %a "$C/$f"), want 700"
		fi
	done
}

golden

# ---------------------------------------------------------------------
# Refusals of add and liturgy.
fresh
P="tunnel 10.0.0.1/30 secret /s peer 1.2.3.4:5"
K="kek /k cosk /c"
ok "plain add" add 01-02 $P
refuse "existing config" "config exists" add 01-02 $P
refuse "identity before cathedral" "identity only relevant" add 01-05 tunnel 10.0.0.1/30 identity 1234 cathedral 1.2.3.4:5 $K
refuse "cosk before cathedral" "cosk only relevant" add 01-05 tunnel 10.0.0.1/30 cosk /c cathedral 1.2.3.4:5 kek /k identity 1
refuse "natport before cathedral" "natport only relevant" add 01-05 tunnel 10.0.0.1/30 natport 1 cathedral 1.2.3.4:5 $K identity 1
refuse "bridge before tap" "bridge only works with device tap" add 01-05 bridge br0 device tap secret /s peer 1.2.3.4:5
refuse "bridge on tun" "bridge only works with device tap" add 01-05 device tun bridge br0 secret /s peer 1.2.3.4:5
refuse "kek and secret" "no need to specify a secret" add 01-05 tunnel 10.0.0.1/30 cathedral 1.2.3.4:5 $K identity 1 secret /s
refuse "kek without cathedral" "kek is only relevant" add 01-05 tunnel 10.0.0.1/30 kek /k peer 1.2.3.4:5
refuse "short flock" "not a tunnel name" add cafe-01-05 tunnel 10.0.0.1/30 cathedral 1.2.3.4:5 $K identity 1
refuse "flock garbage" "not a tunnel name" add cafebabeZZ-01-05 tunnel 10.0.0.1/30 cathedral 1.2.3.4:5 $K identity 1
refuse "flock without cathedral" "flock is only relevant" add cafebabe-01-05 $P
refuse "no identity" "no cathedral identity" add 01-05 tunnel 10.0.0.1/30 cathedral 1.2.3.4:5 $K
refuse "no cosk" "no cathedral cosk" add 01-05 tunnel 10.0.0.1/30 cathedral 1.2.3.4:5 kek /k identity 1
refuse "identity zero" "non-zero" add 01-05 tunnel 10.0.0.1/30 cathedral 1.2.3.4:5 $K identity 0
refuse "missing secret" "missing secret" add 01-05 tunnel 10.0.0.1/30 peer 1.2.3.4:5
refuse "missing peer" "missing peer" add 01-05 tunnel 10.0.0.1/30 secret /s
refuse "missing tunnel" "missing tunnel" add 01-05 secret /s peer 1.2.3.4:5
refuse "mtu low" "invalid mtu" add 01-05 $P mtu 575
refuse "mtu high" "invalid mtu" add 01-05 $P mtu 9201
refuse "mtu text" "invalid mtu" add 01-05 $P mtu 1400x
refuse "no netmask" "missing a netmask" add 01-05 tunnel 10.0.0.1 secret /s peer 1.2.3.4:5
refuse "bad prefix" "invalid tunnel" add 01-05 tunnel 10.0.0.1/33 secret /s peer 1.2.3.4:5
refuse "bad peer" "ip:port" add 01-05 tunnel 10.0.0.1/30 secret /s peer 1.2.3.4
refuse "bad port" "ip:port" add 01-05 tunnel 10.0.0.1/30 secret /s peer 1.2.3.4:65536
refuse "relative path" "absolute path" add 01-05 tunnel 10.0.0.1/30 secret s peer 1.2.3.4:5
refuse "bad cathedral" "host:port" add 01-05 tunnel 10.0.0.1/30 cathedral 1.2.3.4 $K identity 1
refuse "bad descr" "alnum" add 01-05 $P name a_b
refuse "long descr" "alnum" add 01-05 $P name abcdefghijabcdefghijabcdefghijab
refuse "bad user" "invalid user" add 01-05 $P user 'a b'
refuse "duplicate keyword" "duplicate peer" add 01-05 $P peer 1.2.3.4:6
refuse "unknown keyword" "unknown keyword" add 01-05 $P colour blue
refuse "odd arguments" "usage" add 01-05 $P mtu
refuse "bad device" "unknown device" add 01-05 $P device tan
refuse "bad shroud" "yes|no" add 01-05 $P shroud on
refuse "bad id" "not a tunnel name" add 01-100 $P
refuse "liturgy name as tunnel" "not a tunnel name" add cafebabe-01-liturgy $P
if ! logname >/dev/null 2>&1; then
	HYMN_USER=
	refuse "no user" "who are you" add 01-05 $P
	HYMN_USER=hymnuser
fi
L="cathedral 1.1.1.254:31337 identity badf00d kek /k cosk /c"
refuse "liturgy short flock" "not a liturgy name" liturgy cafe-01 $L prefix 10.15.0.0 group 1
refuse "liturgy no flock" "not a liturgy name" liturgy 01 $L prefix 10.15.0.0 group 1
refuse "liturgy prefix" "a.b.0.0" liturgy cafeba00-01 $L prefix 10.15.1.0 group 1
refuse "liturgy no group" "missing" liturgy cafeba00-01 $L prefix 10.15.0.0
refuse "liturgy group" "16-bit" liturgy cafeba00-01 $L prefix 10.15.0.0 group 10000
refuse "liturgy cosk first" "cosk only relevant" liturgy cafeba00-01 cosk /c cathedral 1.1.1.254:31337 identity 1 kek /k prefix 10.15.0.0 group 1
refuse "liturgy secret" "unknown keyword" liturgy cafeba00-01 $L prefix 10.15.0.0 group 1 secret /s
ok "liturgy" liturgy cafeba00-01 $L prefix 10.15.0.0 group 1
# The command a bishop runs, with long paths (the harness's layout).
long=/tmp/sanctum-liturgy.gyytG6/secrets/flock-d067097b00/00000013.key
ok "bishop add" add d067097b00-03-01 tunnel 10.252.3.1/32 cathedral 10.250.20.254:4500 kek /tmp/sanctum-liturgy.gyytG6/000000d067097b00/kek-data/kek-0x03 identity 13:$long cosk /tmp/sanctum-liturgy.gyytG6/id-3.cosk natport 0 device tun user root shroud no
has "bishop identity" "$C/d067097b00-03-01.conf" "^cathedral_secret $long\$"
has "bishop instance" "$C/d067097b00-03-01.conf" '^instance d067097b-03-01$'
ok "bishop route" route add 10.252.1.3/32 via d067097b00-03-01
refuse "liturgy exists" "exists" liturgy cafeba00-01 $L prefix 10.15.0.0 group 1

# ---------------------------------------------------------------------
# Edit commands and their refusals.
ok "tap add" add 01-03 device tap secret /s peer 1.2.3.4:5
ok "cathedral add" add cafebabe-01-04 tunnel 10.0.0.1/30 cathedral 1.2.3.4:5 $K identity 1
refuse "route on tap" "tap device" route add 10.0.0.0/8 via 01-03
refuse "accept on tap" "tap device" accept add 10.0.0.0/8 on 01-03
refuse "route on liturgy" "liturgy" route add 10.0.0.0/8 via cafeba00-01-liturgy
refuse "mtu on liturgy" "liturgy" mtu cafeba00-01-00 1400
refuse "bridge on tun" "device tap" bridge 01-02 on br0
refuse "nat without cathedral" "cathedral tunnels" nat 01-02 5
refuse "cathedral without cathedral" "cathedral tunnels" cathedral 01-02 1.1.1.1:1
refuse "remembrance without cathedral" "cathedral tunnels" remembrance 01-02 on
ok "route add" route add 10.1.0.0/16 via 01-02
refuse "route exists" "route 10.1.0.0/16 exists" route add 10.1.2.3/16 via 01-02
refuse "route del missing" "not found" route del 10.9.0.0/16 via 01-02
refuse "accept del missing" "not found" accept del 10.9.0.0/16 on 01-02
refuse "accept exists" "accept 10.1.0.0/16 exists" accept add 10.1.0.0/16 on 01-02
refuse "route syntax" "usage" route add 10.1.0.0/16 to 01-02
refuse "route netmask" "missing a netmask" route add 10.1.0.0 via 01-02
refuse "mtu value" "invalid mtu" mtu 01-02 0x500
refuse "name value" "alnum" name 01-02 'bad name'
refuse "shroud value" "on|off" shroud 01-02 yes
refuse "nat value" "invalid port" nat cafebabe-01-04 65536
refuse "cathedral value" "host:port" cathedral cafebabe-01-04 nowhere
refuse "bridge value" "invalid bridge" bridge 01-03 on abcdefghijklmnop
refuse "unknown tunnel" "no tunnel named" mtu nosuch 1400
refuse "missing tunnel" "no tunnel 01-09" mtu 01-09 1400
ok "nat" nat cafebabe-01-04 4500
has "nat line" "$C/cafebabe-01-04.conf" '^cathedral_nat_port 4500$'
ok "cathedral" cathedral cafebabe-01-04 cathedral.example.org:99
has "cathedral line" "$C/cafebabe-01-04.conf" '^cathedral cathedral.example.org:99$'
ok "bridge on" bridge 01-03 on br7
has "bridge line" "$C/hymn-01-03.conf" '^bridge br7$'
ok "name" name 01-02 office
ok "mtu by descr" mtu office 1380
has "mtu line" "$C/hymn-01-02.conf" '^tunnel 10.0.0.1/30 1380$'
ok "shroud by descr" shroud office on
has "shroud line" "$C/hymn-01-02.conf" '^shroud yes$'

# Where we differ from the reference: edits keep remembrance and
# liturgy_discoverable, and route add does not route accept-only networks.
ok "remembrance on" remembrance cafebabe-01-04 on
ok "edit after remembrance" nat cafebabe-01-04 0
has "remembrance kept" "$C/cafebabe-01-04.conf" "^cathedral_remembrance $C/cafebabe-01-04.remembrance\$"
ok "undiscoverable liturgy" liturgy cafeba00-02 $L prefix 10.15.0.0 group 1 discoverable no
ok "edit a liturgy" shroud cafeba00-02-liturgy on
has "discoverable kept" "$C/cafeba00-02-00.conf" '^liturgy_discoverable no$'
ok "accept only" accept add 10.7.0.0/16 on 01-02
ok "route after accept" route add 10.8.0.0/16 via 01-02
if grep -q '^route 10.7.0.0/16$' "$C/hymn-01-02.conf"; then
	fail "route add routed an accept-only network"
else
	pass
fi

# A damaged configuration is reported, never rewritten.
cp "$C/hymn-01-02.conf" "$work/saved"
printf 'colour blue\n' >>"$C/hymn-01-02.conf"
refuse "damaged config" "unexpected directive 'colour'" name 01-02 x
cp "$work/saved" "$C/hymn-01-02.conf"
sed 's/^tunnel .*/tunnel 10.0.0.1 auto/' "$work/saved" >"$C/hymn-01-02.conf"
refuse "damaged tunnel line" "invalid tunnel" mtu 01-02 1400
cp "$work/saved" "$C/hymn-01-02.conf"

# del: refused while the pidfile exists.
echo 1 >"$R/hymn-01-02.pid"
refuse "del while up" "still up" del 01-02
rm -f "$R/hymn-01-02.pid"
ok "del" del office
[ -e "$C/hymn-01-02.conf" ] && fail "del left the config" || pass
refuse "del missing" "no tunnel" del 01-02

# ---------------------------------------------------------------------
# keygen: 32 random bytes, mode 0500, exclusive.
ok "keygen" keygen "$work/k1" "$work/k2"
for k in k1 k2; do
	[ "$(stat -c %s "$work/$k")" = 32 ] && pass || fail "keygen $k size"
	[ "$(stat -c %a "$work/$k")" = 500 ] && pass || fail "keygen $k mode"
done
cmp -s "$work/k1" "$work/k2" && fail "keygen: two equal keys" || pass
cp "$work/k1" "$work/k1.saved"
refuse "keygen existing" "File exists" keygen "$work/k1"
cmp -s "$work/k1" "$work/k1.saved" && pass || fail "keygen changed a key"
ln -s "$work/nowhere" "$work/link"
refuse "keygen symlink" "failed to create" keygen "$work/link"
[ -e "$work/nowhere" ] && fail "keygen followed a symlink" || pass

# ---------------------------------------------------------------------
# list and status against fake_control.
fresh
ok "list: normal" add 01-02 tunnel 10.0.0.1/30 secret /s peer 1.2.3.4:5 name office local 192.168.0.1:2333
ok "list: cathedral" add cafebabe-01-03 tunnel 10.0.0.5/30 cathedral 1.2.3.4:5 $K identity 1
ok "list: liturgy" liturgy cafeba00-ca $L prefix 10.15.0.0 group 1
ok "list: owned" add cafeba00-ca-01 tunnel 10.15.1.202/32 cathedral 1.1.1.254:31337 $K identity badf00d name peer1
ok "list: unowned" add cafeba00-cb-01 tunnel 10.15.1.203/32 cathedral 1.1.1.254:31337 $K identity badf00d
ok "list all down" list
expect "list, all down" "$work/out" "normal tunnels:
    hymn-01-02 - down (office)
cathedral tunnels:
    cafeba00-cb-01 - down
    cafebabe-01-03 - down
liturgies:
    cafeba00-ca-00 - down
     + cafeba00-ca-01 - down (peer1)"
ok "list flock" list cafeba00
expect "list cafeba00" "$work/out" "cathedral tunnels:
    cafeba00-cb-01 - down
liturgies:
    cafeba00-ca-00 - down
     + cafeba00-ca-01 - down (peer1)"
ok "list hymn" list hymn
expect "list hymn" "$work/out" "    hymn-01-02 - down (office)"

# fake <fake_control args...>: serve hymn-01-02's control socket with its
# pidfile, until stopfake.
fake() {
	"$fake" -s "$T/hymn-01-02.control" -p "$R/hymn-01-02.pid" -l 60 "$@" &
	fakepid=$!
	i=0
	while [ ! -s "$R/hymn-01-02.pid" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

stopfake() {
	kill "$fakepid"
	wait "$fakepid"
	fakepid=
}

# state <description> <want>: hymn-01-02's word in list.
state() {
	ok "$1" list hymn
	has "$1" "$work/out" "^    hymn-01-02 - $2 \\(office\\)\$"
}

TX=11223344,100,5000,3,123456789
RX=55667788,200,6000,4,987654321
fake -t $TX -r $RX -a 9.8.7.6:4321 -m 1380 -C -c rx-bad-tag=5 -c rx-replay=0 -c offer-stale=7
state "online" online
ok "status online" status office
has "tx age" "$work/out" '^    spi            11223344 \(age: 10[01] seconds\)$'
has "rx age" "$work/out" '^    spi            55667788 \(age: 20[01] seconds\)$'
has "tx last" "$work/out" '^    last packet    [34] seconds ago$'
has "rx last" "$work/out" '^    last packet    [45] seconds ago$'
sed -e 's/(age: [0-9]* seconds)/(age: N seconds)/' \
    -e 's/ [0-9]* seconds ago/ N seconds ago/' "$work/out" >"$work/status"
expect "status text" "$work/status" "hymn-01-02:
  name		office
  device	tun
  shroud	no
  local		192.168.0.1:2333
  tunnel	10.0.0.1/30
  mtu		auto (1380)

  peer		1.2.3.4:5 (9.8.7.6:4321)

  routes
    none

  accepts
    none

  tx
    spi            11223344 (age: N seconds)
    pkt            5000 
    bytes          123456789 
    last packet    N seconds ago

  rx
    spi            55667788 (age: N seconds)
    pkt            6000 
    bytes          987654321 
    last packet    N seconds ago

  counters
    rx-bad-tag             5
    offer-stale            7
"
stopfake
ls "$T"/hymn.client* >/dev/null 2>&1 && fail "client sockets left in $T" || pass

fake -t $TX -r 55667788,200,6000,-,987654321
state "never received" pending
ok "status without counters" status office
has "rx never" "$work/out" '^    last packet    never$'
grep -q counters "$work/out" && fail "counters from a daemon without COUNTERS" || pass
stopfake
fake -t 0,-,0,-,0 -r $RX
state "no tx sa" pending
ok "status no tx sa" status office
has "tx spi none" "$work/out" '^    spi            none$'
stopfake
fake -t $TX -r 0,-,6000,4,987654321
state "no rx sa" pending
stopfake
if [ "$(cut -d. -f1 /proc/uptime)" -gt 300 ]; then
	fake -t $TX -r 55667788,200,6000,118,987654321
	state "rx 118 s ago" online
	stopfake
	fake -t $TX -r 55667788,200,6000,121,987654321
	state "rx 121 s ago" pending
	stopfake
fi
fake -t $TX -r $RX -b status-short
refuse "short STATUS reply" "malformed STATUS" status office
refuse "short STATUS in list" "malformed STATUS" list
stopfake
fake -t $TX -r $RX -C -c rx-runt=1 -b counters-version
refuse "COUNTERS version" "malformed COUNTERS" status office
stopfake
fake -t $TX -r $RX -C -c rx-runt=1 -b counters-len
refuse "COUNTERS length" "malformed COUNTERS" status office
stopfake
fake -t $TX -r $RX -k 0
ok "rekey" rekey office
has "rekey accepted" "$work/out" 'rekey accepted'
stopfake
fake -t $TX -r $RX -k 1
refuse "rekey refused" "rekey refused" rekey office
stopfake
fake -t $TX -r $RX
refuse "rekey unanswered" "no answer" rekey office
stopfake
refuse "rekey not running" "no answer" rekey office
ok "status down" status office
has "not active" "$work/out" '^  not active$'
sleep 30 &
pid=$!
echo $pid >"$R/cafeba00-ca-00.pid"
ok "list liturgy" list cafeba00
has "liturgy running" "$work/out" '^    cafeba00-ca-00 - running$'
ok "status liturgy" status cafeba00-ca-liturgy
has "status liturgy running" "$work/out" '^  running$'
kill $pid
wait $pid 2>/dev/null
ok "list stale" list cafeba00
has "stale pidfile is down" "$work/out" '^    cafeba00-ca-00 - down$'
rm -f "$R/cafeba00-ca-00.pid"
ok "status all" status

# ---------------------------------------------------------------------
# up and down with the fake sanctum on PATH.
export PATH="$work/bin:$PATH"
ok "up" up office
has "up output" "$work/out" '^waiting for hymn-01-02 to go up \.\.\. done$'
[ -s "$R/hymn-01-02.pid" ] && pass || fail "up: no pidfile"
[ "$(stat -c %a "$R/hymn-01-02.log")" = 600 ] && pass || fail "log mode"
has "log" "$R/hymn-01-02.log" "^fake sanctum: -c $C/hymn-01-02.conf -d\$"
ok "up again" up 01-02
has "is up" "$work/out" '^tunnel hymn-01-02 is up$'
pid=$(cat "$R/hymn-01-02.pid")
ok "down" down 01-02
has "down output" "$work/out" '^waiting for hymn-01-02 to go down \.\.\. done$'
[ -e "$R/hymn-01-02.pid" ] && fail "down: pidfile left" || pass
sleep 0.3
kill -0 "$pid" 2>/dev/null && [ "$(cut -d' ' -f3 /proc/$pid/stat)" != Z ] &&
    fail "down: fake sanctum still runs" || pass
ok "down again" down 01-02
has "is down" "$work/out" '^tunnel hymn-01-02 is down$'
sh -c 'exit 0' &
pid=$!
wait $pid
echo $pid >"$R/hymn-01-02.pid"
ok "down stale" down 01-02
has "stale removed" "$work/err" 'removing stale pidfile'
[ -e "$R/hymn-01-02.pid" ] && fail "stale pidfile left" || pass
sleep 30 &
pid=$!
echo $pid >"$R/hymn-01-02.pid"
ok "down foreign" down 01-02
has "foreign not signalled" "$work/err" 'not a sanctum process'
kill -0 $pid 2>/dev/null && pass || fail "down signalled a foreign process"
kill $pid
wait $pid 2>/dev/null
export FAKE_SANCTUM_FAIL=1
refuse "failing sanctum" "sanctum failed" up 01-02
unset FAKE_SANCTUM_FAIL
ok "restart" restart 01-02
has "restart output" "$work/out" 'go up \.\.\. done$'
ok "up all" up
for n in hymn-01-02 cafebabe-01-03 cafeba00-ca-00 cafeba00-cb-01; do
	[ -s "$R/$n.pid" ] && pass || fail "up all: $n not started"
done
[ -e "$R/cafeba00-ca-01.pid" ] && fail "up all started a liturgy's tunnel" || pass
refuse "del while up" "still up" del cafebabe-01-03
ok "down all" down
ls "$R"/*.pid >/dev/null 2>&1 && fail "down all left $(ls "$R"/*.pid)" || pass

# ---------------------------------------------------------------------
# Our daemon reads what hymn writes (sanctum -n checks a configuration).
if [ -x "$build/sanctum" ]; then
	fresh
	ok "keys" keygen "$work/secret" "$work/kek" "$work/id"
	head -c 64 /dev/urandom >"$work/cosk"
	chmod 0600 "$work/cosk"
	ok "daemon plain" add 01-02 tunnel 10.0.0.1/30 secret "$work/secret" peer 1.2.3.4:5 user nobody shroud yes
	ok "daemon route" route add 10.9.0.0/16 via 01-02
	ok "daemon cathedral" add cafebabe-01-03 tunnel 10.0.0.5/30 cathedral 127.0.0.1:4500 kek "$work/kek" identity 1:"$work/id" cosk "$work/cosk" natport 4501 user nobody
	ok "daemon remembrance" remembrance cafebabe-01-03 on
	ok "daemon tap" add 01-04 device tap bridge br0 secret "$work/secret" peer 1.2.3.4:5 user nobody mtu 1400
	ok "daemon liturgy" liturgy cafeba00-ca cathedral 127.0.0.1:4500 identity 1:"$work/id" kek "$work/kek" cosk "$work/cosk" prefix 10.15.0.0 group 1 user nobody
	for f in "$C"/*.conf; do
		if "$build/sanctum" -c "$f" -n >/dev/null 2>"$work/err"; then
			pass
		else
			fail "sanctum -n $f: $(cat "$work/err")"
		fi
	done
fi

# ---------------------------------------------------------------------
# enroll --bundle: a bundle sealed by cathedralctl enroll, its files
# written all or none, never over existing ones without --force.
ctl=$build/cathedralctl
if [ -x "$ctl" ] && [ -x "$build/sanctum" ]; then
	fresh
	B=$work/node.bundle
	N=$work/nodedir
	printf 'a long passphrase\n' >"$work/pass"
	printf 'not the passphrase\n' >"$work/wrong"
	chmod 0600 "$work/pass" "$work/wrong"
	"$ctl" --db "$work/cath.db" init >"$work/ctl.out" 2>&1 &&
	"$ctl" --db "$work/cath.db" flock add cafeba00 >>"$work/ctl.out" 2>&1 &&
	"$ctl" --db "$work/cath.db" enroll --flock cafeba00 --peer-id 07 \
	    --name bnode --cathedral 127.0.0.1:4500 --prefix 10.20.0.0 \
	    --bundle "$B" --passphrase-file "$work/pass" --node-dir "$N" \
	    --run-dir "$R" >>"$work/ctl.out" 2>&1 || fail "cathedralctl enroll --bundle: $(cat "$work/ctl.out")"
	cs=$(sed -n 's/^enrolled cafeba00:\([0-9a-f]*\) .*/\1/p' "$work/ctl.out")
	cs=$(printf '%x' "0x${cs:-0}")
	files="cafeba00-07-00.conf cosk-$cs id-$cs kek-cafeba00-07"
	ok "bundle: state directories" list
	refuse "bundle: wrong passphrase" "wrong passphrase" enroll --bundle "$B" --passphrase-file "$work/wrong" --out "$work/d"
	[ -e "$work/d" ] && fail "bundle: wrong passphrase wrote $work/d" || pass
	refuse "bundle: mixed forms" "does not go with" enroll --bundle "$B" --token x
	refuse "bundle: no passphrase" "go together" enroll --bundle "$B"
	refuse "bundle: --force alone" "go together" enroll --force
	refuse "bundle: relative --out" "absolute path" enroll --bundle "$B" --passphrase-file "$work/pass" --out d
	ok "bundle into --out" enroll --bundle "$B" --passphrase-file "$work/pass" --out "$work/d"
	has "bundle: --out noted" "$work/out" "^  the configuration expects them in $N\$"
	[ "$(ls "$work/d" | tr '\n' ' ')" = "$files " ] && pass ||
	    fail "bundle: files '$(ls "$work/d")', want '$files'"
	for f in $files; do
		[ "$(stat -c %a "$work/d/$f")" = 600 ] && pass ||
		    fail "bundle: $f mode $(stat -c %a "$work/d/$f")"
	done
	[ "$(stat -c %a "$work/d")" = 700 ] && pass || fail "bundle: --out mode"
	[ "$(stat -c %s "$work/d/id-$cs")" = 32 ] &&
	    [ "$(stat -c %s "$work/d/cosk-$cs")" = 64 ] &&
	    [ "$(stat -c %s "$work/d/kek-cafeba00-07")" = 32 ] && pass ||
	    fail "bundle: key sizes"
	# The configuration names the recorded directory; moved, it parses.
	sed "s|$N/|$work/d/|g" "$work/d/cafeba00-07-00.conf" >"$work/moved.conf"
	if "$build/sanctum" -n -c "$work/moved.conf" >/dev/null 2>"$work/err"; then
		pass
	else
		fail "bundle: sanctum -n of the moved configuration: $(cat "$work/err")"
	fi
	sum=$(cat "$work/d"/* | cksum)
	refuse "bundle: existing files" "exists already (--force replaces it)" enroll --bundle "$B" --passphrase-file "$work/pass" --out "$work/d"
	[ "$(cat "$work/d"/* | cksum)" = "$sum" ] && pass || fail "bundle: refused, yet files changed"
	printf 'x' >"$work/d/id-$cs"
	ok "bundle: --force" enroll --bundle "$B" --passphrase-file "$work/pass" --out "$work/d" --force
	[ "$(cat "$work/d"/* | cksum)" = "$sum" ] && pass || fail "bundle: --force did not restore the files"
	ls "$work/d"/*.new >/dev/null 2>&1 && fail "bundle: .new files left" || pass
	# All or none: the configuration's name (written last) taken by a
	# directory; with --force the files it had already replaced come back.
	mkdir -p "$work/p/cafeba00-07-00.conf/x"
	for f in id-$cs cosk-$cs kek-cafeba00-07; do
		printf 'old %s' "$f" >"$work/p/$f"
	done
	old=$(cat "$work/p/id-$cs" "$work/p/cosk-$cs" "$work/p/kek-cafeba00-07" | cksum)
	refuse "bundle: one file fails" "rename" enroll --bundle "$B" --passphrase-file "$work/pass" --out "$work/p" --force
	[ "$(ls -A "$work/p" | sort | tr '\n' ' ')" = "cafeba00-07-00.conf cosk-$cs id-$cs kek-cafeba00-07 " ] && pass ||
	    fail "bundle: a failed write left $(ls -A "$work/p")"
	[ "$(cat "$work/p/id-$cs" "$work/p/cosk-$cs" "$work/p/kek-cafeba00-07" | cksum)" = "$old" ] && pass ||
	    fail "bundle: a failed --force write did not put the old files back"
	rm -f "$work/p/id-$cs" "$work/p/cosk-$cs" "$work/p/kek-cafeba00-07"
	# Without --out: the recorded directory, created 0700; it starts as is.
	ok "bundle into its directory" enroll --bundle "$B" --passphrase-file "$work/pass"
	[ "$(stat -c %a "$N")" = 700 ] && pass || fail "bundle: directory mode"
	if "$build/sanctum" -n -c "$N/cafeba00-07-00.conf" >/dev/null 2>"$work/err"; then
		pass
	else
		fail "bundle: sanctum -n $N/cafeba00-07-00.conf: $(cat "$work/err")"
	fi
	refuse "token: not a token" "not a valid token" enroll --cathedral 127.0.0.1:1 --token abc --out "$work/t"
	refuse "token: no --out" "go together" enroll --cathedral 127.0.0.1:1 --token abc
	tok=aaaqeay-eaudaoc-ajbifqy-diob4ib-ceqtcqk-rmfyyde-nbwha5d-ypwa6m2
	refuse "token: attempts" "attempts '11'" enroll --cathedral 127.0.0.1:1 --token $tok --out "$work/t" --attempts 11
	refuse "token: non-empty --out" "not empty" enroll --cathedral 127.0.0.1:1 --token $tok --out "$work/d"
	refuse "token: no cathedral" "no answer from 127.0.0.1:1 after 1 attempt:" enroll --cathedral 127.0.0.1:1 --token $tok --out "$work/t" --attempts 1
	[ -e "$work/t" ] && fail "token: unanswered, yet $work/t exists" || pass
fi

# ---------------------------------------------------------------------
# Options, environment and the root check.
fresh
HYMN_CONFIG_DIR=$work/envconf "$hymn" -R "$R" -T "$T" add 01-02 $P >/dev/null
[ -f "$work/envconf/hymn-01-02.conf" ] && pass || fail "HYMN_CONFIG_DIR"
HYMN_CONFIG_DIR=$work/envconf "$hymn" -C "$C" -R "$R" -T "$T" add 01-02 $P >/dev/null
[ -f "$C/hymn-01-02.conf" ] && pass || fail "-C over HYMN_CONFIG_DIR"
[ "$(stat -c %a "$C")" = 700 ] && pass || fail "config dir mode"
refuse "relative dir" "absolute" -C relative list
"$hymn" >/dev/null 2>"$work/err" && fail "no arguments succeeded" || pass
has "usage" "$work/err" '^usage: hymn '
has "usage lists rekey" "$work/err" 'rekey'
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$hymn" -C "$C" list \
	    >/dev/null 2>"$work/err"
	has "root check" "$work/err" 'must be run as root'
fi

echo "hymn: $tests checks, $failures failed"
[ $failures -eq 0 ]
