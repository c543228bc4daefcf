#!/usr/bin/env bash
# Bad input at purgatory-rx (test 4): for each kind, k injected datagrams
# raise exactly that reason's counter by k, no other counter moves, and
# the tunnel keeps working.
. "$(dirname "$0")/lib.sh"

K=25
pair_namespaces
pair_confs se 10.251.0.1/30 10.251.0.2/30 1422
start_bg PL l "$W/l.log" "$SANCTUM" -c "$W/l.conf"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"
check "tunnel up within 20 s" wait_ping l 10.251.0.2 20

# Capture data packets arriving at the right, so they can be replayed.
start_bg CAP r "$W/cap.log" tcpdump -i vr -U -w "$W/cap.pcap" udp dst port 2333
sleep 1
in_ns l ping -c 5 -i 0.2 -W 1 10.251.0.2 >/dev/null || die "pings before injecting"
sleep 0.5
kill -INT "$CAP"; wait "$CAP" 2>/dev/null

counters() {
	ctl "$W/r.control" counters | sort > "$1"
}

# inject KIND COUNTER CMD...: run CMD, then exactly COUNTER moved by K.
inject() {
	local kind=$1 counter=$2; shift 2
	counters "$W/before"
	in_ns l "$@" || die "injecting $kind"
	sleep 1
	counters "$W/after"
	moved=$(join -t= "$W/before" "$W/after" | awk -F= '$2 != $3 { print $1 "+" ($3 - $2) }' | tr '\n' ' ')
	check "$kind: exactly $counter+$K (moved: $moved)" [ "$moved" = "$counter+$K " ]
}

inject "replayed data packet" rx-replay \
    "$E2E_TOOL" resend "$W/cap.pcap" 10.250.0.2:2333 $K replay
inject "truncated packet" rx-runt \
    "$E2E_TOOL" resend "$W/cap.pcap" 10.250.0.2:2333 $K truncate
inject "bad tag" rx-bad-tag \
    "$E2E_TOOL" resend "$W/cap.pcap" 10.250.0.2:2333 $K badtag
inject "random garbage" rx-unknown-spi \
    "$E2E_TOOL" garbage 10.250.0.2:2333 $K
inject "stale offer" offer-stale \
    "$E2E_TOOL" stale-offer "$W/secret" 10.250.0.2:2333 $K

check "both daemons still running" pid_alive "$PL"
check "right still running" pid_alive "$PR"
check "the tunnel still carries traffic" in_ns l ping -c 3 -i 0.2 -W 1 10.251.0.2
