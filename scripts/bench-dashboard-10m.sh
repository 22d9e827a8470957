#!/usr/bin/env bash
# The ten-million-event dashboard benchmark: fills DB (default
# /tmp/fill10m.db) with 30 days of the demo's traffic a hundred times over
# through the ingestion pipeline, unless it exists already (about 4.5 min
# and 1.2 GB on a quiet machine), then times the 30-day dashboard page.
#
#   scripts/bench-dashboard-10m.sh [DB] [runs (15)]
set -euo pipefail
db=${1:-/tmp/fill10m.db}
runs=${2:-15}
cd "$(dirname "$0")/.."
source scripts/bench-env.sh
bench_header
if [ ! -e "$db" ]; then
	go run ./cmd/loadgen fill --db "$db" --days 30 --scale 100
fi
bash scripts/bench-dashboard.sh "$db" dashboard-benchmark "$runs"
