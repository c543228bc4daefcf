#!/usr/bin/env bash
# Two of our tunnel daemons (tests 1 and 2 of the tunnel issue):
#  1. tunnel up; 20 pings with 0 % loss; a 100 MB TCP transfer intact.
#  2. two forced rekeys during a 100 MB TCP transfer (rate-limited with tbf
#     inside the namespace so the transfer outlasts them): the sha256
#     matches and the status shows each new SPI on both sides.
. "$(dirname "$0")/lib.sh"

ns_add l
ns_add r
veth_link l vl 10.250.0.1/24 r vr 10.250.0.2/24
gen_key "$W/secret"
write_tunnel_conf "$W/l.conf" sel 10.250.0.1:2333 10.250.0.2:2333 \
    10.251.0.1/30 1422 "$W/secret"
write_tunnel_conf "$W/r.conf" ser 10.250.0.2:2333 10.250.0.1:2333 \
    10.251.0.2/30 1422 "$W/secret"
start_bg PL l "$W/l.log" "$SANCTUM" -c "$W/l.conf"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"

# Key exchange: the spec's bring-up is a few seconds; 20 s is generous.
check "tunnel up within 20 s" wait_ping l 10.251.0.2 20
loss=$(in_ns l ping -c 20 -i 0.2 -W 1 10.251.0.2 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
check "20 pings, 0% loss (got ${loss}%)" [ "$loss" = 0 ]

random_file "$W/data" 100
want=$(sha256sum < "$W/data")
tcp_transfer l r 10.251.0.2 9000 "$W/data" "$W/got"
check "100 MB over the tunnel intact" [ "$(sha256sum < "$W/got")" = "$want" ]

# Test 2: rekeys under load. 80 Mbit/s makes the transfer last ~10 s.
in_ns l tc qdisc add dev vl root tbf rate 80mbit burst 64kb latency 400ms
rm -f "$W/got"
( tcp_transfer l r 10.251.0.2 9001 "$W/data" "$W/got" ) &
xfer=$!
: > "$W/spis"
sample() {
	for s in l r; do
		ctl_value "$W/$s.control" status tx_spi >> "$W/spis"
		ctl_value "$W/$s.control" status rx_spi >> "$W/spis"
	done
}
sleep 1
sample
for round in 1 2; do
	before=$(ctl_value "$W/l.control" status tx_spi)
	check "rekey $round accepted" [ "$(ctl_value "$W/l.control" rekey accepted)" = 1 ]
	# A new exchange completes in a few seconds (1 s offer pulses).
	wait_until 15 sh -c "[ \"\$($E2E_TOOL ctl $W/l.control status | sed -n 's/^tx_spi=//p')\" != $before ]" ||
	    die "left tx spi did not change after rekey $round"
	sleep 1
	sample
done
wait "$xfer" || die "transfer during rekeys failed"
check "100 MB intact across two rekeys" [ "$(sha256sum < "$W/got")" = "$want" ]
sample
distinct=$(sort -u "$W/spis" | grep -vc '^00000000$')
check "at least 6 distinct SPIs seen (3 per direction, got $distinct)" [ "$distinct" -ge 6 ]
# The first exchange is started by whichever side came up first; the two
# forced ones by the left.
rl=$(ctl_value "$W/l.control" counters rekeys)
rr=$(ctl_value "$W/r.control" counters rekeys)
check "left started the 2 forced exchanges (got $rl)" [ "$rl" -ge 2 ]
check "at least 3 exchanges in all (got $rl + $rr)" [ $((rl + rr)) -ge 3 ]
