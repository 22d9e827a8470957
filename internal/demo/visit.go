package demo

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/enrich"
)

// generator makes the traffic one day at a time.
type generator struct {
	r       *rand.Rand
	aud     *audience
	cal     calendar
	zone    *time.Location
	now     time.Time
	service int64
	host    string
	scale   int // visitors a day times this

	weekdayHours, weekendHours, emailHours, socialHours *chooser[int]
	info, newPermits, renewedPermits                    *chooser[string]

	out []*analytics.Event // made and not yet enqueued
	sum Summary
}

func newGenerator(e *enrich.Enricher, svc *catalog.Service, now time.Time, seed uint64) *generator {
	host := "parking.example.gov"
	if len(svc.Domains) > 0 {
		host = svc.Domains[0]
	}
	zone := svc.Location()
	return &generator{
		r: rand.New(rand.NewPCG(seed, pcgStream)), aud: newAudience(e, host), cal: newCalendar(now.In(zone)),
		zone: zone, now: now, service: svc.ID, host: host, scale: 1,
		weekdayHours: hours(weekdayHours), weekendHours: hours(weekendHours),
		emailHours: hours(emailHours), socialHours: hours(socialHours),
		info: newChooser(infoPages), newPermits: newChooser(newPermits), renewedPermits: newChooser(renewedPermits),
	}
}

// day makes the visits that start on the day beginning at midnight.
func (g *generator) day(midnight time.Time) {
	n := dayNumber(midnight)
	organicHours := g.weekdayHours
	if wd := weekday(n); wd == time.Saturday || wd == time.Sunday {
		organicHours = g.weekendHours
	}
	for range g.cal.organic(n, g.r) * g.scale {
		g.visitor(midnight, g.aud.organic.pick(g.r), organicHours)
	}
	for range g.cal.newsletter(n) * g.scale {
		g.visitor(midnight, g.aud.newsletter.pick(g.r), g.emailHours)
	}
	for range g.cal.paidSocial(n) * g.scale {
		g.visitor(midnight, g.aud.springAd.pick(g.r), g.socialHours)
	}
}

// person is one visitor for one day: real visitor ids are salted daily, so
// tomorrow the same person is someone new.
type person struct {
	id     int64
	client enrich.Client
	place  enrich.Place
}

// visitor makes one person's visits: one, or now and then a second later
// the same day, most often typed in directly.
func (g *generator) visitor(midnight time.Time, src *source, hours *chooser[int]) {
	p := person{id: g.r.Int64N(math.MaxInt64) + 1, client: g.aud.clients.pick(g.r), place: g.aud.places.pick(g.r)}
	y, m, d := midnight.Date()
	start := time.Date(y, m, d, hours.pick(g.r), 0, 0, 0, g.zone).Add(time.Duration(g.r.Int64N(int64(time.Hour))))
	end, ok := g.visit(&p, src, start)
	if !ok {
		return
	}
	g.sum.Visitors++
	if g.r.Float64() >= returnSameDay {
		return
	}
	again := end.Add(time.Hour + time.Duration(g.r.Int64N(int64(5*time.Hour))))
	if dayNumber(again.In(g.zone)) != dayNumber(midnight) {
		return
	}
	if g.r.Float64() < 0.7 {
		src = g.aud.direct
	}
	g.visit(&p, src, again)
}

// visit makes one visit from start and returns when it ended; nothing is
// made when it would start after now.
func (g *generator) visit(p *person, src *source, start time.Time) (time.Time, bool) {
	if start.After(g.now) {
		return start, false
	}
	pl := src.plans.pick(g.r)
	v := src.acq
	v.Device, v.Browser, v.BrowserVersion = p.client.Device, p.client.Browser, p.client.BrowserVersion
	v.OS, v.OSVersion = p.client.OS, p.client.OSVersion
	v.Country, v.Region, v.City = p.place.Country, p.place.Region, p.place.City
	v.CountryName, v.RegionName, v.CityName = p.place.CountryName, p.place.RegionName, p.place.CityName
	s := &session{g: g, visitor: p.id, visit: v, t: start}
	switch pl.intent {
	case look:
		s.view(pl.entry)
	case apply:
		s.apply(pl.entry)
	case renew:
		s.renew(pl.entry)
	case browse:
		s.browse(pl.entry)
	}
	s.leave()
	g.sum.Visits++
	return s.t, true
}

// dwell is how long someone reads a page: a minimum and a long tail, longer
// when typing into a form on a phone; always well inside the 30 minutes
// that would end the visit.
func (g *generator) dwell(page, device string) time.Duration {
	least, mean := 15.0, 45.0
	switch page {
	case "/", "/contact", "/apply/confirmation":
		least, mean = 5, 30
	case "/start":
		least, mean = 8, 25
	case "/eligibility", "/renew":
		least, mean = 25, 60
	case "/apply/details", "/apply/payment":
		least, mean = 50, 110
	case "/apply/vehicle", "/apply/address":
		least, mean = 35, 75
	case "/guidance/parking-zones", "/guidance/permit-types", "/guidance/prices", "/guidance/blue-badge":
		least, mean = 25, 90
	}
	secs := least + g.r.ExpFloat64()*mean
	if device == enrich.Mobile && len(page) > 7 && page[:7] == "/apply/" {
		secs *= 1.25
	}
	return time.Duration(min(secs, 15*60) * float64(time.Second))
}
