#!/usr/bin/env bash
# Domains (part of test 5): two nodes of one flock in different domains
# (flock|01 and flock|02) cannot talk through the cathedral, while two nodes
# of one domain can; refusals are counted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cathedral_lib.sh"
. "$(dirname "$0")/cathedral_setup.sh"

D1=${FLOCK%00}01 D2=${FLOCK%00}02
make_cathedral_db cath "0000000a:01:0 0000000b:02:0"
write_cathedral_conf cath 10.0.0.1 9100
write_client_conf nl 0000000a 01 02 10.99.0.1/30 10.0.0.1
write_client_conf nr 0000000b 02 01 10.99.0.2/30 10.0.0.1
sed -i "s/^cathedral_flock .*/cathedral_flock 0x$D1/" "$W/nl.conf"
sed -i "s/^cathedral_flock .*/cathedral_flock 0x$D2/" "$W/nr.conf"
start_bg PC cath "$W/cath.log" "$SANCTUM" -c "$W/cath.conf"
wait_until 10 test -s "$W/cath.pid" || die "cathedral did not start"
start_bg PL nodel "$W/nl.log" "$SANCTUM" -c "$W/nl.conf"
start_bg PR noder "$W/nr.log" "$SANCTUM" -c "$W/nr.conf"
# Each node registers in its own domain; the key offers of one find no
# receiver in the other. Two INFO rounds and the first offers show it.
refused() { metric cath 9100 'sanctum_cathedral_relay_dropped_total{reason="no-receiver"}'; }
sleep 12
r=$(refused)
check "cross-domain key offers found no receiver ($r refused)" [ "$r" -gt 0 ]
check "each node is registered in its own domain" \
    [ "$(metric cath 9100 "sanctum_cathedral_tunnels{flock=\"$D1\"}")" = 1 ]
check "no tunnel between the two domains" \
    sh -c "! ip netns exec $(ns nodel) ping -c 3 -W 1 10.99.0.2 >/dev/null"
# An INFO naming the other domain as its destination is refused.
FNA='sanctum_cathedral_relay_dropped_total{reason="flock-not-allowed"}'
before=$(metric cath 9100 "$FNA")
in_ns nodel "$E2E_TOOL" info "$W/secrets/flock-$(printf '%x' $((16#$FLOCK)))/0000000a.key" \
    "$W/id-0000000a.cosk" 0000000a "$D1:$D2" 0102 10.0.0.1:$CATH_PORT 1 ok
sleep 1
check "an INFO from domain 01 to domain 02 is refused" \
    [ "$(metric cath 9100 "$FNA")" = $((before + 1)) ]

# The same nodes in one domain talk.
kill -TERM "$PL" "$PR"; wait "$PL" "$PR" 2>/dev/null
sed -i "s/^cathedral_flock .*/cathedral_flock 0x$D2/" "$W/nl.conf"
start_bg PL2 nodel "$W/nl2.log" "$SANCTUM" -c "$W/nl.conf"
start_bg PR2 noder "$W/nr2.log" "$SANCTUM" -c "$W/nr.conf"
check "the same nodes in one domain connect within 40 s" wait_ping nodel 10.99.0.2 40
