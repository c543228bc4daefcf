# Shared helpers for the end-to-end tests (sourced). Every test gets its
# own work directory, namespaces with a unique prefix, pidfiles and control
# sockets inside the work directory, and a trap that stops only the
# processes it started (by PID) and deletes only its namespaces.

set -u

E2E_NAME=${E2E_NAME:-$(basename "$0" .sh)}
BUILD=${BUILD:?BUILD must point at the build directory}
SANCTUM=${SANCTUM:-$BUILD/sanctum}
HYMN=${HYMN:-$BUILD/hymn}
E2E_TOOL=${E2E_TOOL:-$BUILD/e2e_tool}
W=$(mktemp -d "${TMPDIR:-/tmp}/sanctum-e2e-$E2E_NAME.XXXXXX")
# Workers run as other users and must reach sockets in here (not list it).
chmod 0711 "$W"
NS_PREFIX="se$(($$ % 100000))"
E2E_NS=()
E2E_PIDS=()
E2E_FAILED=0

# Progress to stderr.
log() {
	printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "$E2E_NAME" "$*" >&2
}

# Fail the test now (cleanup runs from the trap).
die() {
	log "FAIL: $*"
	E2E_FAILED=1
	exit 1
}

# An assertion with a message.
check() {
	local msg=$1; shift
	if "$@"; then
		log "ok: $msg"
	else
		die "$msg"
	fi
}

# A namespace name of this test.
ns() {
	printf '%s-%s' "$NS_PREFIX" "$1"
}

# Create a namespace with lo up; remembered for cleanup.
ns_add() {
	ip netns add "$(ns "$1")" || die "ip netns add $1"
	E2E_NS+=("$(ns "$1")")
	ip -n "$(ns "$1")" link set lo up
}

# veth between two namespaces: veth_link A IFA ADDR/LEN B IFB ADDR/LEN
veth_link() {
	ip -n "$(ns "$1")" link add "$2" type veth peer name "$5" \
	    netns "$(ns "$4")" || die "veth $2-$5"
	ip -n "$(ns "$1")" addr add "$3" dev "$2"
	ip -n "$(ns "$4")" addr add "$6" dev "$5"
	ip -n "$(ns "$1")" link set "$2" up
	ip -n "$(ns "$4")" link set "$5" up
}

# Run a command inside a namespace.
in_ns() {
	local n=$1; shift
	ip netns exec "$(ns "$n")" "$@"
}

# Start a background process in a namespace; its PID goes into VAR.
start_bg() {
	local __var=$1 __ns=$2 __log=$3; shift 3
	setsid ip netns exec "$(ns "$__ns")" "$@" >"$__log" 2>&1 </dev/null &
	local __pid=$!
	E2E_PIDS+=("$__pid")
	printf -v "$__var" '%s' "$__pid"
}

# Wait up to N seconds (polled every tenth, however long each try takes)
# for a command to succeed.
wait_until() {
	local secs=$1 i end; shift
	end=$((SECONDS + secs + 1))
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
	return 1
}

# Whether a PID is still alive.
pid_alive() {
	kill -0 "$1" 2>/dev/null
}

# The guardian PID from a pidfile (empty until written).
pidfile_pid() {
	[ -s "$1" ] && cat "$1"
}

# The worker PIDs of a guardian.
children_of() {
	cat "/proc/$1/task/$1/children" 2>/dev/null
}

# A 32-byte key file, mode 0600.
gen_key() {
	head -c 32 /dev/urandom > "$1" && chmod 0600 "$1"
}

# write_tunnel_conf FILE INSTANCE LOCAL PEER TUNIP/LEN MTU SECRET [extra...]
write_tunnel_conf() {
	local f=$1 inst=$2 lip=$3 pip=$4 tip=$5 mtu=$6 sec=$7; shift 7
	{
		echo "instance $inst"
		echo "pidfile ${f%.conf}.pid"
		echo "control ${f%.conf}.control root"
		echo "tunnel $tip $mtu"
		echo "local $lip"
		[ -n "$pip" ] && echo "peer $pip"
		echo "secret $sec"
		for l in "$@"; do echo "$l"; done
		for p in heaven-rx heaven-tx purgatory-rx purgatory-tx; do
			echo "run $p as ${RUNAS:-nobody}"
		done
		for p in bless confess chapel control; do
			echo "run $p as ${RUNAS_PRIV:-nobody}"
		done
	} > "$f"
}

