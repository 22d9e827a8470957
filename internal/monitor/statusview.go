package monitor

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/i18n"
)

// statusView is the status page as its template shows it, every word in
// the page's language.
type statusView struct {
	Name       string // the service's public name in the page's language
	Slug       string
	LangQuery  string // "?lang=cy" when the reader chose a language, for links
	StateKey   string // the overall state, as a class: operational, major_outage…
	State      string // the overall state in words
	Updated    string
	From, To   string // the first and the last bar's days
	Components []componentView
	Open       []incidentView
	Resolved   []incidentView
	Windows    []windowView
}

type componentView struct {
	ID, Name  string
	StateKey  string
	State     string
	Uptime    string // "99.95% uptime over 90 days", or that there is no data
	DaysLabel string // the day-by-day list's summary
	// Bars draws the days as an SVG, each bar with its words as a title
	// for a pointer; Days are the same words as a list, newest first.
	// Both are built here rather than by the template: 100 components'
	// 18,000 bars and lines take the template 60 ms, a Builder 5.
	Bars template.HTML
	Days template.HTML
}

type incidentView struct {
	ID           int64
	Title        string
	Meta         string // impact, component, start, and how long
	Class        string // the impact, as a state class
	Updates      []updateView
	UpdatesLabel string
}

type updateView struct {
	Status, Body, At string
}

type windowView struct {
	Title  string
	When   string
	Status string // "Under way" or "Scheduled"
	Now    bool
}

// words translates and formats for one page.
type words struct {
	lang string
	zone *time.Location
}

func (w words) t(msg string, args ...any) string { return i18n.T(w.lang, msg, args...) }

// tn is t of one or many: one when n is exactly 1.
func (w words) tn(n int64, one, many string, args ...any) string {
	if n == 1 {
		return w.t(one, args...)
	}
	return w.t(many, args...)
}

// when writes an instant in the service's time zone.
func (w words) when(t time.Time) string {
	return i18n.Date(w.lang, t.In(w.zone), "2 Jan 2006 15:04 MST")
}

func (w words) day(t time.Time) string { return i18n.Date(w.lang, t, "2 Jan 2006") }

// duration writes a length of time in days, hours and minutes, the two
// largest units that are not zero ("1 hour 5 minutes").
func (w words) duration(d time.Duration) string {
	mins := int64(d.Round(time.Minute) / time.Minute)
	if mins < 1 {
		return w.t("less than a minute")
	}
	parts := []string{}
	for _, u := range []struct {
		n         int64
		one, many string
	}{{mins / (24 * 60), "%d day", "%d days"}, {mins / 60 % 24, "%d hour", "%d hours"}, {mins % 60, "%d minute", "%d minutes"}} {
		if u.n > 0 && len(parts) < 2 {
			parts = append(parts, w.tn(u.n, u.one, u.many, u.n))
		} else if len(parts) > 0 {
			break
		}
	}
	return strings.Join(parts, " ")
}

// percent writes an uptime, rounded down so that a day with a failure
// never shows as 100%.
func percent(s Summary) (string, bool) {
	pct, ok := s.Uptime()
	if !ok {
		return "", false
	}
	return strconv.FormatFloat(math.Floor(pct*100)/100, 'f', -1, 64), true
}

// dayClass is how a day's bar looks: up with no failure, degraded below
// 100%, an outage below 99%.
func dayClass(s Summary) string {
	pct, ok := s.Uptime()
	switch {
	case !ok && s.Maintenance > 0:
		return "maintenance"
	case !ok:
		return "none"
	case s.Down == 0:
		return "up"
	case pct >= 99:
		return "degraded"
	}
	return "outage"
}

func (w words) dayLabel(date string, s Summary) string {
	pct, ok := percent(s)
	switch dayClass(s) {
	case "maintenance":
		return w.t("%s: maintenance", date)
	case "none":
		return w.t("%s: no data", date)
	case "outage":
		return w.t("%s: %s%% up, an outage", date, pct)
	}
	if !ok {
		return date
	}
	return w.t("%s: %s%% up", date, pct)
}

