#!/usr/bin/env bash
# Times the whole 30-day dashboard page filtered by one dimension at a
# time, and by two, against a database `loadgen fill` made (a copy is used,
# so the run starts with no segments kept). Loopback only.
# Usage: scripts/bench-dashboard-filtered.sh DB [runs]
set -euo pipefail
db=$1 runs=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
copy=$(mktemp --suffix=.db)
trap 'rm -f "$copy" "$copy-wal" "$copy-shm"' EXIT
cp "$db" "$copy"
for f in "&f=event:page|/" "&f=visit:entry_page|/" "&f=visit:source|Google" "&f=visit:channel|Organic+Search" \
	"&f=visit:utm_campaign|renewal-reminder" "&f=visit:country|GB" "&f=visit:device|Mobile" "&f=visit:browser|Firefox" \
	"&f=visit:os|iOS" "&f=event:goal|Application+submitted" "&f=event:props:permit_type|resident" "&f=visit:source|Google&f=visit:device|Mobile" \
	"&f=event:page|/&f=visit:country|GB" "&f=event:goal|Application+submitted&f=visit:channel|Organic+Search" "&f=visit:entry_page|/&f=visit:os|iOS"; do
	echo "== filter ${f#&}"
	bash "$root/scripts/bench-dashboard.sh" "$copy" dashboard-benchmark "$runs" "$f" | tail -2
done
