#!/bin/sh
# unit_report: build the fixture database through the db API, run
# cathedralctl report with --now pinned (all sections as text, JSON and
# HTML; one section as text and JSON), compare with the golden files next
# to this script, and check the JSON and the chart's points against the
# fixture. UPDATE_GOLDEN=1 rewrites the golden files instead.
#   run.sh REPORT_FIXTURE CATHEDRALCTL GOLDEN_DIR
set -u
fixture=$1
ctl=$2
golden=$3
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT INT TERM

"$fixture" make "$d/c.db" || exit 1
now=$("$fixture" now)
db="--db $d/c.db"
$ctl $db report --now "$now" > "$d/report.txt" &&
    $ctl $db report --now "$now" --json > "$d/report.json" &&
    $ctl $db report --now "$now" --html "$d/report.html" &&
    $ctl $db report nodes --now "$now" > "$d/report-nodes.txt" &&
    $ctl $db report federation --now "$now" --json > \
    "$d/report-federation.json" || exit 1

files="report.txt report.json report.html report-nodes.txt
    report-federation.json"
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
	for f in $files; do
		cp "$d/$f" "$golden/$f" || exit 1
	done
	echo "golden files rewritten in $golden"
fi
rc=0
for f in $files; do
	diff -u "$golden/$f" "$d/$f" || rc=1
done
"$fixture" json "$d/report.json" || rc=1
"$fixture" chart "$d/report.html" || rc=1
exit $rc