// bars draws a component's days, oldest on the left, and lists them in
// words, newest first. An outage's bar is striped as well as red.
func (w words) bars(dates []string, c *component) (svg, list template.HTML) {
	var b, l strings.Builder
	b.Grow(statusDays * 100)
	l.Grow(statusDays * 50)
	id := html.EscapeString(c.ID)
	fmt.Fprintf(&b, `<svg class="status-bars" viewBox="0 0 %d 40" preserveAspectRatio="none" role="img" aria-labelledby="bars-%s" focusable="false">`+
		`<title id="bars-%s">%s</title><defs><pattern id="hatch-%s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`+
		`<rect width="6" height="6" fill="#b3261e"/><rect width="2" height="6" fill="#ffffff"/></pattern></defs>`,
		statusDays*10, id, id, html.EscapeString(w.t("Uptime of %s, day by day over the last 90 days", c.Name)), id)
	l.WriteString(`<ul class="day-list">`)
	labels := make([]string, statusDays)
	for i := range statusDays {
		class, label := dayClass(c.Days[i]), html.EscapeString(w.dayLabel(dates[i], c.Days[i]))
		labels[i] = `<li class="` + class + `">` + label + `</li>`
		fill := ""
		if class == "outage" {
			fill = ` fill="url(#hatch-` + id + `)"`
		}
		fmt.Fprintf(&b, `<rect x="%d" width="8" height="40" class="bar %s"%s><title>%s</title></rect>`, i*10, class, fill, label)
	}
	b.WriteString(`</svg>`)
	for i := statusDays - 1; i >= 0; i-- {
		l.WriteString(labels[i])
	}
	l.WriteString(`</ul>`)
	return template.HTML(b.String()), template.HTML(l.String()) // #nosec: every text is escaped above
}

// newStatusView words a status page for people in lang.
func newStatusView(p *statusPage, name, lang, langQuery string) *statusView {
	w := words{lang: lang, zone: p.Service.Location()}
	key := p.Status.key()
	v := &statusView{Name: name, Slug: p.Service.Slug, LangQuery: langQuery, StateKey: key, State: w.t(overallWords[key]),
		Updated: w.when(p.Now), From: w.day(p.FirstDay), To: w.day(p.Now)}
	dates := make([]string, statusDays) // the same for every component
	for i := range dates {
		dates[i] = w.day(p.FirstDay.AddDate(0, 0, i))
	}
	for _, c := range p.Components {
		ck := c.Status.key()
		cv := componentView{ID: c.ID, Name: c.Name, StateKey: ck, State: w.t(statusWords[ck]),
			DaysLabel: w.t("Day by day")}
		if pct, ok := percent(c.Total); ok {
			cv.Uptime = w.t("%s%% uptime over 90 days", pct)
		} else {
			cv.Uptime = w.t("No results in the last 90 days")
		}
		cv.Bars, cv.Days = w.bars(dates, c)
		v.Components = append(v.Components, cv)
	}
	for _, in := range p.Open {
		v.Open = append(v.Open, w.incident(p, in))
	}
	for _, in := range p.Resolved {
		v.Resolved = append(v.Resolved, w.incident(p, in))
	}
	for _, win := range p.Windows {
		wv := windowView{Title: win.Title, Now: win.Now(p.Now), Status: w.t("Scheduled")}
		if wv.Now {
			wv.Status = w.t("Under way")
		}
		wv.When = w.t("From %s to %s", w.when(win.Start), w.when(win.End))
		if win.Repeat != "" {
			wv.When += ". " + w.t(repeats[win.Repeat]) + "."
		}
		v.Windows = append(v.Windows, wv)
	}
	return v
}

// impactKeys are the impacts as state classes.
var impactKeys = map[string]string{"degraded": "degraded_performance", "partial": "partial_outage", "major": "major_outage"}

func (w words) incident(p *statusPage, in *Incident) incidentView {
	iv := incidentView{ID: in.ID, Title: in.Title, Class: impactKeys[in.Impact]}
	meta := []string{w.t(impactLabels[in.Impact])}
	if c := p.componentOf(in); c != nil {
		meta = append(meta, c.Name)
	}
	if in.Open() {
		meta = append(meta, w.t("since %s", w.when(in.StartedAt)))
	} else {
		meta = append(meta, w.t("%s, for %s", w.when(in.StartedAt), w.duration(in.Duration(p.Now))))
	}
	iv.Meta = strings.Join(meta, " · ")
	iv.UpdatesLabel = w.tn(int64(len(in.Updates)), "%d update", "%d updates", len(in.Updates))
	for _, u := range in.Updates {
		iv.Updates = append(iv.Updates, updateView{Status: w.t(updateStatusWords[u.Status]), Body: u.Body, At: w.when(u.At)})
	}
	return iv
}

// updateStatusWords name an incident's states for people.
var updateStatusWords = map[string]string{"investigating": "Investigating", "identified": "Identified", "monitoring": "Monitoring", "resolved": "Resolved"}
