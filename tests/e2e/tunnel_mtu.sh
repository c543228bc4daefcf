#!/usr/bin/env bash
# MTU discovery (tunnel.md 2.8): both ends `auto`, a router in between whose
# far link has MTU 1300. The probes of 1422 and 1344 bytes cannot pass; the
# one of 1202 (1280 on the wire) can, its ack lowers the tunnel MTU below
# the path's 1300 - 78 = 1222, and a 100 MB TCP transfer arrives intact.
# Deadline: probes start 5 s after start and come every 5 s, four steps to
# the acknowledged size (25 s); 60 s is the margin.
. "$(dirname "$0")/lib.sh"

ns_add l
ns_add m
ns_add r
veth_link l vl 10.250.0.1/24 m ml 10.250.0.254/24
veth_link m mr 10.250.1.254/24 r vr 10.250.1.2/24
ip -n "$(ns m)" link set mr mtu 1300
ip -n "$(ns r)" link set vr mtu 1300
in_ns m sysctl -qw net.ipv4.ip_forward=1
ip -n "$(ns l)" route add 10.250.1.0/24 via 10.250.0.254
ip -n "$(ns r)" route add 10.250.0.0/24 via 10.250.1.254
gen_key "$W/secret"
write_tunnel_conf "$W/l.conf" mtl 10.250.0.1:2333 10.250.1.2:2333 \
    10.251.0.1/30 auto "$W/secret"
write_tunnel_conf "$W/r.conf" mtr 10.250.1.2:2333 10.250.0.1:2333 \
    10.251.0.2/30 auto "$W/secret"
start_bg PL l "$W/l.log" "$SANCTUM" -c "$W/l.conf"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"
check "tunnel up within 20 s" wait_ping l 10.251.0.2 20
tun_mtu() {
	ip -n "$(ns "$1")" -o link show "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}
converged() {
	local a b
	a=$(tun_mtu l mtl)
	b=$(tun_mtu r mtr)
	[ "$a" -le 1222 ] && [ "$a" -ge 623 ] && [ "$b" -le 1222 ] && [ "$b" -ge 623 ]
}
check "both tunnel MTUs converge below 1222 within 60 s" wait_until 60 converged
log "tunnel MTUs: left $(tun_mtu l mtl), right $(tun_mtu r mtr)"
check "a full-size ping passes" in_ns l ping -c 3 -W 1 -M do -s $(($(tun_mtu l mtl) - 28)) 10.251.0.2
random_file "$W/data" 100
want=$(sha256sum < "$W/data")
tcp_transfer l r 10.251.0.2 9000 "$W/data" "$W/got"
check "100 MB over the discovered MTU intact" [ "$(sha256sum < "$W/got")" = "$want" ]
range=$(ctl_value "$W/l.control" counters rx-mtu-ack-range)
check "no ack was out of range (${range:-none})" [ "${range:-0}" = 0 ]
