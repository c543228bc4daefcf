#!/usr/bin/env bash
# Crash and restart (test 2): kill -9 of the cathedral under traffic, then
# a restart with the same configuration: the nodes re-register and traffic
# resumes within 30 s; PRAGMA integrity_check is ok; no identity is lost.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cathedral_lib.sh"
. "$(dirname "$0")/cathedral_setup.sh"

make_cathedral_db cath "0000000a:01:0 0000000b:02:0"
write_cathedral_conf cath 10.0.0.1 9100
write_client_conf nl 0000000a 01 02 10.99.0.1/30 10.0.0.1
write_client_conf nr 0000000b 02 01 10.99.0.2/30 10.0.0.1
start_bg PC cath "$W/cath.log" "$SANCTUM" -c "$W/cath.conf"
wait_until 10 test -s "$W/cath.pid" || die "cathedral did not start"
start_bg PL nodel "$W/nl.log" "$SANCTUM" -c "$W/nl.conf"
start_bg PR noder "$W/nr.log" "$SANCTUM" -c "$W/nr.conf"
check "relayed tunnel up within 40 s" wait_ping nodel 10.99.0.2 40
ids_before=$(sqlite3 "$W/cath.db" 'SELECT count(*) FROM identities')

start_bg PING nodel "$W/ping.log" ping -i 0.2 -W 1 10.99.0.2
sleep 2
gpid=$(cat "$W/cath.pid")
kill -KILL "$gpid"
check "the cathedral's processes are gone within 5 s" wait_until 5 \
    sh -c "! kill -0 $gpid 2>/dev/null && ! ip netns pids $(ns cath) | grep -q ."
check "no traffic while the cathedral is down" \
    sh -c "! ip netns exec $(ns nodel) ping -c 2 -W 1 10.99.0.2 >/dev/null"
check "PRAGMA integrity_check is ok after kill -9" \
    [ "$(sqlite3 "$W/cath.db" 'PRAGMA integrity_check')" = ok ]
start_bg PC2 cath "$W/cath2.log" "$SANCTUM" -c "$W/cath.conf"
restarted=$(date +%s)
check "traffic resumes within 30 s of the restart" wait_ping nodel 10.99.0.2 30
log "resumed $(( $(date +%s) - restarted )) s after the restart"
check "no identity lost" \
    [ "$(sqlite3 "$W/cath.db" 'SELECT count(*) FROM identities')" = "$ids_before" ]
check "integrity_check still ok while running" \
    [ "$(sqlite3 "$W/cath.db" 'PRAGMA integrity_check')" = ok ]
