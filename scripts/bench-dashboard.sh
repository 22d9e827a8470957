#!/usr/bin/env bash
# Times the whole dashboard page of one service over the last 30 days
# (today included), against an existing database — for example the one
# `KEEP=1 scripts/bench-ingest.sh` leaves behind. Loopback only.
# Usage: scripts/bench-dashboard.sh DB SLUG [runs] [extra query, e.g. "&f=visit:source|Google"]
# PERIOD=day (or another of the dashboard's periods) times that period
# instead of the last 30 days.
set -euo pipefail
db=$1 slug=$2 runs=${3:-10} extra=${4:-}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/bench-env.sh"
bench_header
(cd "$root" && CGO_ENABLED=0 go build -o "$work/liveops" ./cmd/liveops)
# What a running server's segments job does before the first filtered view;
# timed, as it is work the server does.
"$work/liveops" job run analytics.segments --db "$db"
echo "bench dashboard password" | "$work/liveops" user add --email bench-dashboard@example.gov --role admin --db "$db" >/dev/null 2>&1 || true
port=18091
"$work/liveops" serve --listen 127.0.0.1:$port --db "$db" --log-level warn >/dev/null 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.1; done
jar="$work/cookies"
csrf=$(curl -fs -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -b "$jar" -c "$jar" -o /dev/null -d "csrf_token=$csrf&email=bench-dashboard@example.gov&password=bench+dashboard+password" "http://127.0.0.1:$port/login"
from=$(date -u -d '29 days ago' +%F) to=$(date -u +%F)
url="http://127.0.0.1:$port/services/$slug/analytics?from=$from&to=$to$extra"
label="30 days"
if [ -n "${PERIOD:-}" ]; then
	url="http://127.0.0.1:$port/services/$slug/analytics?period=$PERIOD$extra" label="period $PERIOD"
fi
curl -s -b "$jar" -o /dev/null "$url" || true # warm the caches once
# A page that fails (the query limit answers 503) is counted, not timed.
for i in $(seq "$runs"); do
	curl -s -b "$jar" -o /dev/null -w '%{http_code} %{time_total}\n' "$url" || echo "000 0"
done | sort -k2 -n | awk -v label="$label" '$1 == 200 {a[++n] = $2 * 1000} $1 != 200 {bad++; codes = codes " " $1}
	END {
		if (n > 0) { printf "dashboard, %s: min %.0f ms, median %.0f ms, max %.0f ms (%d runs)", label, a[1], a[int((n+1)/2)], a[n], n }
		else printf "dashboard, %s: no page answered", label
		if (bad) printf "; %d failed (status%s)", bad, codes
		printf "\n"
	}'
echo "server peak RSS: $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)"
