#!/usr/bin/env bash
# Measures the monitor's scheduler (issue 13's targets): CHECKS HTTP checks
# at a one-minute interval against a target loadgen serves on loopback, in
# a second process. Reports how long after start every check had run once,
# the scheduling lateness (p50/p99 from liveops_monitor_schedule_lateness_seconds),
# liveops's peak RSS and the CPU it used over the steady minutes.
# Usage: scripts/bench-checks.sh [checks] [steady-seconds]
set -euo pipefail
checks=${1:-5000}
steady=${2:-120}
cd "$(dirname "$0")/.."
source scripts/bench-env.sh
bench_header
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
CGO_ENABLED=0 go build -o "$dir/liveops" ./cmd/liveops
CGO_ENABLED=0 go build -o "$dir/loadgen" ./cmd/loadgen
port=18081 tport=18090
db="$dir/checks.db"
lo() { "$dir/liveops" "$@" --db "$db"; }

lo service add --name "Checks benchmark" --domain checks.example.gov --timezone UTC >/dev/null
echo "a long enough password" | lo user add --email bench@example.gov --role admin >/dev/null
token=$(lo token create --email bench@example.gov --scope write)
"$dir/loadgen" target --listen 127.0.0.1:$tport --duration 30m >"$dir/target.log" &

# The checks are added through the API of a node that runs no jobs, so that
# the measured start finds them all waiting.
"$dir/liveops" serve --listen 127.0.0.1:$port --db "$db" --role web --allow-private-checks --log-level warn >/dev/null 2>&1 &
web=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.05; done
"$dir/loadgen" checks --url "http://127.0.0.1:$port" --token "$token" --service checks-benchmark \
	--target "http://127.0.0.1:$tport" --checks "$checks" --interval 1m
kill -TERM $web; wait $web || true

runs() { curl -fs "http://127.0.0.1:$port/metrics" | awk '/^liveops_monitor_runs_total/ {s += $2} END {print s + 0}'; }
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; } # user + system, in clock ticks
rss() { awk '/VmHWM/ {print $2}' "/proc/$pid/status"; } # peak, kB

t0=$(date +%s%N)
"$dir/liveops" serve --listen 127.0.0.1:$port --db "$db" --allow-private-checks --log-level warn >"$dir/serve.log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done
until [ "$(runs)" -ge "$checks" ]; do
	sleep 0.1
	if [ $(( ($(date +%s%N) - t0) / 1000000000 )) -gt 120 ]; then echo "not all checks ran within 120 s: $(runs) runs"; break; fi
done
t1=$(date +%s%N)
echo "all $checks checks had run $(( (t1 - t0) / 1000000 )) ms after the process started"

sleep 10 # past the ramp-up
c0=$(cpu) r0=$(runs) s0=$(date +%s%N)
sleep "$steady"
c1=$(cpu) r1=$(runs) s1=$(date +%s%N)
hz=$(getconf CLK_TCK)
awk -v c=$((c1 - c0)) -v hz="$hz" -v ns=$((s1 - s0)) -v r=$((r1 - r0)) \
	'BEGIN {printf "steady: %.0f runs/s, %.2f cores (%.0f µs CPU a run)\n", r / (ns / 1e9), c / hz / (ns / 1e9), c / hz / r * 1e6}'
echo "peak RSS: $(( $(rss) / 1024 )) MB"
curl -fs "http://127.0.0.1:$port/metrics" | awk '
	/^liveops_monitor_schedule_lateness_seconds_bucket/ { match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5); n[++k] = le; c[k] = $2 }
	/^liveops_monitor_schedule_lateness_seconds_count/ { total = $2 }
	END { for (i = 1; i <= k; i++) { if (!p50 && c[i] >= total * 0.5) p50 = n[i]; if (!p99 && c[i] >= total * 0.99) p99 = n[i] }
	      printf "lateness: p50 <= %s s, p99 <= %s s (%d runs)\n", p50, p99, total }'
echo "errors in the log: $(grep -c 'level=ERROR' "$dir/serve.log" || true)"
