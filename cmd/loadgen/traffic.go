package main

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

//go:embed useragents.txt
var userAgentsFile string

// traffic is what every worker draws from: the site's pages, where its
// visitors come from, and the visitors themselves. It is read-only once
// built, and the same for the same seed.
type traffic struct {
	domain   string
	origin   string    // "https://" + domain
	pages    []string  // paths, the most visited first
	visitors []visitor // distinct addresses
	orphans  []visitor // send only engagement events: tabs left open past the end of their visit
	sources  *chooser[source]
}

// visitor is one person: an address (sent as X-Forwarded-For) and a browser.
type visitor struct {
	ip, ua string
}

// source is how a visit arrives: the referrer the browser reports (empty
// for none) and the campaign tags on the landing page's URL.
type source struct {
	referrer, query string
}

func newTraffic(domain string, visitors int, seed uint64, shape string) (*traffic, error) {
	uas, err := parseUserAgents(userAgentsFile)
	if err != nil {
		return nil, err
	}
	if shape == shapeRealistic {
		uas = uas.top(10) // ten browsers, as GoatCounter's benchmark sends
	}
	r := rand.New(rand.NewPCG(seed, 0x6c6f616467656e))
	ips := distinctIPs(r, visitors+max(visitors/100, 1))
	t := &traffic{domain: domain, origin: "https://" + domain, pages: sitePaths(r), sources: newChooser(sources)}
	for i, ip := range ips {
		v := visitor{ip: ip, ua: uas.pick(r)}
		if i < visitors {
			t.visitors = append(t.visitors, v)
		} else {
			t.orphans = append(t.orphans, v)
		}
	}
	return t, nil
}

func parseUserAgents(file string) (*chooser[string], error) {
	var list []weighted[string]
	for n, line := range strings.Split(file, "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		w, ua, ok := strings.Cut(line, "\t")
		weight, err := strconv.Atoi(w)
		if !ok || err != nil || weight <= 0 || ua == "" {
			return nil, fmt.Errorf("useragents.txt line %d: want a weight, a tab and a user agent", n+1)
		}
		list = append(list, weighted[string]{weight, ua})
	}
	return newChooser(list), nil
}

// distinctIPs returns n different public addresses, one in ten IPv6, so
// that visitors spread over countries as real ones do.
func distinctIPs(r *rand.Rand, n int) []string {
	seen := make(map[netip.Addr]struct{}, n)
	out := make([]string, 0, n)
	for len(out) < n {
		var a netip.Addr
		if r.IntN(10) == 0 {
			var b [16]byte
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			b[0], b[1] = 0x2a, b[1]&0x0f // 2a00::/12, allocated by RIPE
			a = netip.AddrFrom16(b)
		} else {
			v := r.Uint32()
			a = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
			if first := byte(v >> 24); first == 0 || first == 100 || first >= 224 {
				continue // this network, shared address space, multicast and reserved
			}
		}
		if !a.IsGlobalUnicast() || a.IsPrivate() {
			continue
		}
		if _, dup := seen[a]; dup {
			continue
		}
		seen[a] = struct{}{}
		out = append(out, a.String())
	}
	return out
}

// sitePaths is a public service's 200 pages: a few top-level ones, then
// sections by topic. The top pages come first (they are the most
// visited); the order of the rest is shuffled.
func sitePaths(r *rand.Rand) []string {
	paths := []string{"/", "/start", "/eligibility", "/apply", "/contact", "/help", "/search", "/accessibility", "/privacy", "/cookies"}
	sections := []string{"guidance", "apply", "check", "pay", "report", "news", "forms", "services", "help", "account"}
	topics := []string{"parking-permits", "council-tax", "waste-collection", "housing-benefit", "school-admissions",
		"planning-applications", "licences", "blue-badge", "bin-collection", "roads-and-pavements", "libraries",
		"elections", "recycling", "business-rates", "childcare", "adult-social-care", "noise-complaints",
		"pest-control", "births-deaths-marriages"}
	var rest []string
	for _, s := range sections {
		for _, t := range topics {
			rest = append(rest, "/"+s+"/"+t)
		}
	}
	r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	return append(paths, rest...)
}

// sources of visits, by weight. Search engines, social networks and
// webmail are the ones liveops names as Plausible does.
var sources = []weighted[source]{
	{300, source{}}, // direct: bookmarks, typed addresses, apps that send no referrer
	{220, source{referrer: "https://www.google.com/"}},
	{50, source{referrer: "https://www.google.co.uk/"}},
	{45, source{referrer: "https://www.bing.com/"}},
	{15, source{referrer: "https://duckduckgo.com/"}},
	{8, source{referrer: "https://www.ecosia.org/"}},
	{5, source{referrer: "https://search.yahoo.com/"}},
	{40, source{referrer: "https://l.facebook.com/"}},
	{15, source{referrer: "https://t.co/"}},
	{15, source{referrer: "https://www.linkedin.com/"}},
	{10, source{referrer: "https://www.reddit.com/"}},
	{8, source{referrer: "https://www.instagram.com/"}},
	{20, source{referrer: "https://mail.google.com/"}},
	{10, source{referrer: "https://outlook.live.com/"}},
	{40, source{referrer: "https://www.gov.uk/browse/benefits"}},
	{15, source{referrer: "https://www.bbc.co.uk/news"}},
	{10, source{referrer: "https://en.wikipedia.org/wiki/Local_government"}},
	{5, source{referrer: "https://www.citizensadvice.org.uk/"}},
	{50, source{query: "utm_source=newsletter&utm_medium=email&utm_campaign=november-update"}},
	{30, source{referrer: "https://www.google.com/", query: "utm_source=google&utm_medium=cpc&utm_campaign=winter-support&utm_term=help+with+heating+costs"}},
	{20, source{referrer: "https://www.google.com/", query: "gclid=Cj0KCQiAxbefBhDfARIsAL4XLRq"}},
	{25, source{referrer: "https://l.facebook.com/", query: "utm_source=facebook&utm_medium=paid_social&utm_campaign=register-to-vote&utm_content=video-15s"}},
	{15, source{referrer: "https://t.co/", query: "utm_source=twitter&utm_medium=social&utm_campaign=service-launch"}},
	{15, source{query: "utm_source=partner-charity&utm_medium=referral&utm_campaign=outreach-2026"}},
	{10, source{query: "utm_source=poster&utm_medium=qr&utm_campaign=library-posters"}},
}

type weighted[T any] struct {
	weight int
	value  T
}

// chooser picks values at random in proportion to their weights.
type chooser[T any] struct {
	values []T
	cum    []int // running totals of the weights
}

func newChooser[T any](list []weighted[T]) *chooser[T] {
	c := &chooser[T]{}
	total := 0
	for _, w := range list {
		total += w.weight
		c.values = append(c.values, w.value)
		c.cum = append(c.cum, total)
	}
	return c
}

func (c *chooser[T]) pick(r *rand.Rand) T {
	n := r.IntN(c.cum[len(c.cum)-1])
	return c.values[sort.Search(len(c.cum), func(i int) bool { return c.cum[i] > n })]
}

// top is a chooser of the n heaviest values, equally likely.
func (c *chooser[T]) top(n int) *chooser[T] {
	type item struct {
		weight int
		value  T
	}
	items := make([]item, len(c.values))
	prev := 0
	for i, v := range c.values {
		items[i] = item{c.cum[i] - prev, v}
		prev = c.cum[i]
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].weight > items[j].weight })
	var list []weighted[T]
	for _, it := range items[:min(n, len(items))] {
		list = append(list, weighted[T]{1, it.value})
	}
	return newChooser(list)
}
