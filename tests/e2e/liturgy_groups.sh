#!/usr/bin/env bash
# Liturgy groups and hidden nodes (cathedral.md 3.7, 6.2): in group 1 node
# 1 is a hub (discoverable) and nodes 2 and 3 are spokes (`liturgy_
# discoverable no`): each spoke gets a tunnel to the hub only, never to the
# other spoke. Nodes 4 and 5 form group 2 and never get a tunnel to group
# 1, nor group 1 to them. Checked once the expected tunnels pass traffic,
# and again 20 s later (four liturgy rounds) to see nothing else appears.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cathedral_lib.sh"
. "$(dirname "$0")/liturgy_lib.sh"

lit_lan
lit_cathedral_db
ids=(x 01 02 03 04 05)
groups=(x 1 1 1 2 2)
for n in 1 2 3 4 5; do lit_enroll $n ${ids[$n]} ${groups[$n]}; done
for n in 2 3; do
	sed -i 's/^liturgy_discoverable yes$/liturgy_discoverable no/' "$W/n$n/files"/*-00.conf
	grep -q '^liturgy_discoverable no$' "$W/n$n/files"/*-00.conf || die "node $n not hidden"
done
lit_ambry
lit_start_cathedral
for n in 1 2 3 4 5; do lit_start $n; done

expected() {
	in_ns n2 ping -c 1 -W 1 "$(lit_peer_ip 02 01)" &&
	in_ns n3 ping -c 1 -W 1 "$(lit_peer_ip 03 01)" &&
	in_ns n1 ping -c 1 -W 1 "$(lit_peer_ip 01 02)" &&
	in_ns n1 ping -c 1 -W 1 "$(lit_peer_ip 01 03)" &&
	in_ns n4 ping -c 1 -W 1 "$(lit_peer_ip 04 05)" &&
	in_ns n5 ping -c 1 -W 1 "$(lit_peer_ip 05 04)"
}
check "hub-spoke and group 2 tunnels pass traffic within 60 s" wait_until 60 expected
want=(x "01-02 01-03 " "02-01 " "03-01 " "04-05 " "05-04 ")
verify() {
	local n
	for n in 1 2 3 4 5; do
		check "node $n has exactly the tunnels '${want[$n]}' (has '$(lit_configs $n)')" \
		    [ "$(lit_configs $n)" = "${want[$n]}" ]
	done
}
verify
sleep 20
verify
check "spoke 2 cannot reach spoke 3" bash -c "! ip netns exec $(ns n2) ping -c 1 -W 1 $(lit_peer_ip 02 03)"