# The two namespaces of a tunnel pair, l (10.250.0.1 on vl) and r
# (10.250.0.2 on vr), and their shared secret $W/secret.
pair_namespaces() {
	ns_add l
	ns_add r
	veth_link l vl 10.250.0.1/24 r vr 10.250.0.2/24
	gen_key "$W/secret"
}

# pair_confs INSTANCE_PREFIX TUN_L TUN_R MTU [extra lines...]: $W/l.conf and
# $W/r.conf of a tunnel pair on pair_namespaces' addresses.
pair_confs() {
	local i=$1 tl=$2 tr=$3 mtu=$4; shift 4
	write_tunnel_conf "$W/l.conf" "${i}l" 10.250.0.1:2333 10.250.0.2:2333 \
	    "$tl" "$mtu" "$W/secret" "$@"
	write_tunnel_conf "$W/r.conf" "${i}r" 10.250.0.2:2333 10.250.0.1:2333 \
	    "$tr" "$mtu" "$W/secret" "$@"
}

# Ping through a tunnel until one reply comes (bounded).
wait_ping() {
	wait_until "$3" in_ns "$1" ping -c 1 -W 1 "$2"
}

# A control-socket request with the test tool: status | counters | rekey.
ctl() {
	"$E2E_TOOL" ctl "$1" "$2"
}

# One value of the status or counters output of ctl (key=value lines).
ctl_value() {
	ctl "$1" "$2" | awk -F= -v k="$3" '$1 == k { print $2 }'
}

# A file of N megabytes of random data; its sha256 in VAR.
random_file() {
	head -c "$(($2 * 1024 * 1024))" /dev/urandom > "$1"
}

# tcp_transfer SRCNS DSTNS DSTIP PORT FILE OUT: nc transfer; waits for it.
tcp_transfer() {
	local pid i
	start_bg pid "$2" "$W/nc-server.log" sh -c "nc -l -N -p $4 > $6"
	wait_until 5 in_ns "$2" sh -c "ss -ltn | grep -q ':$4 '" ||
	    die "nc server did not listen"
	in_ns "$1" timeout 300 nc -N "$3" "$4" < "$5" ||
	    die "nc client failed"
	for ((i = 0; i < 100; i++)); do
		pid_alive "$pid" || break
		sleep 0.1
	done
}

# Stop what we started (guardians first, by PID), delete our namespaces.
cleanup() {
	local p i alive
	for p in "${E2E_PIDS[@]}"; do
		pid_alive "$p" && kill -TERM "$p" 2>/dev/null
	done
	for f in "$W"/*.pid; do
		p=$(cat "$f" 2>/dev/null)
		[ -n "$p" ] && pid_alive "$p" && kill -TERM "$p" 2>/dev/null
	done
	for ((i = 0; i < 50; i++)); do
		alive=0
		for p in "${E2E_PIDS[@]}"; do
			pid_alive "$p" && alive=1
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in "${E2E_PIDS[@]}"; do
		pid_alive "$p" && kill -KILL -- "-$p" 2>/dev/null
	done
	for n in "${E2E_NS[@]}"; do
		for p in $(ip netns pids "$n" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$n" 2>/dev/null
	done
	if [ "$E2E_FAILED" = 1 ] || [ "${KEEP:-0}" = 1 ]; then
		for f in "$W"/*.log; do
			[ -f "$f" ] || continue
			echo "--- $f" >&2
			tail -25 "$f" >&2
		done
		[ "${KEEP:-0}" = 1 ] && { log "kept $W"; return; }
	fi
	rm -rf "$W"
}
trap 'rc=$?; [ $rc -ne 0 ] && E2E_FAILED=1; cleanup; exit $rc' EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" -eq 0 ] || { echo "$E2E_NAME: needs root" >&2; exit 1; }
