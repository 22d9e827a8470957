package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Load shapes: how the events of a run are drawn.
const (
	// shapeVisits is loadgen's own shape: whole visits (a landing page
	// view, further page views, engagement, custom events) by visitors
	// drawn from the pool, each connection sending one visit at a time.
	shapeVisits = "visits"
	// shapeRealistic is the shape GoatCounter's benchmark sends, wrk-like:
	// every request a page view by a visitor picked at random, so nearly
	// every event of a batch belongs to a different visitor and visit; ten
	// browsers, about 1,000 paths picked log-uniformly (path k in
	// proportion to 1/k), a few referrers.
	shapeRealistic = "realistic"
)

// realisticVisitors is the shape's default number of visitors.
const realisticVisitors = 50_000

// realisticPaths is how many paths the realistic shape spreads over.
const realisticPaths = 1_000

// eventSource is one worker's stream of events.
type eventSource interface {
	next() event
}

func newEventSource(shape string, t *traffic, seed uint64, worker int) eventSource {
	if shape == shapeRealistic {
		return newRealistic(t, seed, worker)
	}
	return newGenerator(t, seed, worker)
}

// realistic draws independent page views.
type realistic struct {
	t     *traffic
	r     *rand.Rand
	logN  float64
	paths []string
}

func newRealistic(t *traffic, seed uint64, worker int) *realistic {
	return &realistic{t: t, r: rand.New(rand.NewPCG(seed, uint64(worker)+1)), logN: math.Log(realisticPaths),
		paths: realisticPathList(t)}
}

// realisticPathList is the site's pages and then numbered pages under
// them, realisticPaths in all, the most visited first.
func realisticPathList(t *traffic) []string {
	paths := make([]string, 0, realisticPaths)
	paths = append(paths, t.pages[:min(len(t.pages), realisticPaths)]...)
	for i := 0; len(paths) < realisticPaths; i++ {
		paths = append(paths, strings.TrimSuffix(t.pages[i%len(t.pages)], "/")+"/"+strconv.Itoa(i/len(t.pages)+1))
	}
	return paths
}

// realisticReferrers are the shape's few referrers, by weight: most
// visits come with none.
var realisticReferrers = newChooser([]weighted[string]{
	{60, ""}, {20, "https://www.google.com/"}, {8, "https://www.bing.com/"},
	{7, "https://l.facebook.com/"}, {5, "https://www.bbc.co.uk/news"},
})

func (g *realistic) next() event {
	who := &g.t.visitors[g.r.IntN(len(g.t.visitors))]
	// Log-uniform: exp of a uniform over [0, ln N) is in [1, N).
	k := int(math.Exp(g.r.Float64() * g.logN))
	p := &payload{N: pageviewName, U: g.t.origin + g.paths[k-1], D: g.t.domain, R: json.RawMessage("null")}
	if ref := realisticReferrers.pick(g.r); ref != "" {
		p.R, _ = json.Marshal(ref)
	}
	return event{name: pageviewName, ip: who.ip, ua: who.ua, body: encode(p)}
}
