#!/usr/bin/env bash
# Attacks on the cathedral (test 5) and bad input (test 6):
#  - a captured INFO replayed from a third namespace leaves the endpoint
#    unchanged and draws no reply;
#  - a flood of forged offers with valid flock ids is rate-limited (counted)
#    and the legitimate nodes stay registered;
#  - with the tunnel bound set to 2, a third entry raises the table-full
#    counter by one and the two existing tunnels are still served;
#  - truncated and garbage datagrams on both ports, bad signatures, bad
#    tags, unknown ids and stale timestamps are each counted under their
#    own reason, exactly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cathedral_lib.sh"
. "$(dirname "$0")/cathedral_setup.sh"

K=10
ns_add evil
in_ns net ip link add p9 type veth peer name e0 netns "$(ns evil)"
in_ns net ip link set p9 master br0 up
in_ns evil ip addr add 10.0.0.9/24 dev e0
in_ns evil ip link set e0 up

make_cathedral_db cath "0000000a:01:0 0000000b:02:0 0000000c:03:0"
write_cathedral_conf cath 10.0.0.1 9100 "cathedral_limit tunnels 2"
write_client_conf nl 0000000a 01 02 10.99.0.1/30 10.0.0.1
write_client_conf nr 0000000b 02 01 10.99.0.2/30 10.0.0.1
start_bg PC cath "$W/cath.log" "$SANCTUM" -c "$W/cath.conf"
wait_until 10 test -s "$W/cath.pid" || die "cathedral did not start"
start_bg CAP cath "$W/info.pcap.log" tcpdump -i e0 -U -w "$W/info.pcap" \
    "udp and dst port $CATH_PORT and src host 10.0.0.2"
start_bg PL nodel "$W/nl.log" "$SANCTUM" -c "$W/nl.conf"
start_bg PR noder "$W/nr.log" "$SANCTUM" -c "$W/nr.conf"
check "relayed tunnel up within 40 s" wait_ping nodel 10.99.0.2 40
kill -INT "$CAP"; wait "$CAP" 2>/dev/null

M=sanctum_cathedral_offers_rejected_total
rejected() { metric cath 9100 "$M{reason=\"$1\"}"; }
endpoint() { sqlite3 "$W/cath.db" "SELECT hex(ip), port FROM endpoints WHERE tunnel = 258"; }

# Replay: the last INFO node l sent, from 10.0.0.9, within its 10 s window.
sleep 1
before=$(rejected replay)
ep_before=$(endpoint)
start_bg SNIFF evil "$W/evil.cap" tcpdump -i e0 -n -l "udp and dst host 10.0.0.9"
sleep 1
in_ns evil "$E2E_TOOL" resend "$W/info.pcap" 10.0.0.1:$CATH_PORT 1 offer ||
    die "replaying the INFO"
sleep 2
kill -INT "$SNIFF"; wait "$SNIFF" 2>/dev/null
check "the replayed INFO is counted as a replay" [ "$(rejected replay)" = $((before + 1)) ]
check "the endpoint did not move ($(endpoint))" [ "$(endpoint)" = "$ep_before" ]
check "the replay drew no reply" [ "$(grep -c ' > ' "$W/evil.cap")" = 0 ]
check "traffic still relayed to the real node" in_ns nodel ping -c 3 -i 0.2 -W 1 10.99.0.2

# Flood: 3000 forged offers with a valid flock id and CS id.
limited=$(metric cath 9100 sanctum_cathedral_rate_limited_total)
in_ns evil "$E2E_TOOL" info "$W/secrets/flock-$(printf '%x' $((16#$FLOCK)))/0000000c.key" \
    "$W/id-0000000c.cosk" 0000000c "$FLOCK" 0302 10.0.0.1:$CATH_PORT 3000 badtag
sleep 1
now_limited=$(metric cath 9100 sanctum_cathedral_rate_limited_total)
check "the flood shows in the rate-limit counter ($limited -> $now_limited)" \
    [ "$now_limited" -gt $((limited + 2000)) ]
sleep 6
check "the legitimate nodes are still registered and relayed" \
    in_ns nodel ping -c 5 -i 0.2 -W 1 10.99.0.2
sleep 31	# the flooding source's bucket refills (100 offers at 50/s)

# Bound: a third tunnel entry with the bound at 2.
full=$(metric cath 9100 'sanctum_cathedral_table_full_total{table="tunnels"}')
in_ns evil "$E2E_TOOL" info "$W/secrets/flock-$(printf '%x' $((16#$FLOCK)))/0000000c.key" \
    "$W/id-0000000c.cosk" 0000000c "$FLOCK" 0301 10.0.0.1:$CATH_PORT 1 ok
sleep 1
check "bound+1 entries raise the table-full counter by one" \
    [ "$(metric cath 9100 'sanctum_cathedral_table_full_total{table="tunnels"}')" = $((full + 1)) ]
check "the existing tunnels are still served" in_ns nodel ping -c 3 -i 0.2 -W 1 10.99.0.2

# Bad input, K of each kind, each under its own reason.
SEC=$W/secrets/flock-$(printf '%x' $((16#$FLOCK)))
bad() {
	local reason=$1 metricname=$2 b a; shift 2
	b=$(metric cath 9100 "$metricname")
	in_ns evil "$@" || die "sending $reason"
	sleep 1
	a=$(metric cath 9100 "$metricname")
	check "$reason: counted exactly $K ($b -> $a)" [ "$a" = $((b + K)) ]
}
bad "stale timestamps" "$M{reason=\"stale\"}" \
    "$E2E_TOOL" info "$SEC/0000000c.key" "$W/id-0000000c.cosk" 0000000c "$FLOCK" 0301 10.0.0.1:$CATH_PORT $K stale
bad "bad signatures" "$M{reason=\"bad-signature\"}" \
    "$E2E_TOOL" info "$SEC/0000000c.key" "$W/id-0000000c.cosk" 0000000c "$FLOCK" 0301 10.0.0.1:$CATH_PORT $K badsig
bad "bad tags" "$M{reason=\"bad-tag\"}" \
    "$E2E_TOOL" info "$SEC/0000000c.key" "$W/id-0000000c.cosk" 0000000c "$FLOCK" 0301 10.0.0.1:$CATH_PORT $K badtag
bad "unknown ids" "$M{reason=\"unknown-identity\"}" \
    "$E2E_TOOL" info "$SEC/0000000c.key" "$W/id-0000000c.cosk" 0000000d "$FLOCK" 0301 10.0.0.1:$CATH_PORT $K ok
bad "truncated datagrams on the main port" 'sanctum_network_dropped_total{reason="rx-runt"}' \
    bash -c "for i in \$(seq $K); do head -c 30 /dev/urandom > /dev/udp/10.0.0.1/$CATH_PORT; done"
bad "truncated datagrams on the NAT port" 'sanctum_network_dropped_total{reason="rx-runt"}' \
    bash -c "for i in \$(seq $K); do head -c 30 /dev/urandom > /dev/udp/10.0.0.1/$CATH_NAT; done"
bad "garbage on the main port" 'sanctum_cathedral_relay_dropped_total{reason="flock-not-allowed"}' \
    "$E2E_TOOL" garbage 10.0.0.1:$CATH_PORT $K
bad "garbage on the NAT port" 'sanctum_cathedral_relay_dropped_total{reason="flock-not-allowed"}' \
    "$E2E_TOOL" garbage 10.0.0.1:$CATH_NAT $K
check "the cathedral is still running" pid_alive "$PC"
check "and still relaying" in_ns nodel ping -c 3 -i 0.2 -W 1 10.99.0.2
