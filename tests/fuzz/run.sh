#!/usr/bin/env bash
# Run every libFuzzer target of a fuzz build for a bounded time, two at a
# time, each on a scratch copy of its committed seed corpus.
#   tests/fuzz/run.sh <fuzz build dir> [seconds per target]
set -u
build=$1
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_one() {
	local bin=$1 name
	name=${bin##*/fuzz_}
	mkdir -p "$work/$name"
	cp "$here/corpus/$name"/* "$work/$name"/ 2>/dev/null
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/$name-" \
	    "$work/$name" >"$work/$name.log" 2>&1; then
		echo "fuzz $name: ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$') runs)"
	else
		echo "fuzz $name: FAILED"
		tail -40 "$work/$name.log"
		return 1
	fi
}

targets=("$build"/fuzz_*)
[ -x "${targets[0]}" ] || { echo "no fuzz targets in $build"; exit 1; }
status=0
i=0
pids=()
for t in "${targets[@]}"; do
	run_one "$t" &
	pids+=($!)
	i=$((i + 1))
	if [ $((i % 2)) -eq 0 ]; then
		for p in "${pids[@]}"; do wait "$p" || status=1; done
		pids=()
	fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
