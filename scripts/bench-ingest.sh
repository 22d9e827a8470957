#!/usr/bin/env bash
# The ingestion benchmark of issue 3 ("How fast"), reproducible by anyone:
#
#   scripts/bench-ingest.sh [connections (50)] [duration (30s)]
#
# It builds liveops and cmd/loadgen, starts liveops on a fresh SQLite
# database on 127.0.0.1 (trusting 127.0.0.1/32 as a proxy, so loadgen's
# X-Forwarded-For gives each visitor an address), samples the server's RSS
# every 0.5 s, runs 'loadgen ingest', stops the server with SIGTERM (timing
# the final flush), runs 'loadgen verify' on the database and prints a
# summary against the targets. The exit status is non-zero when any request
# failed, the server exited badly or an invariant does not hold.
# Everything stays on loopback. KEEP=1 keeps the work directory;
# VISITORS=N changes the number of distinct visitors (default 20000, or
# 50000 with SHAPE=realistic); SHAPE=realistic sends GoatCounter's
# benchmark shape instead of whole visits (loadgen ingest --shape): every
# request a page view by one of 50,000 visitors picked at random, ten
# browsers, 1,000 log-uniform paths, a few referrers. PROFILE=FILE writes
# the server's CPU profile of the whole run to FILE (go tool pprof FILE).
set -euo pipefail

