package enrich

import (
	"fmt"
	"net/netip"
	"net/url"
	"runtime"
	"testing"
)

// Realistic traffic: mostly current browsers, some in-app browsers and bots.
var benchUAs = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
	"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/460.0.0.48.109;]",
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
	"curl/8.5.0",
}

var benchReferrers = []string{
	"", "", "", "https://www.google.com/", "https://www.google.co.uk/", "https://www.bing.com/search?q=x",
	"https://l.facebook.com/l.php?u=x", "https://t.co/AbC", "https://www.reddit.com/r/golang/comments/1",
	"https://s.example.gov/previous-page", "https://blog.example.org/2024/05/post", "https://duckduckgo.com/",
}

var benchPages = []string{
	"https://s.example.gov/start", "https://s.example.gov/apply/step-2",
	"https://s.example.gov/?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
	"https://s.example.gov/start?gclid=abc123", "https://s.example.gov/help?ref=producthunt",
}

var benchIPs = []netip.Addr{
	netip.MustParseAddr("81.2.69.160"), netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("1.1.1.1"),
	netip.MustParseAddr("2a00:1450:4009:81f::200e"), netip.MustParseAddr("203.0.113.9"),
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMemory: an Enricher holds little heap, and looking IPv4 addresses up
// (IPv4-mapped IPv6 ones included) never unpacks the IPv6 country table,
// which adds about 11 MB. The server's idle-memory target counts on both;
// BenchmarkNew gives New's time.
func TestMemory(t *testing.T) {
	// Not parallel: it measures the heap, which tests beside it would move,
	// and it must run before any test looks an IPv6 address up.
	heap := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	before := heap()
	e := newTest(t)
	afterNew := heap()
	for _, ip := range []string{"81.2.69.160", "8.8.8.8", "::ffff:81.2.69.160", "::ffff:1.1.1.1"} {
		if got := e.Country(netip.MustParseAddr(ip)); got == "" {
			t.Errorf("Country(%s) is unknown", ip)
		}
	}
	afterV4 := heap()
	runtime.KeepAlive(e)
	t.Logf("an Enricher holds %d KiB; IPv4 look-ups added %d KiB", (afterNew-before)>>10, (afterV4-afterNew)>>10)
	if held := afterNew - before; held > 6<<20 {
		t.Errorf("an Enricher holds %d KiB of heap, want at most 6 MiB", held>>10)
	}
	if grown := afterV4 - afterNew; grown > 1<<20 {
		t.Errorf("IPv4 look-ups grew the heap by %d KiB: was the IPv6 table unpacked?", grown>>10)
	}
}

func BenchmarkIsBot(b *testing.B) {
	e := newTest(b)
	b.Run("cached", func(b *testing.B) {
		i := 0
		for b.Loop() {
			e.IsBot(benchUAs[i%len(benchUAs)])
			i++
		}
	})
	b.Run("list-uncached", func(b *testing.B) {
		// The crawler-list match alone, as on a cache miss.
		uas := uniqueUAs(4096)
		i := 0
		for b.Loop() {
			e.bots.match(uas[i%len(uas)])
			i++
		}
	})
}

func BenchmarkClient(b *testing.B) {
	e := newTest(b)
	b.Run("cached", func(b *testing.B) {
		i := 0
		for b.Loop() {
			e.Client(benchUAs[i%len(benchUAs)])
			i++
		}
	})
	b.Run("uncached", func(b *testing.B) {
		// More distinct UAs than the cache holds: every call parses and
		// runs the bot matcher.
		uas := uniqueUAs(3 * cacheShards * cacheShardCap)
		i := 0
		for b.Loop() {
			e.Client(uas[i%len(uas)])
			i++
		}
	})
}

func BenchmarkCountry(b *testing.B) {
	e := newTest(b)
	i := 0
	for b.Loop() {
		e.Country(benchIPs[i%len(benchIPs)])
		i++
	}
}

func BenchmarkIsSpamReferrer(b *testing.B) {
	e := newTest(b)
	i := 0
	for b.Loop() {
		e.IsSpamReferrer(benchReferrers[i%len(benchReferrers)])
		i++
	}
}

func BenchmarkAcquisition(b *testing.B) {
	e := newTest(b)
	pages := parsePages(b)
	i := 0
	for b.Loop() {
		e.Acquisition(pages[i%len(pages)], benchReferrers[i%len(benchReferrers)])
		i++
	}
}

// BenchmarkEvent is the whole per-event path as ingestion runs it, on mixed
// input where one user agent in 20 is new to the cache.
func BenchmarkEvent(b *testing.B) {
	e := newTest(b)
	pages := parsePages(b)
	fresh := uniqueUAs(1 << 16)
	event := func(i int) {
		ua := benchUAs[i%len(benchUAs)]
		if i%20 == 0 {
			ua = fresh[(i/20)%len(fresh)]
		}
		if e.IsBot(ua) {
			return
		}
		ref := benchReferrers[i%len(benchReferrers)]
		if e.IsSpamReferrer(ref) {
			return
		}
		_ = e.Client(ua)
		_ = e.Country(benchIPs[i%len(benchIPs)])
		_ = e.Acquisition(pages[i%len(pages)], ref)
	}
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			event(i)
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				event(i)
				i++
			}
		})
	})
}

func parsePages(b *testing.B) []*url.URL {
	var out []*url.URL
	for _, p := range benchPages {
		out = append(out, mustURL(b, p))
	}
	return out
}

// uniqueUAs makes n distinct, realistic browser user agents.
func uniqueUAs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; SM-A%03d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Mobile Safari/537.36",
			10+i%5, i%1000, 110+i%15, 6000+i%400, i)
	}
	return out
}
