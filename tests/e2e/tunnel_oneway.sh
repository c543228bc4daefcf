#!/usr/bin/env bash
# Pilgrim to shrine (tunnel.md 5): numbered datagrams of mixed sizes go one
# way and arrive intact; the shrine sends no UDP datagram at all (captured
# on its outer interface from before it starts to the end); the shrine has
# no purgatory-tx and no heaven-rx, the pilgrim no heaven-tx and no
# purgatory-rx.
. "$(dirname "$0")/lib.sh"

ns_add p
ns_add s
veth_link p vp 10.250.0.1/24 s vs 10.250.0.2/24
gen_key "$W/secret"
# runlines FILE PROC...: a run line per process (others are ignored).
runlines() {
	local f=$1 p; shift
	for p in "$@"; do echo "run $p as nobody"; done >> "$f"
}
cat > "$W/p.conf" <<CONF
mode pilgrim
instance sop
pidfile $W/p.pid
control $W/p.control root
tunnel 10.251.0.1/30 1422
local 10.250.0.1:2333
peer 10.250.0.2:2333
secret $W/secret
CONF
runlines "$W/p.conf" control purgatory-tx heaven-rx bless pilgrim heaven-tx \
    purgatory-rx confess shrine chapel
cat > "$W/s.conf" <<CONF
mode shrine
instance sos
pidfile $W/s.pid
control $W/s.control root
tunnel 10.251.0.2/30 1422
local 10.250.0.2:2333
secret $W/secret
CONF
runlines "$W/s.conf" control purgatory-rx heaven-tx confess shrine heaven-rx \
    purgatory-tx bless pilgrim chapel

start_bg CAP s "$W/capture.log" tcpdump -n -l -i vs -w "$W/shrine-out.pcap" \
    "udp and src host 10.250.0.2"
wait_until 5 grep -q "listening on" "$W/capture.log" || die "tcpdump did not start"
start_bg PS s "$W/s.log" "$SANCTUM" -c "$W/s.conf"
start_bg PP p "$W/p.log" "$SANCTUM" -c "$W/p.conf"
wait_until 10 [ -s "$W/s.pid" ] || die "shrine did not start"
wait_until 10 [ -s "$W/p.pid" ] || die "pilgrim did not start"

# The process sets: what each side must not run.
procs() {
	local c
	for c in $(children_of "$(cat "$1")"); do cat "/proc/$c/comm"; done | sort | tr '\n' ' '
}
check "shrine runs exactly its five workers ($(procs "$W/s.pid"))" \
    [ "$(procs "$W/s.pid")" = "confess control heaven-tx purgatory-rx shrine " ]
check "pilgrim runs exactly its five workers ($(procs "$W/p.pid"))" \
    [ "$(procs "$W/p.pid")" = "bless control heaven-rx pilgrim purgatory-tx " ]

# The pilgrim sends its key at once; the first data may precede it (5.3).
start_bg RX s "$W/recv.out" "$E2E_TOOL" udp-recv 9000 60 3
wait_until 5 grep -q listening "$W/recv.out" || die "receiver did not start"
ok=0
for ((i = 0; i < 20; i++)); do
	in_ns p "$E2E_TOOL" udp-send 10.251.0.2:9000 1
	ip -n "$(ns s)" -s link show sos | awk 'NR == 4 { exit !($2 > 0) }' &&
	    { ok=1; break; }
	sleep 0.5
done
check "first datagram reached the shrine's device" [ "$ok" = 1 ]
in_ns p "$E2E_TOOL" udp-send 10.251.0.2:9000 2000
wait_until 30 grep -q "received=" "$W/recv.out" || die "receiver did not finish"
read -r got intact < <(sed -n 's/received=\([0-9]*\) intact=\([0-9]*\)/\1 \2/p' "$W/recv.out")
log "received $got datagrams, $intact intact"
check "at least 1990 of 2000 datagrams arrived ($intact)" [ "$intact" -ge 1990 ]
check "every datagram that arrived was intact" [ "$got" = "$intact" ]

kill -INT "$CAP" 2>/dev/null
wait_until 5 sh -c "! kill -0 $CAP" || die "tcpdump did not stop"
sent=$(tcpdump -n -r "$W/shrine-out.pcap" 2>/dev/null | wc -l)
check "the shrine sent no UDP datagram (saw $sent)" [ "$sent" = 0 ]
check "shrine still running" pid_alive "$(cat "$W/s.pid")"
check "pilgrim still running" pid_alive "$(cat "$W/p.pid")"
