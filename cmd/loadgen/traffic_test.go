package main

import (
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/enrich"
)

// TestUserAgents: every user agent is a browser liveops counts (no bots),
// and the pool covers desktop, mobile and tablet.
func TestUserAgents(t *testing.T) {
	uas, err := parseUserAgents(userAgentsFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(uas.values) < 40 {
		t.Fatalf("%d user agents, want about 50", len(uas.values))
	}
	e, err := enrich.New()
	if err != nil {
		t.Fatal(err)
	}
	devices := map[string]int{}
	for _, ua := range uas.values {
		if e.IsBot(ua) {
			t.Errorf("liveops takes this for a bot: %s", ua)
		}
		c := e.Client(ua)
		if c.Browser == "" || c.OS == "" || c.Device == "" {
			t.Errorf("not understood (%+v): %s", c, ua)
		}
		devices[c.Device]++
	}
	for _, d := range []string{enrich.Desktop, enrich.Mobile, enrich.Tablet} {
		if devices[d] == 0 {
			t.Errorf("no %s user agent: %v", d, devices)
		}
	}
}

// TestGenerator: every body decodes as liveops decodes it, the mix is
// about 80% page views, and a visit's engagement follows its page view.
func TestGenerator(t *testing.T) {
	tr, err := newTraffic("s.example.gov", 200, 7, shapeVisits)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.visitors) != 200 || len(tr.orphans) != 2 || len(tr.pages) != 200 {
		t.Fatalf("%d visitors, %d orphans, %d pages", len(tr.visitors), len(tr.orphans), len(tr.pages))
	}
	ips := map[string]bool{}
	for _, v := range append(tr.visitors, tr.orphans...) {
		a := netip.MustParseAddr(v.ip)
		if ips[v.ip] || !a.IsGlobalUnicast() || a.IsPrivate() {
			t.Fatalf("visitor address %s: duplicate or not public", v.ip)
		}
		ips[v.ip] = true
	}
	orphan := map[string]bool{}
	for _, v := range tr.orphans {
		orphan[v.ip] = true
	}
	g := newGenerator(tr, 7, 0)
	names := map[string]int{}
	viewed := map[string]bool{} // visitors with a page view
	tagged, referred := 0, 0
	const n = 20_000
	for range n {
		ev := g.next()
		in, err := analytics.DecodeEvent(ev.body)
		if err != nil {
			t.Fatalf("%s: %v", ev.body, err)
		}
		if in.Name != ev.name || in.Domains[0] != "s.example.gov" || in.URL.Host != "s.example.gov" {
			t.Fatalf("decoded %+v from %s", in, ev.body)
		}
		names[ev.name]++
		switch {
		case ev.name == pageviewName:
			viewed[ev.ip] = true
			if in.URL.Query().Get("utm_source") != "" {
				tagged++
			}
			if in.Referrer != "" {
				referred++
			}
		case ev.name == engagementName && !orphan[ev.ip] && !viewed[ev.ip]:
			t.Fatalf("engagement before any page view: %s", ev.body)
		}
	}
	if share := float64(names[pageviewName]) / n; math.Abs(share-0.8) > 0.03 {
		t.Errorf("page views are %.0f%% of events, want about 80%%: %v", share*100, names)
	}
	for _, name := range []string{engagementName, outboundName, downloadName, "Signup", "Payment", "Form submitted"} {
		if names[name] == 0 {
			t.Errorf("no %q event: %v", name, names)
		}
	}
	if tagged == 0 || referred == 0 {
		t.Errorf("%d page views with UTM tags, %d with a referrer", tagged, referred)
	}
}

// TestRealistic: GoatCounter's benchmark shape is page views only, by
// visitors picked at random among ten browsers, over about 1,000 paths
// picked log-uniformly, with a few referrers.
func TestRealistic(t *testing.T) {
	tr, err := newTraffic("s.example.gov", 5_000, 7, shapeRealistic)
	if err != nil {
		t.Fatal(err)
	}
	var src eventSource = newEventSource(shapeRealistic, tr, 7, 0)
	uas, ips, paths, referrers := map[string]bool{}, map[string]bool{}, map[string]int{}, map[string]bool{}
	const n = 100_000
	for range n {
		ev := src.next()
		in, err := analytics.DecodeEvent(ev.body)
		if err != nil {
			t.Fatalf("%s: %v", ev.body, err)
		}
		if ev.name != pageviewName || in.Name != pageviewName || in.URL.Host != "s.example.gov" {
			t.Fatalf("not a page view of the site: %s", ev.body)
		}
		uas[ev.ua], ips[ev.ip], referrers[in.Referrer] = true, true, true
		paths[in.URL.Path]++
	}
	if len(uas) != 10 {
		t.Errorf("%d user agents, want 10", len(uas))
	}
	if len(ips) < 4_500 {
		t.Errorf("%d visitors sent, want nearly all of 5,000", len(ips))
	}
	if len(paths) < 900 || len(paths) > realisticPaths {
		t.Errorf("%d paths, want about %d", len(paths), realisticPaths)
	}
	if len(referrers) < 3 || len(referrers) > 6 {
		t.Errorf("%d referrers, want a few: %v", len(referrers), referrers)
	}
	// Log-uniform: path k takes ln((k+1)/k) / ln(1000) of views, so the
	// first 10%, and the first ten together 35%.
	list := realisticPathList(tr)
	first, ten := paths[list[0]], 0
	for _, p := range list[:10] {
		ten += paths[p]
	}
	if share := float64(first) / n; math.Abs(share-math.Log(2)/math.Log(realisticPaths)) > 0.01 {
		t.Errorf("the first path has %.1f%% of views, want about 10%%", share*100)
	}
	if share := float64(ten) / n; math.Abs(share-math.Log(11)/math.Log(realisticPaths)) > 0.02 {
		t.Errorf("the first ten paths have %.1f%% of views, want about 35%%", share*100)
	}
}

func TestHistogram(t *testing.T) {
	var h histogram
	for us := 1; us <= 100_000; us++ {
		h.record(time.Duration(us) * time.Microsecond)
	}
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		want := q * 100_000
		got := float64(h.quantile(q).Microseconds())
		if math.Abs(got-want)/want > 0.01 {
			t.Errorf("quantile %v = %v µs, want %v within 1%%", q, got, want)
		}
	}
	if h.quantile(1) != 100*time.Millisecond || h.max != 100*time.Millisecond {
		t.Errorf("max %v, quantile(1) %v", h.max, h.quantile(1))
	}
	for i := range histBuckets - 1 {
		if bucketOf(bucketTop(i)) != i || bucketOf(bucketTop(i)+1) != i+1 {
			t.Fatalf("bucket %d ends at %d, which falls in bucket %d", i, bucketTop(i), bucketOf(bucketTop(i)))
		}
	}
	var empty histogram
	if empty.quantile(0.99) != 0 || empty.mean() != 0 {
		t.Fatal("an empty histogram reports latency")
	}
}
