#!/usr/bin/env bash
# The cathedral in the middle (tests 1, 4 and 7 of the cathedral issue):
# two of our tunnel nodes, each behind its own SNAT, know only the
# cathedral and only a KEK (their traffic secret arrives as an ambry).
#  - relayed ping and a TCP transfer with matching sha256;
#  - the relayed-packets metric moves by exactly what a capture saw;
#  - with port-preserving NAT, after the p2p cool-down the cathedral's
#    namespace sees no data packet for 10 s while pings continue.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cathedral_lib.sh"

# inet: the "internet" between cathedral and the two NAT routers.
for n in inet cath natl natr nodel noder; do ns_add $n; done
veth_link inet ic 10.0.0.254/24 cath c0 10.0.0.1/24
veth_link inet il 10.0.1.254/24 natl wl 10.0.1.1/24
veth_link inet ir 10.0.2.254/24 natr wr 10.0.2.1/24
veth_link natl ll 192.168.1.1/24 nodel e0 192.168.1.2/24
veth_link natr lr 192.168.2.1/24 noder e0 192.168.2.2/24
in_ns inet sysctl -q -w net.ipv4.ip_forward=1
in_ns cath ip route add default via 10.0.0.254
in_ns natl ip route add default via 10.0.1.254
in_ns natr ip route add default via 10.0.2.254
in_ns nodel ip route add default via 192.168.1.1
in_ns noder ip route add default via 192.168.2.1
nat_router natl wl 192.168.1.2
nat_router natr wr 192.168.2.2

make_cathedral_db cath "0000000a:01:0 0000000b:02:0"
write_cathedral_conf cath 10.0.0.1 9100
write_client_conf nl 0000000a 01 02 10.99.0.1/30 10.0.0.1 "cathedral_nat_port $CATH_NAT"
write_client_conf nr 0000000b 02 01 10.99.0.2/30 10.0.0.1 "cathedral_nat_port $CATH_NAT"
start_bg PC cath "$W/cath.log" "$SANCTUM" -c "$W/cath.conf"
wait_until 10 test -s "$W/cath.pid" || die "cathedral did not start"
start_bg PL nodel "$W/nl.log" "$SANCTUM" -c "$W/nl.conf"
start_bg PR noder "$W/nr.log" "$SANCTUM" -c "$W/nr.conf"

# The ambry comes with the second INFO (5 s), then the exchange; margin.
check "relayed tunnel up within 40 s" wait_ping nodel 10.99.0.2 40
check "the nodes cannot reach each other's private address" \
    sh -c "! ip netns exec $(ns nodel) ping -c 1 -W 1 192.168.2.2 >/dev/null"
check "the traffic secret arrived as an ambry" test -s "$W/nl-traffic.key"

# While relayed: the capture and the metric must agree exactly over the
# same interval (the capture's kernel timestamps between the two reads).
# The cathedral sends runs to one node as UDP GSO super-datagrams; with one
# segment per packet on c0 the kernel cuts them before the capture point,
# so the capture counts datagrams as they go on the wire.
in_ns cath ip link set dev c0 gso_max_segs 1
start_bg CAP cath "$W/relay.cap" tcpdump -i c0 -n -l -U -tt \
    "udp and src host 10.0.0.1 and src port $CATH_PORT and not (udp[8:4] = 0x4b415445 or udp[8:4] = 0x4349424f or udp[8:4] = 0x53414352)"
sleep 1
before=$(metric cath 9100 sanctum_cathedral_relayed_packets_total)
t0=$(date +%s.%N)
in_ns nodel ping -c 10 -i 0.2 -W 1 10.99.0.2 > "$W/ping1.log" || die "relayed pings"
sleep 0.5
t1=$(date +%s.%N)
after=$(metric cath 9100 sanctum_cathedral_relayed_packets_total)
sleep 0.5
kill -INT "$CAP"; wait "$CAP" 2>/dev/null
seen=$(awk -v a="$t0" -v b="$t1" '/ > / && $1 >= a && $1 <= b' "$W/relay.cap" | wc -l)
check "relayed-packets metric moved by exactly what the capture saw ($((after - before)) = $seen)" \
    [ "$((after - before))" = "$seen" ]
check "at least 20 packets relayed" [ "$seen" -ge 20 ]

random_file "$W/data" 20
tcp_transfer nodel noder 10.99.0.2 9000 "$W/data" "$W/got"
check "a TCP transfer over the relay is intact" \
    [ "$(sha256sum < "$W/got")" = "$(sha256sum < "$W/data")" ]

# p2p: after the 15 s cool-down both ends learn the other's public address.
start_bg PING nodel "$W/ping2.log" ping -i 0.2 -W 1 10.99.0.2
direct() {
	local n
	in_ns cath timeout 10 tcpdump -i c0 -n -l \
	    "udp and not (udp[8:4] = 0x4b415445 or udp[8:4] = 0x4349424f)" \
	    > "$W/direct.cap" 2>/dev/null
	n=$(grep -c ' > ' "$W/direct.cap")
	log "data packets through the cathedral in 10 s: $n"
	[ "$n" = 0 ]
}
ok=0
for i in 1 2 3 4 5 6; do
	if direct; then ok=1; break; fi
done
check "after the p2p cool-down the cathedral sees no data packet for 10 s" [ $ok = 1 ]
kill "$PING"; wait "$PING" 2>/dev/null
check "pings kept flowing" in_ns nodel ping -c 5 -i 0.2 -W 1 10.99.0.2
