#!/usr/bin/env bash
# Online enrollment (docs/enrollment.md, "Redeeming a token over UDP"):
# hymn enroll --cathedral in a node namespace against our cathedral.
#  - a token redeems: the node's files are there (0600, sizes), the
#    identity is in the database with the node's COSK and cathedral
#    secret, the KEK is the keyring's, sanctum -n accepts the
#    configuration, and it is byte for byte what cathedralctl enroll
#    writes for the same profile;
#  - the same token again is refused (no answer, counted "used"), and
#    nothing is written;
#  - a captured request replayed is refused (counted "replay"), also once
#    the offers' replay memory (25 s) is over but the 60 s window is not;
#  - with the first two requests dropped by nft the enrollment succeeds;
#  - an expired token is refused and counted "expired".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cathedral_lib.sh"

MPORT=9100
CATH=10.0.0.1:$CATH_PORT

ns_add cath
ns_add node
veth_link cath c0 10.0.0.1/24 node n0 10.0.0.2/24

# cathedralctl on the cathedral's database (keyring: <db>.keyring).
CTL() {
	"$CATHEDRALCTL" --db "$W/cath.db" "$@"
}

# hymn enroll --cathedral ... in the node namespace.
enroll() {
	in_ns node "$HYMN" -C "$W/hymn-conf" -R "$W/hymn-run" enroll \
	    --cathedral "$CATH" "$@"
}

# The enroll_total counter of one result.
enrolls() {
	metric cath $MPORT "sanctum_cathedral_enroll_total{result=\"$1\"}"
}

# enrolls_is RESULT N: the counter is N (evaluated on every call).
enrolls_is() {
	[ "$(enrolls "$1")" = "$2" ]
}

# A new token; its text on stdout.
token() {
	CTL token create --flock "$FLOCK" --ttl "$@" > "$W/token.log" 2>&1 ||
	    die "token create: $(cat "$W/token.log")"
	awk '$1 == "token" { print $2 }' "$W/token.log"
}

# same_as_ctl DIR CONF CSID PROFILE...: DIR/CONF is, but for the CS id, what
# cathedralctl enroll --out writes for the profile (in a database of its
# own, so the peer id is free), with the same directories.
same_as_ctl() {
	local d=$1 f=$2 id=$3 ref; shift 3
	ref=$W/ref-$d
	"$CATHEDRALCTL" --db "$ref.db" init > "$ref.log" 2>&1 &&
	"$CATHEDRALCTL" --db "$ref.db" flock add "$FLOCK" >> "$ref.log" 2>&1 &&
	"$CATHEDRALCTL" --db "$ref.db" enroll --flock "$FLOCK" "$@" \
	    --out "$ref" --node-dir "$W/$d" --run-dir "$W/run" \
	    >> "$ref.log" 2>&1 || { cat "$ref.log" >&2; return 1; }
	sed "s/\b$(ls "$ref" | sed -n 's/^id-//p')\b/$id/g" "$ref/$f" > "$ref.conf"
	cmp "$ref.conf" "$W/$d/$f"
}

# mode_size FILE: "mode size"
mode_size() {
	stat -c '%a %s' "$1"
}

"$E2E_TOOL" keygen "$W/sync.key" || die "keygen"
CTL init > "$W/ctl.log" 2>&1 && CTL flock add "$FLOCK" >> "$W/ctl.log" 2>&1 ||
    die "cathedralctl init (see $W/ctl.log)"
TA=$(token 10m --peer-id 01 --name node-a --prefix 10.50.0.0 --group 0x42)
write_cathedral_conf cath 10.0.0.1 $MPORT
start_bg PC cath "$W/cath.log" "$SANCTUM" -c "$W/cath.conf"
wait_until 10 test -s "$W/cath.pid" || die "cathedral did not start"
wait_until 10 in_ns cath bash -c "exec 3<>/dev/tcp/127.0.0.1/$MPORT" ||
    die "no metrics endpoint"

# ---------------------------------------------------------------------
# A token redeemed, with the request captured in the cathedral's ns.
start_bg CAP cath "$W/tcpdump.log" tcpdump -i c0 -n -U --immediate-mode -w "$W/enroll.pcap" \
    "udp and dst port $CATH_PORT"
wait_until 5 grep -q listening "$W/tcpdump.log" || die "tcpdump"
ok0=$(enrolls ok)
enroll --token "$TA" --out "$W/a" --run-dir "$W/run" > "$W/a.log" 2>&1 ||
    die "hymn enroll: $(cat "$W/a.log")"
