package monitor

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// incidentPages registers the incidents' pages under base.
func (m *Monitor) incidentPages(rt *web.Router, base string) {
	rt.Page("GET "+base+"/incidents", m.incidentsPage)
	rt.Page("GET "+base+"/incidents/new", m.newIncidentPage)
	rt.Page("POST "+base+"/incidents/new", m.openIncident)
	rt.Page("GET "+base+"/incidents/{id}", m.incidentPage)
	rt.Page("POST "+base+"/incidents/{id}", m.postIncidentUpdate)
}

func incidentPath(s *catalog.Service, id int64) string {
	return monitorBase(s) + "/incidents/" + strconv.FormatInt(id, 10)
}

// statusLabels name the incidents' statuses for people.
var statusLabels = map[string]string{"investigating": "Investigating", "identified": "Identified", "monitoring": "Monitoring", "resolved": "Resolved"}

// option is a choice of a select or radios.
type option struct{ Value, Label string }

func options(values []string, labels map[string]string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{v, labels[v]}
	}
	return out
}

func (m *Monitor) incidentRow(s *catalog.Service, in *Incident, checks map[int64]*Check, loc *time.Location, now time.Time) incidentRow {
	row := incidentRow{ID: in.ID, Title: in.Title, Link: incidentPath(s, in.ID), Status: statusLabels[in.Status], Impact: in.ImpactLabel(),
		ImpactKey: in.Impact, Started: when(in.StartedAt, loc), Resolved: when(in.ResolvedAt, loc), Duration: spanText(in.Duration(now)), Open: in.Open()}
	if c := checks[in.CheckID]; c != nil {
		row.Check = c.Name
	}
	if len(in.Updates) > 0 {
		row.Latest = in.Updates[0].Body
	}
	return row
}

type incidentsData struct {
	Service   *catalog.Service
	Base      string
	Zone      string
	CanWrite  bool
	Incidents []incidentRow
	Page      int
	Pages     int
	Prev      string
	Next      string
}

// incidentsPerPage is the history's page size.
const incidentsPerPage = 20

