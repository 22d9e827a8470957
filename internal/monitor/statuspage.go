package monitor

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/liveops/liveops/internal/web"
)

// The status page's JSON takes the shape of Atlassian Statuspage's public
// API v2 (a page's /api/v2/summary.json, status.json, components.json,
// incidents.json, incidents/unresolved.json, scheduled-maintenances.json,
// scheduled-maintenances/upcoming.json and …/active.json), so that the
// tools that read a Statuspage page read liveops. Ids are strings there.
//
// How liveops' states map onto Statuspage's:
//
//	service or component       indicator     component status
//	all working                none          operational
//	degraded                   minor         degraded_performance
//	partial outage             major         partial_outage
//	major outage               critical      major_outage
//	in a maintenance window    maintenance   under_maintenance
//
// An incident's impact degraded, partial, major is minor, major, critical;
// its status (investigating, identified, monitoring, resolved) is the same
// word. A maintenance window is a scheduled maintenance of impact
// "maintenance", scheduled before it starts, in_progress while it runs and
// completed after; it has no updates. A component is a group of public
// checks (Check.ComponentName); the page's id is the service's slug.

type spPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

type spStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type spComponent struct {
	ID                 string  `json:"id"`
	Name               string  `json:"name"`
	Status             string  `json:"status"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
	Position           int     `json:"position"`
	Description        *string `json:"description"`
	Showcase           bool    `json:"showcase"`
	StartDate          *string `json:"start_date"`
	GroupID            *string `json:"group_id"`
	PageID             string  `json:"page_id"`
	Group              bool    `json:"group"`
	OnlyShowIfDegraded bool    `json:"only_show_if_degraded"`
}

type spAffected struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

type spUpdate struct {
	ID                   string       `json:"id"`
	Status               string       `json:"status"`
	Body                 string       `json:"body"`
	IncidentID           string       `json:"incident_id"`
	CreatedAt            string       `json:"created_at"`
	UpdatedAt            string       `json:"updated_at"`
	DisplayAt            string       `json:"display_at"`
	AffectedComponents   []spAffected `json:"affected_components"`
	DeliverNotifications bool         `json:"deliver_notifications"`
	CustomTweet          *string      `json:"custom_tweet"`
	TweetID              *string      `json:"tweet_id"`
}

type spIncident struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Status          string        `json:"status"`
	CreatedAt       string        `json:"created_at"`
	UpdatedAt       string        `json:"updated_at"`
	MonitoringAt    *string       `json:"monitoring_at"`
	ResolvedAt      *string       `json:"resolved_at"`
	Impact          string        `json:"impact"`
	Shortlink       string        `json:"shortlink"`
	StartedAt       string        `json:"started_at"`
	PageID          string        `json:"page_id"`
	IncidentUpdates []spUpdate    `json:"incident_updates"`
	Components      []spComponent `json:"components"`
}

type spMaintenance struct {
	spIncident
	ScheduledFor   string `json:"scheduled_for"`
	ScheduledUntil string `json:"scheduled_until"`
}

// Statuspage's words for liveops' levels and impacts.
var (
	spIndicators = map[level]string{operational: "none", degraded: "minor", partial: "major", major: "critical"}
	spImpacts    = map[string]string{"degraded": "minor", "partial": "major", "major": "critical"}
)

// spTime is an instant as Statuspage writes it: ISO 8601 with milliseconds.
func spTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func spTimePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := spTime(t)
	return &s
}

// statuspage builds the documents from one read of the page.
type statuspage struct {
	p   *statusPage
	url string
}

func (sp statuspage) page() spPage {
	s := sp.p.Service
	return spPage{ID: s.Slug, Name: s.Name, URL: sp.url, TimeZone: s.Location().String(), UpdatedAt: spTime(sp.p.Updated)}
}

func (sp statuspage) status() spStatus {
	st := sp.p.Status
	indicator := spIndicators[st.Level]
	if st.Level == operational && st.Maintenance {
		indicator = "maintenance"
	}
	return spStatus{Indicator: indicator, Description: overallWords[st.key()]}
}

func (sp statuspage) component(c *component) spComponent {
	return spComponent{ID: c.ID, Name: c.Name, Status: c.Status.key(), CreatedAt: spTime(c.Created), UpdatedAt: spTime(c.Updated),
		Position: c.Position, PageID: sp.p.Service.Slug}
}

func (sp statuspage) components() []spComponent {
	out := make([]spComponent, 0, len(sp.p.Components))
	for _, c := range sp.p.Components {
		out = append(out, sp.component(c))
	}
	return out
}

func (sp statuspage) incident(in *Incident) spIncident {
	id := strconv.FormatInt(in.ID, 10)
	out := spIncident{ID: id, Name: in.Title, Status: in.Status, CreatedAt: spTime(in.StartedAt), UpdatedAt: spTime(in.UpdatedAt),
		ResolvedAt: spTimePtr(in.ResolvedAt), Impact: spImpacts[in.Impact], Shortlink: sp.url + "#incident-" + id,
		StartedAt: spTime(in.StartedAt), PageID: sp.p.Service.Slug, IncidentUpdates: []spUpdate{}, Components: []spComponent{}}
	comp := sp.p.componentOf(in)
	if comp != nil {
		out.Components = append(out.Components, sp.component(comp))
	}
	for i, u := range in.Updates {
		if u.Status == "monitoring" {
			out.MonitoringAt = spTimePtr(u.At) // the earliest, as the list is newest first
		}
		su := spUpdate{ID: strconv.FormatInt(u.ID, 10), Status: u.Status, Body: u.Body, IncidentID: id,
			CreatedAt: spTime(u.At), UpdatedAt: spTime(u.At), DisplayAt: spTime(u.At)}
		if comp != nil {
			// What the update did to the component: the incident's impact
			// while open, back to operational when it resolved it.
			next, prev := spComponentStatus(u.Status, in.Impact), "operational"
			if i+1 < len(in.Updates) {
				prev = spComponentStatus(in.Updates[i+1].Status, in.Impact)
			}
			su.AffectedComponents = []spAffected{{Code: comp.ID, Name: comp.Name, OldStatus: prev, NewStatus: next}}
		}
		out.IncidentUpdates = append(out.IncidentUpdates, su)
	}
	return out
}

func spComponentStatus(updateStatus, impact string) string {
	if updateStatus == "resolved" {
		return "operational"
	}
	return impactKeys[impact]
}

func (sp statuspage) incidents(list []*Incident) []spIncident {
	out := make([]spIncident, 0, len(list))
	for _, in := range list {
		out = append(out, sp.incident(in))
	}
	return out
}

func (sp statuspage) maintenance(w window) spMaintenance {
	id := "m" + strconv.FormatInt(w.ID, 10)
	status := "completed"
	switch {
	case w.Now(sp.p.Now):
		status = "in_progress"
	case w.Start.After(sp.p.Now):
		status = "scheduled"
	}
	var resolved *string
	if status == "completed" {
		resolved = spTimePtr(w.End)
	}
	return spMaintenance{spIncident: spIncident{ID: id, Name: w.Title, Status: status, CreatedAt: spTime(w.CreatedAt),
		UpdatedAt: spTime(w.CreatedAt), ResolvedAt: resolved, Impact: "maintenance", Shortlink: sp.url + "#maintenance",
		StartedAt: spTime(w.Start), PageID: sp.p.Service.Slug, IncidentUpdates: []spUpdate{}, Components: sp.components()},
		ScheduledFor: spTime(w.Start), ScheduledUntil: spTime(w.End)}
}

func (sp statuspage) maintenances(list []window) []spMaintenance {
	out := make([]spMaintenance, 0, len(list))
	for _, w := range list {
		out = append(out, sp.maintenance(w))
	}
	return out
}

// statuspageJSON answers /status/{slug}/api/v2/{file}.
func (m *Monitor) statuspageJSON(w http.ResponseWriter, r *http.Request) error {
	s, err := m.publicService(r)
	if err != nil {
		return err
	}
	file := r.PathValue("file")
	if _, ok := statuspageFiles[file]; !ok {
		return web.NotFound("page")
	}
	p, err := m.readStatus(r.Context(), s, m.now(), false)
	if err != nil {
		return err
	}
	doc := statuspageFiles[file](statuspage{p: p, url: pageURL(r, s)})
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	serveCached(w, r, statusMaxAge, "application/json; charset=utf-8", append(body, '\n'))
	return nil
}

// statuspageFiles are the documents under /api/v2/, as Statuspage names them.
var statuspageFiles = map[string]func(sp statuspage) any{
	"summary.json": func(sp statuspage) any {
		return map[string]any{"page": sp.page(), "status": sp.status(), "components": sp.components(),
			"incidents": sp.incidents(sp.p.Open), "scheduled_maintenances": sp.maintenances(sp.p.Windows)}
	},
	"status.json": func(sp statuspage) any {
		return map[string]any{"page": sp.page(), "status": sp.status()}
	},
	"components.json": func(sp statuspage) any {
		return map[string]any{"page": sp.page(), "components": sp.components()}
	},
	"incidents.json": func(sp statuspage) any {
		all := sp.p.Incidents
		return map[string]any{"page": sp.page(), "incidents": sp.incidents(all[:min(len(all), 50)])}
	},
	"incidents/unresolved.json": func(sp statuspage) any {
		return map[string]any{"page": sp.page(), "incidents": sp.incidents(sp.p.Open)}
	},
	"scheduled-maintenances.json": func(sp statuspage) any {
		all := append(append([]window{}, sp.p.Windows...), sp.p.Past...)
		return map[string]any{"page": sp.page(), "scheduled_maintenances": sp.maintenances(all[:min(len(all), 50)])}
	},
	"scheduled-maintenances/upcoming.json": func(sp statuspage) any {
		return map[string]any{"page": sp.page(), "scheduled_maintenances": sp.maintenances(sp.p.upcoming())}
	},
	"scheduled-maintenances/active.json": func(sp statuspage) any {
		return map[string]any{"page": sp.page(), "scheduled_maintenances": sp.maintenances(sp.p.active())}
	},
}
