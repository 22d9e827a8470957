package demo

import (
	"strings"
	"time"

	"github.com/liveops/liveops/internal/analytics"
)

// session is a visit being made: its clock moves on page by page.
type session struct {
	g       *generator
	visitor int64
	visit   analytics.Visit
	t       time.Time     // when the current page loaded, or the visit's clock between pages
	page    string        // the page being read; "" between pages
	dwell   time.Duration // how long the current page is read
}

// apply goes down the funnel, each step losing some people.
func (s *session) apply(entry string) {
	if entry != "/start" {
		s.view(entry)
		if s.chance(0.15) {
			s.view("/guidance/permit-types")
		}
	}
	s.view("/start")
	if !s.chance(startToEligibility) {
		return
	}
	s.act("Start application", "")
	s.view("/eligibility")
	if !s.chance(eligibilityToDetails) {
		if s.chance(0.3) {
			s.view("/help")
		}
		return
	}
	for _, step := range []struct {
		page string
		next float64
	}{{"/apply/details", detailsToVehicle}, {"/apply/vehicle", vehicleToAddress}, {"/apply/address", addressToPayment}} {
		s.view(step.page)
		if !s.chance(step.next) {
			return
		}
	}
	if s.pay() {
		s.submit(s.g.newPermits)
	}
}

// renew is the short way for permit holders: check the details, pay.
func (s *session) renew(entry string) {
	if entry != "/renew" {
		s.view(entry)
	}
	s.view("/renew")
	if s.chance(renewToPayment) && s.pay() {
		s.submit(s.g.renewedPermits)
	}
}

// pay is the payment page; it reports whether the payment went through.
func (s *session) pay() bool {
	s.view("/apply/payment")
	if s.chance(paymentFails) {
		reason := "card declined"
		if s.chance(0.3) {
			reason = "timed out"
		}
		s.act("Payment failed", props("reason", reason))
		if !s.chance(0.5) {
			return false
		}
	}
	return s.chance(paymentSuccess[s.visit.Device])
}

func (s *session) submit(types *chooser[string]) {
	s.view("/apply/confirmation")
	at := s.t.Add(time.Duration(500+s.g.r.IntN(1500)) * time.Millisecond)
	s.emit(at, "Application submitted", props("permit_type", types.pick(s.g.r)), true)
}

// browse reads a few pages of guidance and help.
func (s *session) browse(entry string) {
	s.view(entry)
	s.extras()
	for n := 1 + s.g.r.IntN(3); n > 0; n-- {
		next := s.g.info.pick(s.g.r)
		for next == s.page {
			next = s.g.info.pick(s.g.r)
		}
		s.view(next)
		s.extras()
	}
}

// extras are what people do on an information page besides reading it:
// download the map of zones, follow a link out of the service.
func (s *session) extras() {
	if s.page == "/guidance/parking-zones" && s.chance(0.45) {
		s.act("File Download", props("url", "https://"+s.host()+zonesPDF))
	}
	if link, ok := outboundLinks[s.page]; ok && s.chance(0.2) {
		s.act("Outbound Link: Click", props("url", link))
	}
}

// view leaves the current page, if any, and loads the next.
func (s *session) view(page string) {
	s.leave()
	s.page, s.dwell = page, s.g.dwell(page, s.visit.Device)
	s.emit(s.t, analytics.PageviewName, "", true)
}

// act is a custom event on the current page, part-way through reading it.
func (s *session) act(name, props string) {
	s.emit(s.t.Add(time.Duration(float64(s.dwell)*(0.5+0.45*s.g.r.Float64()))), name, props, true)
}

// leave ends the current page: sometimes an engagement event says how far
// down it was read and for how long, then the next page loads a moment later.
func (s *session) leave() {
	if s.page == "" {
		return
	}
	end := s.t.Add(s.dwell)
	if s.chance(engagementShare) {
		if ev := s.emit(end, analytics.EngagementName, "", false); ev != nil {
			least := 10 // people read little of a page they leave at once
			if strings.HasPrefix(s.page, "/apply/") {
				least = 60 // a form is scrolled down to its button
			}
			ev.ScrollDepth = least + s.g.r.IntN(101-least)
			ev.EngagedMS = int64(float64(s.dwell.Milliseconds()) * (0.35 + 0.6*s.g.r.Float64()))
		}
	}
	s.t = end.Add(time.Duration(300+s.g.r.IntN(1500)) * time.Millisecond)
	s.page = ""
}

// emit adds an event, unless it would come after now.
func (s *session) emit(at time.Time, name, props string, interactive bool) *analytics.Event {
	if at.After(s.g.now) {
		return nil
	}
	ev := &analytics.Event{
		ServiceID: s.g.service, Zone: s.g.zone, Time: at, VisitorID: s.visitor,
		Name: name, Page: s.page, Hostname: s.host(), Props: props, Interactive: interactive,
		ScrollDepth: -1, EngagedMS: -1, Visit: s.visit,
	}
	s.g.out = append(s.g.out, ev)
	s.g.sum.Events++
	return ev
}

// host is the hostname of the current page: the guidance is published on
// a hostname of its own, so that visits move between two.
func (s *session) host() string {
	if strings.HasPrefix(s.page, "/guidance/") {
		return guidanceHost(s.g.host)
	}
	return s.g.host
}

// guidanceHost is the hostname the demo's guidance pages are on.
func guidanceHost(host string) string { return "guidance." + host }

func (s *session) chance(p float64) bool { return s.g.r.Float64() < p }

func props(key, value string) string { return analytics.PropsJSON(map[string]string{key: value}) }
