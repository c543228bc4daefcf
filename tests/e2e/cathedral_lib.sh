# Helpers for the cathedral end-to-end tests (sourced after lib.sh): the
# key material made by our own code, a cathedral database imported with
# cathedralctl, cathedral and client configurations, NAT namespaces.

CATHEDRALCTL=${CATHEDRALCTL:-$BUILD/cathedralctl}
FLOCK=${FLOCK:-$(printf 'a%05x%04x00' $((RANDOM)) $((RANDOM)))}
CATH_PORT=4500
CATH_NAT=4501

# A client identity: id-<csid>.key (cathedral secret), .cosk, .pub.
make_identity() {
	local dir=$W/secrets/flock-$(printf '%x' $((16#$FLOCK)))
	mkdir -p "$dir"
	"$E2E_TOOL" keygen "$dir/$1.key" || die "keygen"
	"$E2E_TOOL" cosk-pair "$W/id-$1.cosk" "$dir/$1.pub" || die "cosk-pair"
}

# make_cathedral_db NAME "csid:peer:mbit ..." [extra settings lines...]
# KEKs and a bundle for the flock, the identities, the settings file in
# the reference's syntax, and a database imported from them.
make_cathedral_db() {
	local name=$1 allows=$2 a csid peer mbit; shift 2
	mkdir -p "$W/keks"
	[ -f "$W/keks/bundle" ] ||
	    "$E2E_TOOL" ambry-flock "$W/keks" "$FLOCK" 30 || die "ambry-flock"
	[ -f "$W/sync.key" ] || "$E2E_TOOL" keygen "$W/sync.key"
	{
		echo "flock $FLOCK {"
		for a in $allows; do
			IFS=: read -r csid peer mbit <<<"$a"
			[ -f "$W/id-$csid.cosk" ] || make_identity "$csid"
			echo "	allow $csid spi 0x$peer $mbit"
		done
		echo "	ambry $W/keks/bundle"
		echo "}"
		for l in "$@"; do echo "$l"; done
	} > "$W/$name.settings"
	"$CATHEDRALCTL" --db "$W/$name.db" init > "$W/$name.ctl.log" 2>&1 &&
	"$CATHEDRALCTL" --db "$W/$name.db" import --settings "$W/$name.settings" \
	    --secretdir "$W/secrets" >> "$W/$name.ctl.log" 2>&1 ||
	    die "cathedralctl import for $name (see $W/$name.ctl.log)"
}

# write_cathedral_conf NAME LOCAL_IP METRICS_PORT [extra lines...]
write_cathedral_conf() {
	local name=$1 ip=$2 mport=$3; shift 3
	{
		echo "mode cathedral"
		echo "instance $name"
		echo "pidfile $W/$name.pid"
		echo "control $W/$name.control root"
		echo "local $ip:$CATH_PORT"
		echo "cathedral_mtu 1422"
		echo "cathedral_nat_port $CATH_NAT"
		echo "cathedral_p2p_sync yes"
		echo "secret $W/sync.key"
		echo "database $W/$name.db"
		echo "metrics 127.0.0.1:$mport"
		for l in "$@"; do echo "$l"; done
		echo "run control as root"
		echo "run purgatory-rx as nobody"
		echo "run purgatory-tx as nobody"
		echo "run cathedral as root"
	} > "$W/$name.conf"
}

# write_client_conf NAME CSID SELF PEER TUNIP CATH_IP [extra lines...]
# A tunnel that knows only the cathedral; its traffic secret comes as an
# ambry unwrapped with the KEK of its peer id.
write_client_conf() {
	local name=$1 csid=$2 self=$3 peer=$4 tip=$5 cip=$6; shift 6
	{
		echo "instance $name"
		echo "pidfile $W/$name.pid"
		echo "control $W/$name.control root"
		echo "spi 0x$self$peer"
		echo "tunnel $tip 1422"
		echo "local 0.0.0.0:0"
		echo "kek $W/keks/kek-0x$self"
		echo "secret $W/$name-traffic.key"
		echo "cathedral $cip:$CATH_PORT"
		echo "cathedral_id 0x$csid"
		echo "cathedral_flock 0x$FLOCK"
		echo "cathedral_secret $W/secrets/flock-$(printf '%x' $((16#$FLOCK)))/$csid.key"
		echo "cathedral_cosk $W/id-$csid.cosk"
		for l in "$@"; do echo "$l"; done
		for p in heaven-rx heaven-tx purgatory-rx purgatory-tx; do
			echo "run $p as nobody"
		done
		for p in bless confess chapel control; do
			echo "run $p as root"
		done
	} > "$W/$name.conf"
}

# A metric value from a cathedral's metrics endpoint (inside its ns).
metric() {
	in_ns "$1" bash -c "exec 3<>/dev/tcp/127.0.0.1/$2 && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3" 2>/dev/null |
	    awk -v m="$3" '$1 == m { print $2; found = 1 } END { if (!found) print 0 }'
}

# nat_router NS UPLINK_IF INNER_HOST: masquerade behind the uplink,
# port-preserving (the kernel keeps a free source port) and, for UDP,
# endpoint-independent: what arrives at a mapped port goes to the host
# behind it (the behaviour hole punching relies on).
nat_router() {
	in_ns "$1" sysctl -q -w net.ipv4.ip_forward=1
	in_ns "$1" nft -f - <<NFT || die "nft in $1"
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat;
		iifname "$2" udp dport 1024-65535 dnat to $3
	}
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "$2" masquerade
	}
}
NFT
}