captured=$(date +%s)
sleep 0.5
kill -INT "$CAP"
wait "$CAP" 2>/dev/null
cat "$W/a.log" >&2
csid=$(sed -n 's/^enrolled [0-9a-f]*:\([0-9a-f]\{8\}\) .*/\1/p' "$W/a.log")
check "hymn names the identity it got" [ -n "$csid" ]
cs=$(printf '%x' $((16#$csid)))
peer_kek="kek-$(printf '%x' $((16#$FLOCK)))-01"
conf="$(printf '%x' $((16#$FLOCK)))-01-00.conf"
check "counted ok" [ "$(enrolls ok)" = $((ok0 + 1)) ]
check "id-$cs: 32 bytes, 0600" [ "$(mode_size "$W/a/id-$cs")" = "600 32" ]
check "cosk-$cs: 64 bytes, 0600" [ "$(mode_size "$W/a/cosk-$cs")" = "600 64" ]
check "$peer_kek: 32 bytes, 0600" [ "$(mode_size "$W/a/$peer_kek")" = "600 32" ]
check "$conf: 0600" [ "$(stat -c %a "$W/a/$conf")" = 600 ]
check "nothing else written" [ "$(ls "$W/a" | wc -l)" = 4 ]
row=$(sqlite3 "$W/cath.db" "SELECT lower(hex(secret)) || ' ' || \
    lower(hex(cosk_pub)) || ' ' || name || ' ' || revoked FROM identities \
    WHERE csid = $((16#$csid))")
want="$(od -An -tx1 -v "$W/a/id-$cs" | tr -d ' \n') \
$(tail -c 32 "$W/a/cosk-$cs" | od -An -tx1 -v | tr -d ' \n') node-a 0"
check "the database holds the identity with the node's secret and COSK" \
    [ "$row" = "$want" ]
check "cathedralctl node list shows it active" \
    sh -c "'$CATHEDRALCTL' --db '$W/cath.db' node list | grep -Eq '^$(printf '%x' $((16#$FLOCK))) +$csid +active +node-a '"
check "the node's KEK is the keyring's" \
    grep -qx "kek 01 $(od -An -tx1 -v "$W/a/$peer_kek" | tr -d ' \n')" \
    "$W/cath.db.keyring"
check "sanctum -n accepts the configuration" \
    "$SANCTUM" -n -c "$W/a/$conf"
check "the configuration is what cathedralctl enroll writes" \
    same_as_ctl a "$conf" "$cs" --peer-id 01 --name node-a --prefix 10.50.0.0 \
    --group 0x42 --cathedral "$CATH"

# ---------------------------------------------------------------------
# The same token again: silence, counted, nothing written.
used0=$(enrolls used)
if enroll --token "$TA" --out "$W/a2" --attempts 2 > "$W/a2.log" 2>&1; then
	die "a used token enrolled again"
fi
check "hymn says why it gave up" grep -q "no answer from $CATH after 2 attempts: token unknown, used, expired, or the cathedral is unreachable" "$W/a2.log"
check "nothing written for a used token" [ ! -e "$W/a2" ]
check "both attempts counted used" [ "$(enrolls used)" = $((used0 + 2)) ]

# A captured request replayed.
replay0=$(enrolls replay)
resent0=$(enrolls resent)
in_ns node "$E2E_TOOL" resend "$W/enroll.pcap" "$CATH" 1 replay ||
    die "resend"
check "a replayed request is counted" \
    wait_until 5 enrolls_is replay $((replay0 + 1))

# ---------------------------------------------------------------------
# The first two requests dropped on the way: the third gets through.
# (A name without a descr line: the name does not travel with a token.)
TB=$(token 10m --peer-id 02 --name node_b --mode tunnel --to 01 \
    --cathedral "$CATH" --natport $CATH_NAT)
in_ns node nft -f - <<NFT || die "nft"
table ip enroll_drop {
	chain output {
		type filter hook output priority 0;
		udp dport $CATH_PORT counter drop
	}
}
NFT
# dropped_is N: the rule dropped N requests so far.
dropped_is() {
	[ "$(in_ns node nft list table ip enroll_drop 2>/dev/null |
	    sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')" = "$1" ]
}
ok0=$(enrolls ok)
start_bg PB node "$W/b.log" "$HYMN" -C "$W/hymn-conf" -R "$W/hymn-run" \
    enroll --cathedral "$CATH" --token "$TB" --out "$W/b" --run-dir "$W/run"
wait_until 5 dropped_is 2 || die "two requests were not dropped"
in_ns node nft delete table ip enroll_drop || die "nft delete"
for ((i = 0; i < 100; i++)); do
	pid_alive "$PB" || break
	sleep 0.1
done
wait "$PB"
rc=$?
cat "$W/b.log" >&2
check "enrolled after two lost requests" [ $rc = 0 ]
check "counted ok once" [ "$(enrolls ok)" = $((ok0 + 1)) ]
bconf="$(printf '%x' $((16#$FLOCK)))-02-01.conf"
check "the tunnel's configuration names the token's cathedral" \
    grep -qx "cathedral $CATH" "$W/b/$bconf"
check "and its NAT port" grep -qx "cathedral_nat_port $CATH_NAT" "$W/b/$bconf"
check "sanctum -n accepts the tunnel's configuration" \
    "$SANCTUM" -n -c "$W/b/$bconf"
bcs=$(sed -n 's/^enrolled [0-9a-f]*:\([0-9a-f]\{8\}\) .*/\1/p' "$W/b.log")
check "the tunnel's configuration is what cathedralctl enroll writes" \
    same_as_ctl b "$bconf" "$(printf '%x' $((16#${bcs:-0})))" --peer-id 02 \
    --name node_b --mode tunnel --to 01 --cathedral "$CATH" \
    --natport $CATH_NAT

# ---------------------------------------------------------------------
# An expired token (loaded by the cathedral while it was good).
TC=$(token 4s --peer-id 03 --name node-c --prefix 10.50.0.0)
sleep 6
expired0=$(enrolls expired)
if enroll --token "$TC" --out "$W/c" --attempts 1 > "$W/c.log" 2>&1; then
	die "an expired token enrolled"
fi
check "nothing written for an expired token" [ ! -e "$W/c" ]
check "counted expired" [ "$(enrolls expired)" = $((expired0 + 1)) ]

# ---------------------------------------------------------------------
# The replay again once the offers' 25 s replay memory is over, still
# inside the 60 s timestamp window: refused, not answered as a resend.
wait=$((captured + 30 - $(date +%s)))
[ $wait -gt 0 ] && sleep $wait
replay0=$(enrolls replay)
in_ns node "$E2E_TOOL" resend "$W/enroll.pcap" "$CATH" 1 replay ||
    die "resend"
check "a replay 30 s later is counted as one" \
    wait_until 5 enrolls_is replay $((replay0 + 1))
check "and not answered" [ "$(enrolls resent)" = "$resent0" ]
log "passed"
