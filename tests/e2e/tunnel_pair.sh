#!/usr/bin/env bash
# Two of our tunnel daemons (tests 1 and 2 of the tunnel issue):
#  1. tunnel up; 20 pings with 0 % loss; a 100 MB TCP transfer intact.
#  2. two forced rekeys during a 100 MB TCP transfer (rate-limited with tbf
#     inside the namespace so the transfer outlasts them): the sha256
#     matches and the status shows each new SPI on both sides.
# The left side is made, started, queried, rekeyed and stopped with hymn
# (its directories under the work directory); the right side is started
# directly.
. "$(dirname "$0")/lib.sh"

pair_namespaces
mkdir -p "$W/hymn"
chmod 0711 "$W/hymn"
H() {
	in_ns l env PATH="$BUILD:$PATH" "$HYMN" -C "$W/hymn" -R "$W/hymn" -T "$W/hymn" "$@"
}
H add 01-02 tunnel 10.251.0.1/30 mtu 1422 local 10.250.0.1:2333 \
    secret "$W/secret" peer 10.250.0.2:2333 name sel user nobody ||
    die "hymn add"
write_tunnel_conf "$W/r.conf" ser 10.250.0.2:2333 10.250.0.1:2333 \
    10.251.0.2/30 1422 "$W/secret"
H up sel || die "hymn up"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"
# What hymn status shows of one direction's SPI of the left side.
hymn_spi() {
	H status sel | awk -v d="  $1" '$0 == d { want = 1; next }
	    want && $1 == "spi" { print $2; exit }'
}

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
	hymn_spi tx >> "$W/spis"
	hymn_spi tx >> "$W/hymn-tx-spis"
	hymn_spi rx >> "$W/spis"
	ctl_value "$W/r.control" status tx_spi >> "$W/spis"
	ctl_value "$W/r.control" status rx_spi >> "$W/spis"
}
sleep 1
sample
for round in 1 2; do
	before=$(hymn_spi tx)
	check "hymn rekey $round" H rekey sel
	# A new exchange completes in a few seconds (1 s offer pulses).
	changed() { [ "$(hymn_spi tx)" != "$before" ]; }
	wait_until 15 changed || die "left tx spi did not change after rekey $round"
	sleep 1
	sample
done
wait "$xfer" || die "transfer during rekeys failed"
check "100 MB intact across two rekeys" [ "$(sha256sum < "$W/got")" = "$want" ]
sample
distinct=$(sort -u "$W/spis" | grep -vc '^00000000$\|^none$')
check "hymn status showed 3 TX SPIs of the left side ($(sort -u "$W/hymn-tx-spis" | tr '\n' ' '))" \
    [ "$(sort -u "$W/hymn-tx-spis" | grep -vc '^none$')" = 3 ]
check "at least 6 distinct SPIs seen (3 per direction, got $distinct)" [ "$distinct" -ge 6 ]
# The first exchange is started by whichever side came up first; the two
# forced ones by the left.
rl=$(H status sel | awk '$1 == "rekeys" { print $2 }')
rr=$(ctl_value "$W/r.control" counters rekeys)
check "left started the 2 forced exchanges (got $rl)" [ "$rl" -ge 2 ]
check "at least 3 exchanges in all (got $rl + $rr)" [ $((rl + rr)) -ge 3 ]

check "hymn down stops the left side" H down sel
check "no pidfile or device left" sh -c "[ ! -e $W/hymn/sel.pid ] && ! ip -n $(ns l) link show sel >/dev/null 2>&1"
