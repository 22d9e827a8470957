package monitor

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/catalog"
)

// statusDays is how many daily bars the status page draws, and how far
// back its incident history goes.
const statusDays = 90

// level is how badly something is affected, from none to worst; a
// maintenance window is apart from it.
type level int

const (
	operational level = iota
	degraded
	partial
	major
)

var impactLevels = map[string]level{"degraded": degraded, "partial": partial, "major": major}

// status is the state of the service or of one component as the status
// page shows it: a level of trouble, or maintenance when a window covers
// now and nothing is wrong.
type status struct {
	Level       level
	Maintenance bool
}

// key names the state, as the page's classes and Statuspage's component
// statuses do.
func (s status) key() string {
	switch {
	case s.Level == major:
		return "major_outage"
	case s.Level == partial:
		return "partial_outage"
	case s.Level == degraded:
		return "degraded_performance"
	case s.Maintenance:
		return "under_maintenance"
	}
	return "operational"
}

// statusWords are the states in words, for people.
var statusWords = map[string]string{
	"operational":          "Operational",
	"degraded_performance": "Degraded performance",
	"partial_outage":       "Partial outage",
	"major_outage":         "Major outage",
	"under_maintenance":    "Under maintenance",
}

// overallWords are the service's states in words, at the top of the page.
var overallWords = map[string]string{
	"operational":          "All systems operational",
	"degraded_performance": "Degraded performance",
	"partial_outage":       "Partial outage",
	"major_outage":         "Major outage",
	"under_maintenance":    "Under maintenance",
}

// component is a group of public checks shown as one line of the page.
type component struct {
	ID       string // "c" and its lowest check id: stable while that check lives
	firstID  int64
	Name     string
	Position int
	Status   status
	Checks   []*Check
	Days     [statusDays]Summary // oldest first; Days[statusDays-1] is today (UTC)
	Total    Summary             // over the days
	Created  time.Time
	Updated  time.Time
}

// window is one occurrence of a maintenance window: the one under way or
// the next.
type window struct {
	*Window
	Start, End time.Time
}

// Now says whether the occurrence is under way at t.
func (w window) Now(t time.Time) bool { return !w.Start.After(t) && t.Before(w.End) }

// statusPage is everything the public status page, its feeds and its
// badges show, read in a handful of queries.
type statusPage struct {
	Service    *catalog.Service
	Now        time.Time
	FirstDay   time.Time // the first bar's day (UTC)
	Status     status
	Components []*component
	Incidents  []*Incident // the public ones, open or started in the last statusDays days, newest first
	Open       []*Incident // unresolved, newest first
	Resolved   []*Incident // resolved in the last statusDays days, newest first
	Windows    []window    // under way and to come, soonest first
	Past       []window    // one-off windows that ended in the last statusDays days, latest first
	Updated    time.Time   // the latest change of anything on the page

	byCheck map[int64]*component
}

