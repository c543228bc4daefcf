#!/usr/bin/env bash
# Liturgy (cathedral.md 6): three nodes enrolled with cathedralctl, one
# group, no per-peer configuration. Their bishops build the full mesh within
# 60 s; every pair pings and moves a TCP transfer intact. Killing one tunnel
# instance: the bishop starts it again and traffic resumes. A node leaves:
# its tunnels disappear on the others within 180 s (the cathedral forgets a
# liturgy entry after 120 s, bishop stops a tunnel idle for 30 s), with no
# process, pidfile or device left behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cathedral_lib.sh"
. "$(dirname "$0")/liturgy_lib.sh"

lit_lan
lit_cathedral_db
ids=(x 01 02 03)
for n in 1 2 3; do lit_enroll $n ${ids[$n]} 1; done
lit_ambry
lit_start_cathedral
for n in 1 2 3; do lit_start $n; done

mesh_up() {
	local n m
	for n in 1 2 3; do
		for m in 1 2 3; do
			[ $n = $m ] && continue
			in_ns "n$n" ping -c 1 -W 1 "$(lit_peer_ip ${ids[$n]} ${ids[$m]})" || return 1
		done
	done
}
check "full mesh (6 directed pairs ping) within 60 s" wait_until 60 mesh_up
for n in 1 2 3; do
	log "node $n tunnels: $(lit_configs $n)"
done

random_file "$W/data" 10
want=$(sha256sum < "$W/data")
port=9000
for pair in 1:2 1:3 2:3; do
	IFS=: read -r a b <<<"$pair"
	rm -f "$W/got"
	port=$((port + 1))
	tcp_transfer "n$a" "n$b" "$(lit_peer_ip ${ids[$a]} ${ids[$b]})" $port "$W/data" "$W/got"
	check "10 MB node $a -> node $b intact" [ "$(sha256sum < "$W/got")" = "$want" ]
done

# Kill node 1's tunnel to node 2 outright; bishop restarts it.
name=$(lit_name 1 01 02)
victim=$(cat "$W/n1/run/$name.pid")
kill -KILL "$victim"
wait_until 10 sh -c "! kill -0 $victim" || die "tunnel instance did not die"
log "killed node 1's tunnel to node 2 (guardian $victim)"
restarted() {
	local pid
	pid=$(cat "$W/n1/run/$name.pid" 2>/dev/null) && [ "$pid" != "$victim" ] && pid_alive "$pid"
}
check "bishop started the tunnel again within 30 s" wait_until 30 restarted
check "traffic resumes within 30 s" wait_until 30 in_ns n1 ping -c 1 -W 1 "$(lit_peer_ip 01 02)"

# Node 3 leaves.
kill -TERM "${LIT_PID[3]}"
wait_until 15 sh -c "! kill -0 ${LIT_PID[3]}" || die "node 3 did not stop"
t0=$SECONDS
gone() {
	lit_tunnel_gone 1 01 03 && lit_tunnel_gone 2 02 03
}
check "node 3's tunnels gone on nodes 1 and 2 within 180 s" wait_until 180 gone
log "gone after $((SECONDS - t0)) s"
check "node 3 left nothing running" [ -z "$(ls "$W/n3/run"/*.pid 2>/dev/null)" ]
check "nodes 1 and 2 still talk" in_ns n1 ping -c 2 -W 1 "$(lit_peer_ip 01 02)"
