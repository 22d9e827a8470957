#!/usr/bin/env bash
# Sends the same load to liveops and to GoatCounter, one after the other, on
# this machine, each on a fresh SQLite database, and prints what each took.
#
#   scripts/bench-goatcounter.sh GOATCOUNTER_SOURCE [connections (50)] [duration (30s)]
#
# GOATCOUNTER_SOURCE is a directory holding GoatCounter's source (release
# v2.7.0 was used: its go.mod builds with Go 1.26 and every module it needs
# is on the Go module proxy). The script builds it into a temporary
# directory (cgo: GoatCounter uses mattn/go-sqlite3, so gcc is needed) and
# never copies its code anywhere else. If the source lacks the GeoLite2
# country database (pkg/geo/GeoLite2-Country.mmdb.gz, a large file some
# snapshots leave out), an empty but valid one takes its place, so
# GoatCounter then does its country look-up and finds nothing.
#
# The load, from a small client built here from the Go below: each of the
# connections sends one page view after another, by a visitor picked at
# random among 50,000 (each with its own address, in X-Forwarded-For), ten
# browsers, about 1,000 paths picked log-uniformly, a few referrers.
# liveops gets Plausible-style POST /api/event; GoatCounter gets its own
# GET /count (it closes the connection after every answer, by design).
# Both servers trust X-Forwarded-For from 127.0.0.1. Loopback only.
set -euo pipefail
gcsrc=$(cd "${1:?usage: bench-goatcounter.sh GOATCOUNTER_SOURCE [connections] [duration]}" && pwd)
conns=${2:-50}
duration=${3:-30s}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/bench-env.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-goatcounter.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "building liveops, GoatCounter ($(git -C "$gcsrc" describe --tags 2>/dev/null || basename "$gcsrc")) and the load client in $work"
(cd "$root" && CGO_ENABLED=0 go build -o "$work/liveops" ./cmd/liveops)
mkdir "$work/gc"
cp -r "$gcsrc/." "$work/gc/"
if [ ! -s "$work/gc/pkg/geo/GeoLite2-Country.mmdb.gz" ]; then
	echo "GoatCounter's GeoLite2 database is missing: using an empty one"
	python3 - <<'PY' | gzip >"$work/gc/pkg/geo/GeoLite2-Country.mmdb.gz"
# A minimal valid MaxMind DB: one IPv6 search-tree node, no data.
import struct, sys, time
def s(x): b = x.encode(); return bytes([(2 << 5) | len(b)]) + b
def u16(v): return bytes([(5 << 5) | 2]) + struct.pack('>H', v)
def u32(v): return bytes([(6 << 5) | 4]) + struct.pack('>I', v)
def u64(v): return bytes([8, 9 - 7]) + struct.pack('>Q', v)
def mp(d): return bytes([(7 << 5) | len(d)]) + b''.join(s(k) + v for k, v in d.items())
def arr(items): return bytes([len(items), 11 - 7]) + b''.join(items)
meta = mp({'binary_format_major_version': u16(2), 'binary_format_minor_version': u16(0),
    'build_epoch': u64(int(time.time())), 'database_type': s('GeoLite2-Country'),
    'description': mp({'en': s('empty')}), 'ip_version': u16(6), 'languages': arr([s('en')]),
    'node_count': u32(1), 'record_size': u16(24)})
sys.stdout.buffer.write((1).to_bytes(3, 'big') * 2 + b'\0' * 16 + b'\xab\xcd\xefMaxMind.com' + meta)
PY
fi
(cd "$work/gc" && go build -o "$work/goatcounter" ./cmd/goatcounter)
mkdir "$work/load"
printf 'module load\n\ngo 1.26\n' >"$work/load/go.mod"
cat >"$work/load/main.go" <<'GO'
// A load client for one shape sent to liveops or GoatCounter alike: random
// page views by many visitors (each its own address), ten browsers, 1,000
// log-uniform paths, a few referrers. Loopback only.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"
)

var uas = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
	"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
}

var refs = []string{"", "", "", "", "", "", "https://www.google.com/", "https://www.google.com/", "https://www.bing.com/", "https://l.facebook.com/"}

