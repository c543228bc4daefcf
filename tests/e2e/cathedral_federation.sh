#!/usr/bin/env bash
# Federation (test 3): two cathedrals sharing the sync secret and the
# identities, one node on each; traffic flows between the nodes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cathedral_lib.sh"

for n in net ca cb nodel noder; do ns_add $n; done
in_ns net ip link add br0 type bridge
in_ns net ip link set br0 up
for n in ca:1 cb:2 nodel:3 noder:4; do
	IFS=: read -r name host <<<"$n"
	in_ns net ip link add p$host type veth peer name e0 netns "$(ns $name)"
	in_ns net ip link set p$host master br0 up
	in_ns $name ip addr add 10.0.0.$host/24 dev e0
	in_ns $name ip link set e0 up
done
# Each node may only talk to its own cathedral.
for n in nodel:10.0.0.1 noder:10.0.0.2; do
	IFS=: read -r name cath <<<"$n"
	in_ns $name nft -f - <<NFT || die "nft in $name"
table ip filter {
	chain output {
		type filter hook output priority 0;
		ip daddr 10.0.0.0/24 ip daddr != $cath drop
	}
}
NFT
done

make_cathedral_db ca "0000000a:01:0 0000000b:02:0" "federate 10.0.0.2 $CATH_PORT"
make_cathedral_db cb "0000000a:01:0 0000000b:02:0" "federate 10.0.0.1 $CATH_PORT"
write_cathedral_conf ca 10.0.0.1 9100
write_cathedral_conf cb 10.0.0.2 9100
write_client_conf nl 0000000a 01 02 10.99.0.1/30 10.0.0.1
write_client_conf nr 0000000b 02 01 10.99.0.2/30 10.0.0.2
start_bg PA ca "$W/ca.log" "$SANCTUM" -c "$W/ca.conf"
start_bg PB cb "$W/cb.log" "$SANCTUM" -c "$W/cb.conf"
wait_until 10 test -s "$W/ca.pid" || die "cathedral a did not start"
wait_until 10 test -s "$W/cb.pid" || die "cathedral b did not start"
start_bg PL nodel "$W/nl.log" "$SANCTUM" -c "$W/nl.conf"
start_bg PR noder "$W/nr.log" "$SANCTUM" -c "$W/nr.conf"
check "tunnel across two federated cathedrals up within 45 s" \
    wait_ping nodel 10.99.0.2 45
check "20 pings across the federation" in_ns nodel ping -c 20 -i 0.2 -W 1 10.99.0.2
random_file "$W/data" 10
tcp_transfer nodel noder 10.99.0.2 9000 "$W/data" "$W/got"
check "a TCP transfer across the federation is intact" \
    [ "$(sha256sum < "$W/got")" = "$(sha256sum < "$W/data")" ]
check "cathedral a federated offers" [ "$(metric ca 9100 sanctum_cathedral_federated_sent_total)" -gt 0 ]
check "cathedral b federated offers" [ "$(metric cb 9100 sanctum_cathedral_federated_sent_total)" -gt 0 ]