conns=${1:-50}
duration=${2:-30s}
shape=${SHAPE:-visits}
if [ "$shape" = realistic ]; then visitors=${VISITORS:-50000}; else visitors=${VISITORS:-20000}; fi
domain=bench.example.gov
root=$(cd "$(dirname "$0")/.." && pwd)
command -v jq >/dev/null || { echo "bench-ingest: jq is needed (apt-get install jq)" >&2; exit 2; }
command -v curl >/dev/null || { echo "bench-ingest: curl is needed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-ingest.XXXXXX")
server_pid=
sampler_pid=
cleanup() {
	if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; fi
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
	if [ -n "${KEEP:-}" ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
# CPU seconds a process has used so far (user + system).
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }

echo "building liveops and loadgen (CGO_ENABLED=0) in $work"
(cd "$root" && CGO_ENABLED=0 go build -o "$work/liveops" ./cmd/liveops && CGO_ENABLED=0 go build -o "$work/loadgen" ./cmd/loadgen)

db="$work/bench.db"
"$work/liveops" service add --name "Ingestion benchmark" --domain "$domain" --db "$db" >/dev/null
# A second service takes the warm-up events, so that the measured service
# holds exactly what the load sent.
"$work/liveops" service add --name "Warm-up" --domain warmup.example.gov --db "$db" >/dev/null

# A free port on loopback: one nobody answers on.
port=
for _ in $(seq 50); do
	p=$((20000 + RANDOM % 40000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "bench-ingest: no free port found" >&2; exit 1; }
base="http://127.0.0.1:$port"

LIVEOPS_CPU_PROFILE=${PROFILE:-} "$work/liveops" serve --listen "127.0.0.1:$port" --db "$db" --trusted-proxy 127.0.0.1/32 --log-level warn \
	>"$work/server.out" 2>"$work/server.log" &
server_pid=$!

for _ in $(seq 150); do
	curl -fsS --max-time 1 "$base/healthz" >/dev/null 2>&1 && break
	kill -0 "$server_pid" 2>/dev/null || { echo "bench-ingest: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
	sleep 0.1
done
curl -fsS --max-time 1 "$base/healthz" >/dev/null || { echo "bench-ingest: the server is not healthy" >&2; exit 1; }

# "time_ms rss_kb" every 0.5 s for as long as the server runs.
(
	while rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null) && [ -n "$rss" ]; do
		echo "$(now_ms) $rss"
		sleep 0.5
	done
) >"$work/rss.txt" &
sampler_pid=$!

sleep 3 # idle RSS: the server started and answered one health check
# The first event loads lookup tables (the IP-to-country table is unpacked
# on first use), so idle is also measured after 50 events (IPv4 and IPv6).
warm_start=$(now_ms)
"$work/loadgen" ingest --url "$base" --domain warmup.example.gov --connections 1 --max-events 50 --duration 5s \
	>/dev/null 2>&1 || { echo "bench-ingest: the warm-up events failed" >&2; exit 1; }
warm_end=$(now_ms)
sleep 3
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
server_cpu_start=$(cpu_s "$server_pid")
load_start=$(now_ms)
set +e
TIMEFORMAT='%U %S'
{ time "$work/loadgen" ingest --url "$base" --domain "$domain" --connections "$conns" --duration "$duration" \
	--visitors "$visitors" --shape "$shape" --json >"$work/ingest.json" 2>"$work/ingest.err"; } 2>"$work/loadgen.time"
ingest_rc=$?
set -e
load_end=$(now_ms)
server_cpu=$(awk -v a="$server_cpu_start" -v b="$(cpu_s "$server_pid")" 'BEGIN {printf "%.1f", b - a}')
loadgen_cpu=$(awk '{printf "%.1f", $1 + $2}' "$work/loadgen.time")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
[ -s "$work/ingest.json" ] || { echo "bench-ingest: loadgen printed no summary:" >&2; cat "$work/ingest.err" >&2; exit 1; }

# Where the writer stood when the load stopped.
metrics=$(curl -fsS --max-time 5 "$base/metrics" || true)
metric() { echo "$metrics" | awk -v m="$1" '$1 == m {printf "%d", $2}'; }
queued=$(metric liveops_event_queue_length)
stored_at_end=$(metric liveops_events_stored_total)
# The writer's batches so far: how many, and the mean time one took.
batches=$(metric liveops_event_batch_seconds_count)
batch_ms=$(echo "$metrics" | awk '$1 == "liveops_event_batch_seconds_sum" {s = $2} $1 == "liveops_event_batch_seconds_count" {n = $2}
	END {if (n > 0) printf "%.1f", 1000 * s / n; else print "n/a"}')
# The journal's group commits: how many requests shared one fsync.
jrecords=$(metric liveops_event_journal_records_total)
jsyncs=$(metric liveops_event_journal_syncs_total)

flush_start=$(now_ms)
kill -TERM "$server_pid"
set +e
wait "$server_pid"
server_rc=$?
set -e
flush_end=$(now_ms)
server_pid=
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=

set +e
"$work/loadgen" verify --db "$db" --domain "$domain" --summary "$work/ingest.json" --json >"$work/verify.json" 2>"$work/verify.err"
verify_rc=$?
set -e
[ -s "$work/verify.json" ] || { echo "bench-ingest: verify printed no report:" >&2; cat "$work/verify.err" >&2; exit 1; }

mb() { awk -v kb="$1" 'BEGIN {if (kb > 0) printf "%.1f MB", kb / 1024; else printf "n/a (no sample)"}'; }
rss_max() { awk -v from="$1" -v to="$2" '$1 >= from && $1 < to && $2 > m {m = $2} END {print m + 0}' "$work/rss.txt"; }
idle_kb=$(rss_max 0 "$warm_start")
warm_kb=$(rss_max "$((warm_end + 1000))" "$load_start")
load_kb=$(rss_max "$load_start" "$load_end")
flush_kb=$(rss_max "$load_end" 99999999999999)
in=$(cat "$work/ingest.json")
v=$(cat "$work/verify.json")
j() { jq -r "$1" <<<"$in"; }
vj() { jq -r "$1" <<<"$v"; }
verdict() { if awk "BEGIN {exit !($1)}"; then echo "met"; else echo "MISSED"; fi; }

load_s=$(j .seconds)
cpus=$(nproc)
flush_s=$(awk -v a="$flush_start" -v b="$flush_end" 'BEGIN {printf "%.2f", (b - a) / 1000}')
accepted_rate=$(j '.accepted_per_second | floor')
stored=$(vj '.stored.events + .stored.engagement')
stored_rate=$(awk -v n="$stored" -v a="$load_s" -v b="$flush_s" 'BEGIN {printf "%d", n / (a + b)}')
errors=$(j '([.errors[]] | add // 0) + .transport_errors')
p99=$(j .latency_ms.p99)

cat <<REPORT

== liveops ingestion benchmark ==
commit        $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$root" && git diff --quiet HEAD 2>/dev/null || echo " (with uncommitted changes)")
machine       $cpus CPUs, shared by the server AND the load generator (both on this machine, over loopback)
load average  before $load_before, after $load_after (1, 5, 15 min)
load          $conns connections for $duration, as fast as answered, $(j .visitors) visitors, shape $shape, SQLite
sent          $(j .sent) events ($(j '.sent_per_second | floor')/s)
accepted      $(j .accepted) ($accepted_rate/s; target >= 20000/s: $(verdict "$accepted_rate >= 20000")), of which $(j .accepted_engagement) engagement
stored        $stored ($stored_rate/s over the load and the final flush; target >= 20000/s: $(verdict "$stored_rate >= 20000"))
              at the end of the load $stored_at_end were stored and $queued waited in the queue
journal       ${jrecords:-0} requests in ${jsyncs:-0} fsyncs ($(awk -v r="${jrecords:-0}" -v s="${jsyncs:-0}" 'BEGIN {if (s > 0) printf "%.1f", r / s; else print "n/a"}') a sync)
writer        $batches batches by the end of the load, $(awk -v n="$stored_at_end" -v b="$batches" 'BEGIN {if (b > 0) printf "%d", n / b; else print "n/a"}') events and $batch_ms ms each on average
dropped       $(j '.dropped | to_entries | map("\(.key): \(.value)") | join(", ") | if . == "" then "none" else . end')
errors        $(j '.errors | to_entries | map("HTTP \(.key): \(.value)") | join(", ") | if . == "" then "none" else . end'); transport errors $(j .transport_errors) (target: none: $(verdict "$errors == 0"))
latency ms    p50 $(j .latency_ms.p50)  p90 $(j .latency_ms.p90)  p99 $p99  p99.9 $(j .latency_ms.p999)  max $(j .latency_ms.max)  (target p99 <= 20: $(verdict "$p99 <= 20"))
final flush   ${flush_s} s from SIGTERM to exit; server exit status $server_rc
CPU           during the load: server ${server_cpu} s, loadgen ${loadgen_cpu} s, of $(awk -v c="$cpus" -v s="$load_s" 'BEGIN {printf "%.0f", c * s}') s the machine had
RSS           idle $(mb "$idle_kb") (target <= 40 MB: $(verdict "$idle_kb <= 40 * 1024")), idle after 50 warm-up events $(mb "$warm_kb"),
              peak under load $(mb "$load_kb") (target <= 250 MB: $(verdict "$load_kb <= 250 * 1024")), peak during the flush $(mb "$flush_kb")
disk          $(vj '.storage.file_bytes_per_event * 10 | round / 10') bytes per stored event in the file (+ -wal): raw $(vj '.storage.raw_bytes_per_event * 10 | round / 10') (events, visits, strings, with indexes), rollups $(vj '.storage.rollup_bytes_per_event * 10 | round / 10') (daily, hourly)
not stored    $(vj .engagement_not_stored) accepted engagement events; by design only the $(j .accepted_engagement_without_visit) sent with no visit
invariant     $(vj 'if .ok then "OK" else "FAIL" end')
REPORT
vj '.checks[] | select(.ok | not) | "  FAIL \(.what): want \(.want), got \(.got)"'
if [ "$server_rc" -ne 0 ] || grep -q 'level=ERROR' "$work/server.log"; then
	echo "server log (errors):"
	grep -v 'no users yet' "$work/server.log" | tail -n 20 | sed 's/^/  /'
fi
if [ "$ingest_rc" -ne 0 ] || [ "$verify_rc" -ne 0 ] || [ "$server_rc" -ne 0 ]; then
	exit 1
fi
