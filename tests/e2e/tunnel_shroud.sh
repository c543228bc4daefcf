#!/usr/bin/env bash
# Shroud (tunnel.md 2.9): a shrouded pair carries a TCP transfer intact; no
# datagram on the wire starts with either side's SPI (the packets are
# masked) and their lengths vary (padding); a peer with the same secret but
# without shroud cannot talk to a shrouded one, and the drops are counted.
. "$(dirname "$0")/lib.sh"

pair_namespaces
pair_confs sh 10.251.0.1/30 10.251.0.2/30 1373 "shroud yes"
start_bg PL l "$W/l.log" "$SANCTUM" -c "$W/l.conf"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"
check "shrouded tunnel up within 20 s" wait_ping l 10.251.0.2 20

start_bg CAP l "$W/capture.log" tcpdump -n -l -B 16384 -i vl -s 64 -w "$W/wire.pcap" udp
wait_until 5 grep -q "listening on" "$W/capture.log" || die "tcpdump did not start"
random_file "$W/data" 30
want=$(sha256sum < "$W/data")
tcp_transfer l r 10.251.0.2 9000 "$W/data" "$W/got"
check "30 MB over the shrouded tunnel intact" [ "$(sha256sum < "$W/got")" = "$want" ]
spi_l=$(ctl_value "$W/l.control" status tx_spi)
spi_r=$(ctl_value "$W/r.control" status tx_spi)
kill -INT "$CAP"
wait_until 5 sh -c "! kill -0 $CAP" || die "tcpdump did not stop"
# The first 4 UDP payload bytes of every datagram, and the lengths.
tcpdump -n -r "$W/wire.pcap" -x 2>/dev/null | awk '
	/^[0-9]/ { if (h != "") print h; h = ""; n = 0; next }
	/0x0010:/ { h = $7 $8 }' > "$W/heads"
total=$(wc -l < "$W/heads")
plain=$(grep -ci -e "^$spi_l" -e "^$spi_r" "$W/heads")
check "captured datagrams ($total)" [ "$total" -gt 1000 ]
check "no datagram starts with an SPI ($plain of $total do)" [ "$plain" = 0 ]
lengths=$(tcpdump -n -r "$W/wire.pcap" 2>/dev/null | sed -n 's/.*length \([0-9]*\)$/\1/p' | sort -u | wc -l)
check "datagram lengths vary with the padding ($lengths distinct)" [ "$lengths" -gt 50 ]

# The right side comes back without shroud: nothing gets through.
kill -TERM "$(cat "$W/r.pid")"
wait_until 10 sh -c "! kill -0 $PR" || die "right side did not stop"
sed -i '/^shroud yes$/d' "$W/r.conf"
# Either side sees only noise from the other (unmasked, it names no SPI
# it knows): receive-side drops, not what the sending side counts.
rx_drops() {
	ctl "$1" counters | awk -F= '$1 ~ /^(rx|offer)-/ { s += $2 } END { print s + 0 }'
}
before=$(rx_drops "$W/l.control")
start_bg PR2 r "$W/r2.log" "$SANCTUM" -c "$W/r.conf"
wait_until 10 [ -S "$W/r.control" ] || die "unshrouded right side did not start"
if wait_ping l 10.251.0.2 20; then
	die "an unshrouded peer talked to a shrouded one"
fi
log "ok: no ping for 20 s between shrouded and unshrouded peers"
after=$(rx_drops "$W/l.control")
check "the shrouded side counted receive drops ($before -> $after)" [ "$after" -gt "$before" ]
r_drops=$(rx_drops "$W/r.control")
check "the unshrouded side counted receive drops ($r_drops)" [ "$r_drops" -gt 0 ]
