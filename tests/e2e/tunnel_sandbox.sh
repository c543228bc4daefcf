#!/usr/bin/env bash
# The sandbox (test 6): every worker runs as its configured user and group,
# with NoNewPrivs 1 and Seccomp 2; its descriptors are exactly stdio plus
# what tunnel.md 1.3 lists for it; bless, confess, chapel and control each
# sit in a network namespace of their own.
. "$(dirname "$0")/lib.sh"

pair_namespaces
# Distinct users per group of processes, so a mix-up would show.
write_tunnel_conf "$W/l.conf" sel 10.250.0.1:2333 10.250.0.2:2333 \
    10.251.0.1/30 1422 "$W/secret"
sed -i 's/^run bless as .*/run bless as daemon/; s/^run confess as .*/run confess as bin/; s/^run chapel as .*/run chapel as sys/' "$W/l.conf"
write_tunnel_conf "$W/r.conf" ser 10.250.0.2:2333 10.250.0.1:2333 \
    10.251.0.2/30 1422 "$W/secret"
start_bg PL l "$W/l.log" "$SANCTUM" -c "$W/l.conf"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"
check "tunnel up" wait_ping l 10.251.0.2 20
GPID=$(cat "$W/l.pid")
gnet=$(readlink /proc/$GPID/ns/net)
declare -A user=( [bless]=daemon [confess]=bin [chapel]=sys )
declare -A fds=( [heaven-rx]=tun [heaven-tx]=tun [purgatory-rx]=udp
    [purgatory-tx]=udp [bless]= [confess]= [chapel]= [control]=unix )
nets=()
for c in $(children_of "$GPID"); do
	name=$(cat /proc/$c/comm)
	u=${user[$name]:-nobody}
	check "$name uid is $u" [ "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' /proc/$c/status)" = "$(id -u $u)$(id -u $u)$(id -u $u)$(id -u $u)" ]
	check "$name gid is $u's group" [ "$(awk '/^Gid:/ { print $2 $3 $4 $5 }' /proc/$c/status)" = "$(id -g $u)$(id -g $u)$(id -g $u)$(id -g $u)" ]
	groups=$(awk '/^Groups:/ { $1 = ""; print }' /proc/$c/status | tr -d ' ')
	check "$name has only its own group (groups: ${groups:-none})" [ "$groups" = "$(id -g $u)" ]
	check "$name NoNewPrivs 1" grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/$c/status
	check "$name Seccomp 2" grep -q '^Seccomp:[[:space:]]*2$' /proc/$c/status
	got=""
	for f in /proc/$c/fd/*; do
		n=${f##*/}
		t=$(readlink "$f")
		case "$n:$t" in
		0:/dev/null|1:/dev/null|2:pipe:*) continue ;;
		*:/dev/net/tun) got="$got tun" ;;
		*:socket:*)
			if grep -q "$(echo "$t" | tr -dc 0-9)" /proc/net/unix 2>/dev/null ||
			    [ "$name" = control ]; then
				got="$got unix"
			else
				got="$got udp"
			fi ;;
		*) got="$got $n:$t" ;;
		esac
	done
	want=${fds[$name]:+ ${fds[$name]}}
	check "$name descriptors: stdio +${want:- nothing} (got${got:- nothing})" [ "$got" = "$want" ]
	net=$(readlink /proc/$c/ns/net)
	case $name in
	bless|confess|chapel|control)
		check "$name in its own network namespace" [ "$net" != "$gnet" ]
		nets+=("$net") ;;
	*)
		check "$name in the daemon's network namespace" [ "$net" = "$gnet" ] ;;
	esac
done
check "the four private namespaces are distinct" [ "$(printf '%s\n' "${nets[@]}" | sort -u | wc -l)" = 4 ]