func main() {
	target := flag.String("target", "liveops", "liveops or goatcounter")
	base := flag.String("url", "", "server base URL (loopback)")
	host := flag.String("host", "", "Host header and liveops domain")
	conns := flag.Int("c", 50, "connections")
	dur := flag.Duration("d", 30*time.Second, "duration")
	visitors := flag.Int("visitors", 50_000, "distinct visitors")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
		fmt.Fprintln(os.Stderr, "load: --url must be a loopback URL")
		os.Exit(2)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conns, Proxy: nil}}
	deadline := time.Now().Add(*dur)
	var mu sync.Mutex
	var lat []time.Duration
	codes := map[string]int{}
	var wg sync.WaitGroup
	start := time.Now()
	for w := range *conns {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 42))
			var mine []time.Duration
			mycodes := map[string]int{}
			for time.Now().Before(deadline) {
				v := r.IntN(*visitors)
				ip := fmt.Sprintf("2.%d.%d.%d", 16+v>>16, (v>>8)&255, v&255)
				path := "/page/" + strconv.Itoa(int(math.Exp(r.Float64()*math.Log(1000))))
				ref := refs[r.IntN(len(refs))]
				var req *http.Request
				if *target == "goatcounter" {
					q := url.Values{"p": {path}, "r": {ref}, "rnd": {strconv.Itoa(r.IntN(1 << 30))}}
					req, _ = http.NewRequest("GET", *base+"/count?"+q.Encode(), nil)
				} else {
					body, _ := json.Marshal(map[string]any{"n": "pageview", "u": "https://" + *host + path, "d": *host, "r": ref})
					req, _ = http.NewRequest("POST", *base+"/api/event", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
				}
				req.Host = *host
				req.Header.Set("User-Agent", uas[v%len(uas)])
				req.Header.Set("X-Forwarded-For", ip)
				t0 := time.Now()
				resp, err := client.Do(req)
				d := time.Since(t0)
				if err != nil {
					mycodes["transport error"]++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mycodes[strconv.Itoa(resp.StatusCode)]++
				mine = append(mine, d)
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, n := range mycodes {
				codes[k] += n
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	total := 0
	for _, n := range codes {
		total += n
	}
	fmt.Printf("%s: %d requests in %.1f s (%.0f/s); answers %v; latency p50 %.1f, p90 %.1f, p99 %.1f, max %.1f ms\n",
		*target, total, elapsed.Seconds(), float64(total)/elapsed.Seconds(), codes, pct(0.5), pct(0.9), pct(0.99), pct(1))
}
GO
(cd "$work/load" && go build -o "$work/loadc" .)

port=18093
wait_up() { until curl -fs -o /dev/null "$1"; do sleep 0.1; done; }
rss() { awk '/VmRSS|VmHWM/ {printf "%s %.1f MB  ", $1, $2 / 1024}' "/proc/$pid/status"; echo; }

echo
bench_header
echo "== liveops"
"$work/liveops" service add --name Bench --domain bench.example.gov --db "$work/liveops.db" >/dev/null
"$work/liveops" serve --listen 127.0.0.1:$port --db "$work/liveops.db" --trusted-proxy 127.0.0.1/32 --log-level warn >/dev/null 2>&1 &
pid=$!
wait_up "http://127.0.0.1:$port/healthz"
"$work/loadc" -target liveops -url "http://127.0.0.1:$port" -host bench.example.gov -c "$conns" -d "$duration"
rss
kill -TERM "$pid"; wait "$pid" || true; pid=

echo "== GoatCounter"
gcdb="sqlite+$work/gc.sqlite3"
"$work/goatcounter" db create site -createdb -db "$gcdb" -vhost bench.example.gov \
	-user.email bench@example.gov -user.password 'bench password 123' >/dev/null
"$work/goatcounter" serve -listen 127.0.0.1:$port -tls http -db "$gcdb" >"$work/gc.log" 2>&1 &
pid=$!
until curl -fs -o /dev/null -H 'Host: bench.example.gov' "http://127.0.0.1:$port/count?p=/warm-up"; do sleep 0.1; done
"$work/loadc" -target goatcounter -url "http://127.0.0.1:$port" -host bench.example.gov -c "$conns" -d "$duration"
rss
kill -TERM "$pid"; wait "$pid" || true; pid=
