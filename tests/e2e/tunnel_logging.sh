#!/usr/bin/env bash
# Logging of a detached daemon (-d), in a mount namespace of the test's
# with an overlay on /dev so /dev/log is what the test says it is:
#  - no /dev/log, a `logfile`: the lines go to the file;
#  - no /dev/log, no logfile: the lines go to stderr;
#  - a /dev/log socket (ours): the lines arrive there; the socket is then
#    removed and closed, and the daemon carries on (it logs a rekey and
#    forwards traffic, never dies for want of the log socket).
# The right side runs in the foreground throughout.
. "$(dirname "$0")/lib.sh"

pair_namespaces
write_tunnel_conf "$W/r.conf" lgr 10.250.0.2:2333 10.250.0.1:2333 \
    10.251.0.2/30 1422 "$W/secret"
start_bg PR r "$W/r.log" "$SANCTUM" -c "$W/r.conf"

# run_left NAME SETUP [conf lines...]: the left side detached, started by a
# shell in a fresh mount namespace that first runs SETUP with /dev
# overlaid; returns once the guardian wrote its pidfile.
run_left() {
	local name=$1 setup=$2; shift 2
	write_tunnel_conf "$W/$name.conf" lgl 10.250.0.1:2333 10.250.0.2:2333 \
	    10.251.0.1/30 1422 "$W/secret" "$@"
	mkdir -p "$W/$name-dev/u" "$W/$name-dev/w"
	start_bg LEFT l "$W/$name.stderr" unshare -m --propagation private sh -c "
	    mount -t overlay overlay -o lowerdir=/dev,upperdir=$W/$name-dev/u,workdir=$W/$name-dev/w /dev &&
	    rm -f /dev/log && $setup exec $SANCTUM -c $W/$name.conf -d"
	wait_until 10 test -s "$W/$name.pid" || die "$name: no pidfile"
}
stop_left() {
	local pid
	pid=$(cat "$W/$1.pid")
	kill -TERM "$pid"
	wait_until 10 sh -c "! kill -0 $pid" || die "$1 did not stop"
}

run_left file "" "logfile $W/left-file.log"
check "file: tunnel up" wait_ping l 10.251.0.2 20
check "file: lines in the logfile" grep -q "guardian: started instance=lgl" "$W/left-file.log"
check "file: key installs logged" grep -q "tx key installed" "$W/left-file.log"
check "file: nothing on stderr" [ ! -s "$W/file.stderr" ]
stop_left file

run_left stderr ""
check "stderr: tunnel up" wait_ping l 10.251.0.2 20
check "stderr: lines on stderr" grep -q "guardian: started instance=lgl" "$W/stderr.stderr"
stop_left stderr

run_left syslog "{ $E2E_TOOL log-recv /dev/log 120 > $W/syslog.out & echo \$! > $W/logrecv.pid; } && sleep 0.5 &&"
check "syslog: tunnel up" wait_ping l 10.251.0.2 20
check "syslog: lines at /dev/log" grep -q "sanctum.*guardian: started instance=lgl" "$W/syslog.out"
gpid=$(cat "$W/syslog.pid")
nsenter -t "$gpid" -m rm -f /dev/log || die "cannot remove /dev/log"
kill -TERM "$(cat "$W/logrecv.pid")"
check "syslog: the log socket is gone" wait_until 5 sh -c "! kill -0 $(cat "$W/logrecv.pid")"
check "syslog: rekey accepted without /dev/log" [ "$(ctl_value "$W/syslog.control" rekey accepted)" = 1 ]
sleep 3
check "syslog: daemon alive after logging without /dev/log" pid_alive "$gpid"
check "syslog: every worker alive" [ "$(children_of "$gpid" | wc -w)" -ge 8 ]
check "syslog: traffic still flows" wait_ping l 10.251.0.2 10
stop_left syslog