// incidentsPage answers GET …/monitor/incidents: every incident, newest
// first, in pages.
func (m *Monitor) incidentsPage(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Readable(r)
	if err != nil {
		return err
	}
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 || page > 10000 {
			return web.BadRequest("page", "The page must be a number from 1")
		}
	}
	ctx, now, loc := r.Context(), m.now(), s.Location()
	var total int
	if err := m.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM monitor_incidents WHERE service_id = $1`, s.ID).Scan(&total); err != nil {
		return err
	}
	list, err := m.Incidents.List(ctx, s.ID, time.Time{}, page*incidentsPerPage)
	if err != nil {
		return err
	}
	checks, err := m.checksByID(r, s)
	if err != nil {
		return err
	}
	d := incidentsData{Service: s, Base: monitorBase(s), Zone: loc.String(), CanWrite: canWrite(r, s), Page: page,
		Pages: max(1, (total+incidentsPerPage-1)/incidentsPerPage)}
	for i := (page - 1) * incidentsPerPage; i < len(list); i++ {
		d.Incidents = append(d.Incidents, m.incidentRow(s, list[i], checks, loc, now))
	}
	if page > 1 {
		d.Prev = fmt.Sprintf("%s/incidents?page=%d", d.Base, page-1)
	}
	if page < d.Pages {
		d.Next = fmt.Sprintf("%s/incidents?page=%d", d.Base, page+1)
	}
	return m.pages.Render(w, r, http.StatusOK, "monitor/incidents", d, nil)
}

func (m *Monitor) checksByID(r *http.Request, s *catalog.Service) (map[int64]*Check, error) {
	list, err := m.Checks.List(r.Context(), s.ID)
	out := map[int64]*Check{}
	for _, c := range list {
		out[c.ID] = c
	}
	return out, err
}

// incidentForm is the form that opens an incident or posts an update.
type incidentForm struct {
	Title, Status, Impact, Body string
}

type incidentFormData struct {
	Service   *catalog.Service
	Base      string
	Form      incidentForm
	Statuses  []option
	Impacts   []option
	BodyLabel string
}

func (m *Monitor) renderNewIncident(w http.ResponseWriter, r *http.Request, s *catalog.Service, f incidentForm, status int, errs web.FormErrors) error {
	return m.pages.Render(w, r, status, "monitor/incident-new", incidentFormData{Service: s, Base: monitorBase(s), Form: f,
		Statuses: options(incidentStatuses[:3], statusLabels), Impacts: options(impacts, impactLabels), BodyLabel: "First update (optional)"}, errs)
}

// newIncidentPage answers GET …/monitor/incidents/new.
func (m *Monitor) newIncidentPage(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	return m.renderNewIncident(w, r, s, incidentForm{Status: "investigating", Impact: "partial"}, http.StatusOK, nil)
}

func readIncidentForm(r *http.Request) incidentForm {
	f := r.PostForm
	return incidentForm{Title: strings.TrimSpace(f.Get("title")), Status: f.Get("status"), Impact: f.Get("impact"), Body: strings.TrimSpace(f.Get("body"))}
}

// openIncident answers POST …/monitor/incidents/new.
func (m *Monitor) openIncident(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	f := readIncidentForm(r)
	in, err := m.Incidents.Open(r.Context(), s.ID, NewIncident(f))
	if status, errs, ok := formProblem(err); ok {
		return m.renderNewIncident(w, r, s, f, status, errs)
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "The incident is open.")
	return web.Redirect(w, r, incidentPath(s, in.ID))
}

type updateRow struct {
	Status, Body string
	At           When
}

type incidentData struct {
	Service   *catalog.Service
	Base      string
	Zone      string
	CanWrite  bool
	Incident  incidentRow
	Check     string
	Link      string
	Updates   []updateRow
	Form      incidentForm
	Statuses  []option
	Impacts   []option
	BodyLabel string
}

func (m *Monitor) renderIncident(w http.ResponseWriter, r *http.Request, s *catalog.Service, in *Incident, f incidentForm, status int, errs web.FormErrors) error {
	ctx, now, loc := r.Context(), m.now(), s.Location()
	d := incidentData{Service: s, Base: monitorBase(s), Zone: loc.String(), CanWrite: canWrite(r, s), Form: f,
		Statuses: options(incidentStatuses, statusLabels), Impacts: options(impacts, impactLabels), BodyLabel: "Update"}
	checks := map[int64]*Check{}
	if in.CheckID != 0 {
		if c, err := m.Checks.Get(ctx, s.ID, in.CheckID); err == nil {
			checks[c.ID] = c
			d.Link = checkPath(s, c.ID)
		}
	}
	d.Incident = m.incidentRow(s, in, checks, loc, now)
	for _, u := range in.Updates {
		d.Updates = append(d.Updates, updateRow{Status: statusLabels[u.Status], Body: u.Body, At: when(u.At, loc)})
	}
	return m.pages.Render(w, r, status, "monitor/incident", d, errs)
}

// incidentOf reads the incident the path names.
func (m *Monitor) incidentOf(r *http.Request, write bool) (*Incident, *catalog.Service, error) {
	s, err := m.service(r, write)
	if err != nil {
		return nil, nil, err
	}
	id, err := pathID(r, "incident")
	if err != nil {
		return nil, nil, err
	}
	in, err := m.Incidents.Get(r.Context(), s.ID, id)
	return in, s, err
}

// incidentPage answers GET …/monitor/incidents/{id}: its timeline, and the
// form to post an update.
func (m *Monitor) incidentPage(w http.ResponseWriter, r *http.Request) error {
	in, s, err := m.incidentOf(r, false)
	if err != nil {
		return err
	}
	return m.renderIncident(w, r, s, in, incidentForm{Status: in.Status, Impact: in.Impact}, http.StatusOK, nil)
}

// postIncidentUpdate answers POST …/monitor/incidents/{id}.
func (m *Monitor) postIncidentUpdate(w http.ResponseWriter, r *http.Request) error {
	in, s, err := m.incidentOf(r, true)
	if err != nil {
		return err
	}
	f := readIncidentForm(r)
	_, err = m.Incidents.Post(r.Context(), s.ID, in.ID, f.Status, f.Impact, f.Body)
	if status, errs, ok := formProblem(err); ok {
		return m.renderIncident(w, r, s, in, f, status, errs)
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "The update is posted.")
	return web.Redirect(w, r, incidentPath(s, in.ID))
}
