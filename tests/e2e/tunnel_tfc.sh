#!/usr/bin/env bash
# TFC (tunnel.md 2.10), shroud off: during pings of several sizes and a TCP
# transfer (full segments and bare ACKs), every datagram of the tunnel on
# the wire (data, graces and key offers) is tun_mtu + 50 bytes long, and
# the transfer arrives intact (the receiver trims by the IPv4 length). With
# UDP GSO the capture shows a batch as one buffer that the kernel cuts into
# tun_mtu + 50 byte datagrams, so a length there must be a multiple of it.
. "$(dirname "$0")/lib.sh"

pair_namespaces
pair_confs tf 10.251.0.1/30 10.251.0.2/30 1400 "tfc on"
start_bg CAP l "$W/capture.log" tcpdump -n -l -i vl -w "$W/wire.pcap" udp
wait_until 5 grep -q "listening on" "$W/capture.log" || die "tcpdump did not start"
start_bg PL l "$W/l.log" "$SANCTUM" -c "$W/l.conf"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"
check "tunnel up within 20 s" wait_ping l 10.251.0.2 20
for s in 16 100 600 1000 1372; do
	check "ping with $s bytes" in_ns l ping -c 3 -i 0.2 -W 1 -s "$s" 10.251.0.2
done
random_file "$W/data" 20
want=$(sha256sum < "$W/data")
tcp_transfer l r 10.251.0.2 9000 "$W/data" "$W/got"
check "20 MB with TFC intact" [ "$(sha256sum < "$W/got")" = "$want" ]
# A rekey's offers are padded too.
check "rekey accepted" [ "$(ctl_value "$W/l.control" rekey accepted)" = 1 ]
sleep 3
check "ping after the rekey" wait_ping l 10.251.0.2 10
kill -INT "$CAP"
wait_until 5 sh -c "! kill -0 $CAP" || die "tcpdump did not stop"
tcpdump -n -r "$W/wire.pcap" 2>/dev/null | sed -n 's/.* UDP, length \([0-9]*\)$/\1/p' |
    sort | uniq -c > "$W/lengths"
log "datagram lengths: $(tr -s ' \n' ' ' < "$W/lengths")"
check "datagrams captured" [ "$(awk '{ s += $1 * int($2 / 1450) } END { print s + 0 }' "$W/lengths")" -gt 10000 ]
check "every datagram is 1450 bytes" [ "$(awk '$2 % 1450 != 0' "$W/lengths" | wc -l)" = 0 ]
