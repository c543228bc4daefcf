#!/usr/bin/env bash
# Tap mode with bridges (tunnel.md 6.2, 6.5): each side's tap device joins a
# bridge that sanctum creates; addresses live on the bridges, so ARP must
# cross the tunnel as Ethernet frames: the neighbour entry of the far side
# holds its bridge's MAC, pings work and a TCP transfer of full-size frames
# arrives intact. The tap device's MTU is the tunnel MTU less the Ethernet
# header, so the bridge (which takes its ports' smallest MTU) never hands
# the tunnel a frame larger than it carries.
. "$(dirname "$0")/lib.sh"

pair_namespaces
write_tunnel_conf "$W/l.conf" tpl 10.250.0.1:2333 10.250.0.2:2333 \
    0.0.0.0/0 1422 "$W/secret" "tap yes" "bridge brtl"
write_tunnel_conf "$W/r.conf" tpr 10.250.0.2:2333 10.250.0.1:2333 \
    0.0.0.0/0 1422 "$W/secret" "tap yes" "bridge brtr"
start_bg PL l "$W/l.log" "$SANCTUM" -c "$W/l.conf"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"
for s in l:brtl:tpl:10.252.0.1 r:brtr:tpr:10.252.0.2; do
	IFS=: read -r n br tap ip <<<"$s"
	wait_until 10 sh -c "ip -n $(ns "$n") link show master $br | grep -q $tap" ||
	    die "$tap did not join $br"
	mtu=$(ip -n "$(ns "$n")" -o link show "$tap" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
	check "$tap MTU is 1422 - 14 (got $mtu)" [ "$mtu" = 1408 ]
	ip -n "$(ns "$n")" addr add "$ip/24" dev "$br"
done
check "ping across the bridges within 20 s" wait_ping l 10.252.0.2 20
mac_r=$(ip -n "$(ns r)" -br link show brtr | awk '{ print $3 }')
mac_seen=$(ip -n "$(ns l)" neigh show 10.252.0.2 dev brtl | awk '{ print $3 }')
check "ARP resolved the far bridge's MAC ($mac_seen = $mac_r)" [ "$mac_seen" = "$mac_r" ]
loss=$(in_ns l ping -c 20 -i 0.2 -W 1 -M do -s 1380 10.252.0.2 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
check "20 full-size pings (1408 bytes, DF), 0% loss (got ${loss}%)" [ "$loss" = 0 ]
random_file "$W/data" 20
want=$(sha256sum < "$W/data")
tcp_transfer l r 10.252.0.2 9000 "$W/data" "$W/got"
check "20 MB across the tap tunnel intact" [ "$(sha256sum < "$W/got")" = "$want" ]
