# A cathedral and two relayed nodes on one flat link (sourced by tests that
# need no NAT): ns cath 10.0.0.1, nodel 10.0.0.2, noder 10.0.0.3, with
# nodel and noder unable to reach each other (nft drop between them).

for n in net cath nodel noder; do ns_add $n; done
in_ns net ip link add br0 type bridge
in_ns net ip link set br0 up
for n in cath:1 nodel:2 noder:3; do
	IFS=: read -r name host <<<"$n"
	in_ns net ip link add p$host type veth peer name e0 netns "$(ns $name)"
	in_ns net ip link set p$host master br0 up
	in_ns $name ip addr add 10.0.0.$host/24 dev e0
	in_ns $name ip link set e0 up
done
# The nodes may only talk to the cathedral.
for n in nodel noder; do
	in_ns $n nft -f - <<NFT || die "nft in $n"
table ip filter {
	chain output {
		type filter hook output priority 0;
		ip daddr 10.0.0.0/24 ip daddr != 10.0.0.1 drop
	}
}
NFT
done