// readStatus reads a service's public status at now. With bars false it
// skips the daily rollups (the status badge needs none).
func (m *Monitor) readStatus(ctx context.Context, s *catalog.Service, now time.Time, bars bool) (*statusPage, error) {
	now = now.UTC()
	p := &statusPage{Service: s, Now: now, Updated: s.UpdatedAt, byCheck: map[int64]*component{}}
	p.FirstDay = now.Truncate(24*time.Hour).AddDate(0, 0, -(statusDays - 1))
	checks, err := m.Checks.List(ctx, s.ID)
	if err != nil {
		return nil, fmt.Errorf("status of %s: %w", s.Slug, err)
	}
	public := map[int64]bool{}
	byName := map[string]*component{}
	var ids []int64
	for _, c := range checks {
		if !c.Public {
			continue
		}
		public[c.ID] = true
		ids = append(ids, c.ID)
		comp := byName[c.ComponentName()]
		if comp == nil {
			comp = &component{Name: c.ComponentName(), firstID: c.ID, Created: c.CreatedAt}
			byName[comp.Name] = comp
			p.Components = append(p.Components, comp)
		}
		comp.firstID = min(comp.firstID, c.ID)
		comp.ID = fmt.Sprintf("c%d", comp.firstID)
		comp.Checks = append(comp.Checks, c)
		comp.Created = minTime(comp.Created, c.CreatedAt)
		comp.Updated = maxTime(comp.Updated, c.UpdatedAt, c.Since)
		p.byCheck[c.ID] = comp
		p.Updated = maxTime(p.Updated, comp.Updated)
	}
	slices.SortFunc(p.Components, func(a, b *component) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	for i, c := range p.Components {
		c.Position = i + 1
	}

	incidents, err := m.Incidents.List(ctx, s.ID, now.AddDate(0, 0, -statusDays), 500)
	if err != nil {
		return nil, fmt.Errorf("status of %s: incidents: %w", s.Slug, err)
	}
	for _, in := range incidents {
		// A failure of a check the team keeps to itself is not the public's.
		if in.CheckID != 0 && !public[in.CheckID] {
			continue
		}
		p.Updated = maxTime(p.Updated, in.UpdatedAt)
		p.Incidents = append(p.Incidents, in)
		if in.Open() {
			p.Open = append(p.Open, in)
		} else {
			p.Resolved = append(p.Resolved, in)
		}
	}

	windows, err := m.Maintenance.List(ctx, s.ID)
	if err != nil {
		return nil, fmt.Errorf("status of %s: maintenance: %w", s.Slug, err)
	}
	inMaintenance := false
	for _, w := range windows {
		p.Updated = maxTime(p.Updated, w.CreatedAt)
		if start, end := w.Next(now); !start.IsZero() {
			occ := window{Window: w, Start: start, End: end}
			p.Windows = append(p.Windows, occ)
			inMaintenance = inMaintenance || occ.Now(now)
		} else if w.Repeat == "" && w.Ends.After(now.AddDate(0, 0, -statusDays)) {
			p.Past = append(p.Past, window{Window: w, Start: w.Starts, End: w.Ends})
		}
	}
	slices.SortFunc(p.Windows, func(a, b window) int { return a.Start.Compare(b.Start) })

	if bars {
		series, err := seriesOf(ctx, m.DB, ids, "day", p.FirstDay, countColumns)
		if err != nil {
			return nil, fmt.Errorf("status of %s: days: %w", s.Slug, err)
		}
		for id, points := range series {
			comp := p.byCheck[id]
			for _, pt := range points {
				if i := int(pt.At.Sub(p.FirstDay) / (24 * time.Hour)); i >= 0 && i < statusDays {
					comp.Days[i].add(pt.Summary)
					comp.Total.add(pt.Summary)
				}
			}
		}
	}
	p.rate(inMaintenance)
	return p, nil
}

// rate sets each component's state, the worst of its checks' (a check
// down counts at its open incident's impact, which the team may have
// lowered, else as a major outage), and the service's: the worst of its
// components' and of the incidents opened by hand, where one component
// down among others that work is a partial outage.
func (p *statusPage) rate(inMaintenance bool) {
	impactOf := map[int64]level{}
	worst := operational
	for _, in := range p.Open {
		if in.CheckID != 0 {
			impactOf[in.CheckID] = impactLevels[in.Impact]
		} else {
			worst = max(worst, impactLevels[in.Impact])
		}
	}
	down := 0
	for _, c := range p.Components {
		c.Status.Maintenance = inMaintenance
		for _, ch := range c.Checks {
			if ch.State() != Down {
				continue
			}
			l, ok := impactOf[ch.ID]
			if !ok {
				l = major
			}
			c.Status.Level = max(c.Status.Level, l)
		}
		if c.Status.Level == major {
			down++
		}
		worst = max(worst, min(c.Status.Level, partial))
	}
	if down > 0 && down == len(p.Components) {
		worst = major
	}
	p.Status = status{Level: worst, Maintenance: inMaintenance}
}

// componentOf is the component an incident is about, or nil for one
// opened by hand.
func (p *statusPage) componentOf(in *Incident) *component { return p.byCheck[in.CheckID] }

// upcoming are the windows to come; active those under way.
func (p *statusPage) upcoming() []window {
	return filterWindows(p.Windows, func(w window) bool { return w.Start.After(p.Now) })
}
func (p *statusPage) active() []window {
	return filterWindows(p.Windows, func(w window) bool { return w.Now(p.Now) })
}

func filterWindows(ws []window, keep func(window) bool) []window {
	var out []window
	for _, w := range ws {
		if keep(w) {
			out = append(out, w)
		}
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

func maxTime(t time.Time, more ...time.Time) time.Time {
	for _, u := range more {
		if u.After(t) {
			t = u
		}
	}
	return t
}
