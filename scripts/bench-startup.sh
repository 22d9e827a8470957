#!/usr/bin/env bash
# Measures liveops's start-up time (process start until /healthz answers 200)
# and its idle memory (VmRSS after it has served a few pages and sat idle),
# on a fresh SQLite database and on one already migrated. Loopback only.
# Usage: scripts/bench-startup.sh [runs]
set -euo pipefail
runs=${1:-20}
cd "$(dirname "$0")/.."
source scripts/bench-env.sh
bench_header
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
CGO_ENABLED=0 go build -o "$dir/liveops" ./cmd/liveops
port=18080

start_once() { # db -> prints milliseconds to ready, leaves server running as $pid
	local db=$1 t0 t1
	t0=$(date +%s%N)
	"$dir/liveops" serve --listen 127.0.0.1:$port --db "$db" --log-level warn >/dev/null 2>&1 &
	pid=$!
	until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.002; done
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}

stop() { kill -TERM "$pid"; wait "$pid" || true; }

summary() { sort -n | awk '{a[NR]=$1} END {printf "min %d ms, median %d ms, max %d ms (%d runs)\n", a[1], a[int((NR+1)/2)], a[NR], NR}'; }

echo "fresh database (creates and migrates it):"
for i in $(seq "$runs"); do start_once "$dir/fresh-$i.db"; stop; done | summary

echo "existing database:"
start_once "$dir/warm.db" >/dev/null; stop
for i in $(seq "$runs"); do start_once "$dir/warm.db"; stop; done | summary

echo "idle memory, after serving /healthz, /login and /metrics (three starts):"
for i in 1 2 3; do
	start_once "$dir/warm.db" >/dev/null
	for p in /healthz /login /metrics; do curl -fs "http://127.0.0.1:$port$p" >/dev/null; done
	sleep 3
	grep -E 'VmRSS' "/proc/$pid/status"
	if [ "$i" -lt 3 ]; then stop; fi
done
echo "idle memory, 30 s after a sign-in (argon2id takes 7 MiB while it hashes):"
echo "bench password 123" | "$dir/liveops" user add --email bench@example.gov --role admin --db "$dir/warm.db" >/dev/null
jar="$dir/cookies"
csrf=$(curl -fs -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -b "$jar" -c "$jar" -o /dev/null -d "csrf_token=$csrf&email=bench@example.gov&password=bench+password+123" "http://127.0.0.1:$port/login"
curl -fs -b "$jar" -o /dev/null "http://127.0.0.1:$port/"
grep -E 'VmHWM' "/proc/$pid/status"
sleep 30
grep -E 'VmRSS' "/proc/$pid/status"
stop
