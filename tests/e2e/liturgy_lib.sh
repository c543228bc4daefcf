# Helpers for the liturgy end-to-end tests (sourced after lib.sh and
# cathedral_lib.sh): a cathedral with its database made by cathedralctl,
# liturgy nodes enrolled by cathedralctl enroll, each with its own hymn
# directories (HYMN_CONFIG_DIR, HYMN_RUN_DIR, HYMN_TMP_DIR), on one LAN:
# ns net is the switch, the cathedral is 10.0.0.1, node N is 10.0.0.(10+N).

LIT_PREFIX=10.77.0.0

# The switch and the cathedral's namespace.
lit_lan() {
	ns_add net
	ns_add cath
	in_ns net ip link add br0 type bridge
	in_ns net ip link set br0 up
	lit_port cath 10.0.0.1
}

# Plug a namespace into the switch with an address.
lit_port() {
	local n=$1 ip=$2 p="p${2##*.}"
	in_ns net ip link add "$p" type veth peer name e0 netns "$(ns "$n")"
	in_ns net ip link set "$p" master br0 up
	in_ns "$n" ip addr add "$ip/24" dev e0
	in_ns "$n" ip link set e0 up
}

# The database with one flock, and the cathedral's configuration.
lit_cathedral_db() {
	"$E2E_TOOL" keygen "$W/sync.key"
	"$CATHEDRALCTL" --db "$W/cath.db" init > "$W/ctl.log" 2>&1 &&
	"$CATHEDRALCTL" --db "$W/cath.db" flock add "$FLOCK" >> "$W/ctl.log" 2>&1 ||
	    die "cathedralctl init (see $W/ctl.log)"
	write_cathedral_conf cath 10.0.0.1 9100
}

# lit_enroll N PEER GROUP [enroll options...]: node N (its namespace, its
# LAN port, its files in $W/nN) enrolled as liturgy peer id PEER.
lit_enroll() {
	local n=$1 peer=$2 group=$3; shift 3
	ns_add "n$n"
	lit_port "n$n" "10.0.0.$((10 + n))"
	mkdir -p "$W/n$n/hymn" "$W/n$n/run" "$W/n$n/tmp"
	chmod 0711 "$W/n$n" "$W/n$n/tmp"
	"$CATHEDRALCTL" --db "$W/cath.db" enroll --flock "$FLOCK" \
	    --peer-id "$peer" --name "node$n" --cathedral 10.0.0.1:$CATH_PORT \
	    --natport $CATH_NAT --prefix $LIT_PREFIX --group "$group" \
	    --out "$W/n$n/files" --run-dir "$W/n$n/run" "$@" \
	    >> "$W/ctl.log" 2>&1 || die "enroll node $n (see $W/ctl.log)"
}

# The flock's ambry, once every node is enrolled.
lit_ambry() {
	"$CATHEDRALCTL" --db "$W/cath.db" ambry generate --flock "$FLOCK" \
	    >> "$W/ctl.log" 2>&1 || die "ambry generate (see $W/ctl.log)"
}

# The environment a node runs in: our sanctum and hymn first on PATH (the
# bishop execs hymn, hymn execs sanctum), and the node's hymn directories.
lit_env() {
	printf '%s\n' "PATH=$BUILD:$PATH" "HYMN_CONFIG_DIR=$W/n$1/hymn" \
	    "HYMN_RUN_DIR=$W/n$1/run" "HYMN_TMP_DIR=$W/n$1/tmp"
}

# Start node N's liturgy instance (its guardian PID in LIT_PID[N]).
declare -A LIT_PID
lit_start() {
	local conf pid
	conf=$(ls "$W/n$1/files"/*-00.conf) || die "node $1 has no configuration"
	mapfile -t envs < <(lit_env "$1")
	start_bg pid "n$1" "$W/n$1.log" env "${envs[@]}" "$SANCTUM" -c "$conf"
	LIT_PID[$1]=$pid
}

# Start the cathedral.
lit_start_cathedral() {
	start_bg CATH_PID cath "$W/cath.log" "$SANCTUM" -c "$W/cath.conf"
}

# The tunnel name from node with peer id S to peer id D.
lit_name() {
	printf '%x-%02x-%02x' $((16#$FLOCK)) $((16#$2)) $((16#$3))
}

# Whether node N (peer id S) has a running tunnel to D: its pidfile names a
# live process and its device exists.
lit_tunnel_up() {
	local n=$1 s=$2 d=$3 name pid
	name=$(lit_name "$n" "$s" "$d")
	pid=$(cat "$W/n$n/run/$name.pid" 2>/dev/null) || return 1
	pid_alive "$pid" && ip -n "$(ns "n$n")" link show "${name:0:8}-$(printf %02x $((16#$s)))-$(printf %02x $((16#$d)))" >/dev/null 2>&1
}

# Whether node N has no trace of a tunnel to D: no process, no pidfile, no
# device.
lit_tunnel_gone() {
	local n=$1 s=$2 d=$3 name
	name=$(lit_name "$n" "$s" "$d")
	[ ! -e "$W/n$n/run/$name.pid" ] &&
	    ! ip -n "$(ns "n$n")" link show "${name:0:8}-$(printf %02x $((16#$s)))-$(printf %02x $((16#$d)))" >/dev/null 2>&1
}

# The address node with peer id S pings to reach peer id D: a.b.D.S.
lit_peer_ip() {
	printf '10.77.%d.%d' $((16#$2)) $((16#$1))
}

# The tunnel configurations bishop made on node N, as "S-D" words.
lit_configs() {
	ls "$W/n$1/hymn" 2>/dev/null | sed -n 's/^[0-9a-f]*-\([0-9a-f][0-9a-f]\)-\([0-9a-f][0-9a-f]\)\.conf$/\1-\2/p' |
	    grep -v -- '-00$' | sort | tr '\n' ' '
}
