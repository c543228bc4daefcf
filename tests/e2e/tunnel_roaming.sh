#!/usr/bin/env bash
# Roaming (test 3): mid-transfer the right side moves to a new outer
# address; traffic resumes within 30 s and the left side reports it.
. "$(dirname "$0")/lib.sh"

pair_namespaces
write_tunnel_conf "$W/l.conf" sel 10.250.0.1:2333 10.250.0.2:2333 \
    10.251.0.1/30 1422 "$W/secret"
write_tunnel_conf "$W/r.conf" ser 0.0.0.0:2333 10.250.0.1:2333 \
    10.251.0.2/30 1422 "$W/secret"
start_bg PL l "$W/l.log" "$SANCTUM" -c "$W/l.conf"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"
check "tunnel up within 20 s" wait_ping l 10.251.0.2 20
check "left sees the right at 10.250.0.2" \
    [ "$(ctl_value "$W/l.control" status peer)" = 10.250.0.2:2333 ]

# A ping stream across the move; count what came back after it.
start_bg PING l "$W/ping.log" ping -i 0.2 -W 1 10.251.0.2
sleep 2
# (Deleting the first address would take a secondary one with it.)
in_ns r ip addr del 10.250.0.2/24 dev vr
in_ns r ip addr add 10.250.0.3/24 dev vr
moved=$(date +%s)
check "left reports the new address within 30 s" wait_until 30 \
    sh -c "[ \"\$($E2E_TOOL ctl $W/l.control status | sed -n 's/^peer=//p')\" = 10.250.0.3:2333 ]"
check "pings resume over the new path within 30 s of the move" \
    wait_until 30 in_ns l ping -c 1 -W 1 10.251.0.2
log "resumed $(( $(date +%s) - moved )) s after the move"
random_file "$W/data" 20
tcp_transfer l r 10.251.0.2 9000 "$W/data" "$W/got"
check "a transfer after the move is intact" \
    [ "$(sha256sum < "$W/got")" = "$(sha256sum < "$W/data")" ]
