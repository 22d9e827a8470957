package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strconv"
)

// The event names loadgen sends besides custom ones, as the tracker (and
// Plausible's) names them.
const (
	pageviewName   = "pageview"
	engagementName = "engagement"
	outboundName   = "Outbound Link: Click"
	downloadName   = "File Download"
)

// event is one request to send.
type event struct {
	name    string
	ip, ua  string
	body    []byte
	noVisit bool // an engagement event from someone with no visit: liveops does not store it
}

// payload is an event body in the short keys the tracker sends. The
// tracker leaves out what a call did not set, and sends "r": null for no
// referrer, which the omitempty fields and the raw referrer reproduce.
type payload struct {
	N   string          `json:"n"`
	U   string          `json:"u"`
	D   string          `json:"d"`
	R   json.RawMessage `json:"r,omitempty"`
	P   any             `json:"p,omitempty"` // an object, or a JSON string holding one, as older Plausible scripts send
	Rev *revenue        `json:"$,omitempty"`
	I   *bool           `json:"i,omitempty"`
	H   int             `json:"h,omitempty"`
	SD  *int            `json:"sd,omitempty"`
	E   *int64          `json:"e,omitempty"`
}

type revenue struct {
	Currency string `json:"currency"`
	Amount   string `json:"amount"`
}

// generator is one worker's stream of events: visits by random visitors,
// each a landing page view and then further page views, engagement,
// custom events, outbound clicks and downloads. A worker sends a visit's
// events in order, so its engagement events find their visit.
type generator struct {
	t    *traffic
	r    *rand.Rand
	zipf *rand.Zipf

	who      *visitor
	left     int    // events still to come in this visit
	url      string // the page being viewed
	referrer string // that page's document.referrer
	hash     bool   // on the hash-routed part of the site
}

func newGenerator(t *traffic, seed uint64, worker int) *generator {
	r := rand.New(rand.NewPCG(seed, uint64(worker)+1))
	return &generator{t: t, r: r, zipf: rand.NewZipf(r, 1.2, 4, uint64(len(t.pages)-1))}
}

// next is the event to send next; about 80% are page views.
func (g *generator) next() event {
	if g.left == 0 {
		if g.r.IntN(1000) < 2 {
			return g.orphanEngagement()
		}
		return g.startVisit()
	}
	g.left--
	switch n := g.r.IntN(100); {
	case n < 73:
		g.referrer = g.url
		g.url = g.pageURL("")
		return g.send(&payload{N: pageviewName})
	case n < 87:
		return g.engagement()
	case n < 95:
		return g.custom()
	case n < 98:
		return g.send(&payload{N: outboundName, P: map[string]string{"url": outboundLinks[g.r.IntN(len(outboundLinks))]}})
	default:
		return g.send(&payload{N: downloadName, P: map[string]string{"url": g.t.origin + "/files/" + downloads[g.r.IntN(len(downloads))]}})
	}
}

func (g *generator) startVisit() event {
	g.who = &g.t.visitors[g.r.IntN(len(g.t.visitors))]
	g.left = 0
	for g.left < 40 && g.r.IntN(4) != 0 {
		g.left++
	}
	g.hash = g.r.IntN(50) == 0
	src := g.t.sources.pick(g.r)
	g.referrer = src.referrer
	g.url = g.pageURL(src.query)
	return g.send(&payload{N: pageviewName})
}

// pageURL is a page of the site, with the landing page's campaign tags.
func (g *generator) pageURL(query string) string {
	if g.hash {
		return g.t.origin + "/app#/step-" + strconv.Itoa(1+g.r.IntN(8))
	}
	u := g.t.origin + g.t.pages[g.zipf.Uint64()]
	if query != "" {
		u += "?" + query
	}
	return u
}

func (g *generator) engagement() event {
	sd, e := 10+g.r.IntN(91), int64(1000+g.r.IntN(180_000))
	return g.send(&payload{N: engagementName, SD: &sd, E: &e})
}

// orphanEngagement is an engagement event from someone with no visit (a
// tab left open for longer than a visit lasts): liveops accepts it and,
// by design, does not store it.
func (g *generator) orphanEngagement() event {
	who := &g.t.orphans[g.r.IntN(len(g.t.orphans))]
	sd, e := 100, int64(2_400_000)
	p := &payload{N: engagementName, U: g.t.origin + g.t.pages[g.zipf.Uint64()], D: g.t.domain, SD: &sd, E: &e}
	return event{name: engagementName, ip: who.ip, ua: who.ua, body: encode(p), noVisit: true}
}

func (g *generator) custom() event {
	r := g.r
	switch r.IntN(7) {
	case 0:
		return g.send(&payload{N: "Signup", P: map[string]string{"plan": []string{"basic", "standard", "premium"}[r.IntN(3)]}})
	case 1:
		return g.send(&payload{N: "Start application", P: map[string]string{"service": g.t.pages[10+r.IntN(len(g.t.pages)-10)]}})
	case 2:
		// Older Plausible scripts send props as a JSON string.
		props := `{"form":"application","step":` + strconv.Itoa(1+r.IntN(6)) + `}`
		return g.send(&payload{N: "Form submitted", P: props})
	case 3:
		return g.send(&payload{N: "Feedback", P: map[string]any{"rating": 1 + r.IntN(5), "helpful": r.IntN(3) > 0}})
	case 4:
		amount := strconv.Itoa(10+r.IntN(190)) + ".00"
		return g.send(&payload{N: "Payment", P: map[string]string{"method": []string{"card", "direct-debit", "apple-pay"}[r.IntN(3)]},
			Rev: &revenue{Currency: "GBP", Amount: amount}})
	case 5:
		no := false
		return g.send(&payload{N: "Video play", P: map[string]string{"video": "how-to-apply"}, I: &no})
	default:
		return g.send(&payload{N: "404", P: map[string]string{"path": "/old" + g.t.pages[r.IntN(len(g.t.pages))]}})
	}
}

// send fills in what every event of the visit carries.
func (g *generator) send(p *payload) event {
	p.U, p.D = g.url, g.t.domain
	if p.N != engagementName {
		p.R = json.RawMessage("null")
		if g.referrer != "" {
			p.R, _ = json.Marshal(g.referrer)
		}
	}
	if g.hash {
		p.H = 1
	}
	return event{name: p.N, ip: g.who.ip, ua: g.who.ua, body: encode(p)}
}

func encode(p *payload) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as JSON.stringify: "&" stays "&"
	enc.Encode(p)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

var outboundLinks = []string{
	"https://www.gov.uk/find-local-council", "https://www.gov.uk/register-to-vote",
	"https://www.citizensadvice.org.uk/benefits/", "https://www.nhs.uk/services/",
	"https://www.ons.gov.uk/", "https://www.facebook.com/ourcouncil",
}

var downloads = []string{
	"annual-report-2025.pdf", "parking-zones-map.pdf", "application-form.docx",
	"fees-and-charges-2026.xlsx", "bin-calendar.pdf", "spending-over-500.csv",
}
