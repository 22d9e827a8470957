package monitor

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/web"
)

const cannotChange = "You can see this service’s checks but not change them."

func (m *Monitor) apiRoutes(rt *web.Router) {
	rt.API("GET /api/v1/services/{slug}/checks", m.apiList)
	rt.API("POST /api/v1/services/{slug}/checks", m.apiAdd)
	rt.API("GET /api/v1/services/{slug}/checks/{id}", m.apiGet)
	rt.API("PATCH /api/v1/services/{slug}/checks/{id}", m.apiPatch)
	rt.API("DELETE /api/v1/services/{slug}/checks/{id}", m.apiDelete)
	rt.API("POST /api/v1/services/{slug}/checks/{id}/run", m.apiRun)
	rt.API("GET /api/v1/services/{slug}/checks/{id}/results", m.apiResults)
	rt.API("GET /api/v1/services/{slug}/incidents", m.apiIncidents)
	rt.API("POST /api/v1/services/{slug}/incidents", m.apiOpenIncident)
	rt.API("POST /api/v1/services/{slug}/incidents/{id}/updates", m.apiPostUpdate)
	rt.API("GET /api/v1/services/{slug}/monitor/settings", m.apiSettings)
	rt.API("PATCH /api/v1/services/{slug}/monitor/settings", m.apiPatchSettings)
	rt.API("GET /api/v1/services/{slug}/maintenance", m.apiMaintenance)
	rt.API("POST /api/v1/services/{slug}/maintenance", m.apiAddMaintenance)
	rt.API("DELETE /api/v1/services/{slug}/maintenance/{id}", m.apiDeleteMaintenance)
	// A heartbeat's token is its credential: the job that calls it has no
	// API token, and the call says nothing but "I ran".
	for _, method := range []string{"POST", "GET", "HEAD"} {
		rt.Open(method+" /api/v1/heartbeat/{token}", m.site.Handle(m.heartbeat))
	}
}

// pathID reads the {id} of the path.
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.NotFoundf(what)
	}
	return id, nil
}

func (m *Monitor) apiList(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Readable(r)
	if err != nil {
		return err
	}
	list, err := m.Checks.List(r.Context(), s.ID)
	if err != nil {
		return err
	}
	docs := make([]CheckDoc, 0, len(list))
	for _, c := range list {
		docs = append(docs, Doc(c))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"checks": docs})
	return nil
}

func (m *Monitor) apiGet(w http.ResponseWriter, r *http.Request) error {
	c, _, err := m.requestCheck(r, false)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, Doc(c))
	return nil
}

// service is the service the path names, which the person or token may
// see (or change, when write is set).
func (m *Monitor) service(r *http.Request, write bool) (*catalog.Service, error) {
	if write {
		return m.cat.Writable(r, cannotChange)
	}
	return m.cat.Readable(r)
}

// requestCheck reads the check the path names, of a service the token may see
// (or change).
func (m *Monitor) requestCheck(r *http.Request, write bool) (*Check, *catalog.Service, error) {
	s, err := m.service(r, write)
	if err != nil {
		return nil, nil, err
	}
	id, err := pathID(r, "check")
	if err != nil {
		return nil, nil, err
	}
	c, err := m.Checks.Get(r.Context(), s.ID, id)
	return c, s, err
}

func (m *Monitor) apiAdd(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	var d CheckDoc
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &d); err != nil {
		return err
	}
	d.ID = 0
	c, token, err := m.add(r.Context(), s, d)
	if err != nil {
		return err
	}
	out := Doc(c)
	if token != "" {
		out.HeartbeatURL = m.heartbeatURL(r, token)
	}
	w.Header().Set("Location", "/api/v1/services/"+s.Slug+"/checks/"+strconv.FormatInt(c.ID, 10))
	web.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// add validates and saves a new check; its target must be one the server
// may probe.
func (m *Monitor) add(ctx context.Context, s *catalog.Service, d CheckDoc) (*Check, string, error) {
	c, err := Prepare(d, s.ID, m.probeOptions)
	if err != nil {
		return nil, "", err
	}
	token, err := m.Checks.Add(ctx, c)
	return c, token, err
}

func (m *Monitor) heartbeatURL(r *http.Request, token string) string {
	return web.Origin(r) + HeartbeatPath(token)
}

func (m *Monitor) apiPatch(w http.ResponseWriter, r *http.Request) error {
	old, s, err := m.requestCheck(r, true)
	if err != nil {
		return err
	}
	d := Doc(old)
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &d); err != nil {
		return err
	}
	c, err := m.update(r.Context(), s, old.ID, d)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, Doc(c))
	return nil
}

// update validates and saves new settings of a check (the whole document,
// as the API's PATCH and the edit page send it) and returns it as saved.
func (m *Monitor) update(ctx context.Context, s *catalog.Service, id int64, d CheckDoc) (*Check, error) {
	c, err := Prepare(d, s.ID, m.probeOptions)
	if err != nil {
		return nil, err
	}
	c.ID = id
	if err := m.Checks.Update(ctx, c); err != nil {
		return nil, err
	}
	return m.Checks.Get(ctx, s.ID, c.ID)
}

func (m *Monitor) apiDelete(w http.ResponseWriter, r *http.Request) error {
	c, s, err := m.requestCheck(r, true)
	if err != nil {
		return err
	}
	if err := m.Checks.Delete(r.Context(), s.ID, c.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// resultJSON is one result as the API writes it.
type resultJSON struct {
	Time        time.Time  `json:"time"`
	Status      string     `json:"status"`
	Maintenance bool       `json:"maintenance"`
	DurationMS  int64      `json:"duration_ms"`
	Reason      string     `json:"reason"`
	StatusCode  int        `json:"status_code,omitempty"`
	DNSMS       int64      `json:"dns_ms,omitempty"`
	ConnectMS   int64      `json:"connect_ms,omitempty"`
	TLSMS       int64      `json:"tls_ms,omitempty"`
	FirstByteMS int64      `json:"first_byte_ms,omitempty"`
	CertExpiry  *time.Time `json:"certificate_expires_at,omitempty"`
}

func toResultJSON(r Result) resultJSON {
	out := resultJSON{Time: r.At, Status: string(r.Status), Maintenance: r.Maintenance, DurationMS: r.Duration.Milliseconds(),
		Reason: r.Reason, StatusCode: r.StatusCode, DNSMS: r.Timings.DNS.Milliseconds(), ConnectMS: r.Timings.Connect.Milliseconds(),
		TLSMS: r.Timings.TLS.Milliseconds(), FirstByteMS: r.Timings.FirstByte.Milliseconds()}
	if !r.CertExpiry.IsZero() {
		out.CertExpiry = ptr(r.CertExpiry)
	}
	return out
}

// apiRun runs a check now ("test now") and answers its result, which is
// not stored: it says whether the settings work.
func (m *Monitor) apiRun(w http.ResponseWriter, r *http.Request) error {
	c, _, err := m.requestCheck(r, true)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toResultJSON(m.testNow(r.Context(), c)))
	return nil
}

// testNow runs a check once, outside its schedule.
func (m *Monitor) testNow(ctx context.Context, c *Check) Result {
	return m.Scheduler.runOne(ctx, c, time.Now())
}

func (m *Monitor) apiResults(w http.ResponseWriter, r *http.Request) error {
	c, _, err := m.requestCheck(r, false)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit := 100
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			return web.BadRequest("limit", "limit must be a number from 1 to 1000")
		}
	}
	var before time.Time
	if v := q.Get("before"); v != "" {
		if before, err = time.Parse(time.RFC3339, v); err != nil {
			return web.BadRequest("before", "before must be an ISO 8601 date-time such as 2026-12-01T10:00:00Z")
		}
	}
	list, err := ListResults(r.Context(), m.DB, c.ID, before, limit)
	if err != nil {
		return err
	}
	out := make([]resultJSON, 0, len(list))
	for _, res := range list {
		out = append(out, toResultJSON(res))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"results": out})
	return nil
}

// incidentJSON is an incident as the API writes it.
type incidentJSON struct {
	ID         int64        `json:"id"`
	Title      string       `json:"title"`
	Status     string       `json:"status"`
	Impact     string       `json:"impact"`
	CheckID    *int64       `json:"check_id"`
	StartedAt  time.Time    `json:"started_at"`
	ResolvedAt *time.Time   `json:"resolved_at"`
	Updates    []updateJSON `json:"updates"`
}

type updateJSON struct {
	Status string    `json:"status"`
	Body   string    `json:"body"`
	At     time.Time `json:"at"`
}

func toIncidentJSON(in *Incident) incidentJSON {
	out := incidentJSON{ID: in.ID, Title: in.Title, Status: in.Status, Impact: in.Impact, StartedAt: in.StartedAt, Updates: []updateJSON{}}
	if in.CheckID != 0 {
		out.CheckID = ptr(in.CheckID)
	}
	if !in.ResolvedAt.IsZero() {
		out.ResolvedAt = ptr(in.ResolvedAt)
	}
	for _, u := range in.Updates {
		out.Updates = append(out.Updates, updateJSON{u.Status, u.Body, u.At})
	}
	return out
}

func (m *Monitor) apiIncidents(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Readable(r)
	if err != nil {
		return err
	}
	list, err := m.Incidents.List(r.Context(), s.ID, time.Time{}, 200)
	if err != nil {
		return err
	}
	out := make([]incidentJSON, 0, len(list))
	for _, in := range list {
		out = append(out, toIncidentJSON(in))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"incidents": out})
	return nil
}

func (m *Monitor) apiOpenIncident(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	var in struct {
		Title  string `json:"title"`
		Status string `json:"status"`
		Impact string `json:"impact"`
		Body   string `json:"body"`
	}
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &in); err != nil {
		return err
	}
	inc, err := m.Incidents.Open(r.Context(), s.ID, NewIncident{Title: in.Title, Status: in.Status, Impact: in.Impact, Body: in.Body})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toIncidentJSON(inc))
	return nil
}

func (m *Monitor) apiPostUpdate(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	var in struct {
		Status string `json:"status"`
		Impact string `json:"impact"`
		Body   string `json:"body"`
	}
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &in); err != nil {
		return err
	}
	inc, err := m.Incidents.Post(r.Context(), s.ID, id, in.Status, in.Impact, in.Body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toIncidentJSON(inc))
	return nil
}

// windowJSON is a maintenance window as the API writes it.
type windowJSON struct {
	ID     int64     `json:"id,omitempty"`
	Title  string    `json:"title"`
	Starts time.Time `json:"starts_at"`
	Ends   time.Time `json:"ends_at"`
	Repeat string    `json:"repeat"`
}

func (m *Monitor) apiMaintenance(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Readable(r)
	if err != nil {
		return err
	}
	list, err := m.Maintenance.List(r.Context(), s.ID)
	if err != nil {
		return err
	}
	out := make([]windowJSON, 0, len(list))
	for _, win := range list {
		out = append(out, windowJSON{win.ID, win.Title, win.Starts, win.Ends, win.Repeat})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"maintenance": out})
	return nil
}

func (m *Monitor) apiAddMaintenance(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	var in windowJSON
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &in); err != nil {
		return err
	}
	win := &Window{ServiceID: s.ID, Title: in.Title, Starts: in.Starts, Ends: in.Ends, Repeat: in.Repeat}
	if err := m.Maintenance.Add(r.Context(), win); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, windowJSON{win.ID, win.Title, win.Starts, win.Ends, win.Repeat})
	return nil
}

func (m *Monitor) apiDeleteMaintenance(w http.ResponseWriter, r *http.Request) error {
	if _, err := m.deleteWindow(r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteWindow deletes the maintenance window the path names.
func (m *Monitor) deleteWindow(r *http.Request) (*catalog.Service, error) {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return nil, err
	}
	id, err := pathID(r, "maintenance window")
	if err != nil {
		return nil, err
	}
	return s, m.Maintenance.Delete(r.Context(), s.ID, id)
}

// heartbeat records a heartbeat check's call: 200 with the check's name,
// 404 for a token that is not a heartbeat's.
func (m *Monitor) heartbeat(w http.ResponseWriter, r *http.Request) error {
	c, err := m.Checks.ByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	now := time.Now()
	if err := m.Checks.Beat(r.Context(), c.ID, now); err != nil {
		return err
	}
	if c.Status == Down {
		// Back at once, not at the next interval (a day, for a nightly
		// job): the call is the proof.
		changes, err := writeResults(r.Context(), m.DB, []Result{{CheckID: c.ID, At: now.UTC(), Status: probe.Up,
			Maintenance: m.Maintenance.Active(c.ServiceID, now)}})
		if err != nil {
			return err
		}
		m.Incidents.Apply(r.Context(), changes)
	}
	if r.Method == http.MethodHead {
		return nil
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"check": c.Name, "status": "received"})
	return nil
}

// settingsJSON is a service's monitor settings.
type settingsJSON struct {
	ResultRetentionDays int `json:"result_retention_days"`
}

func (m *Monitor) apiSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Readable(r)
	if err != nil {
		return err
	}
	days, err := ResultDays(r.Context(), m.DB, s.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, settingsJSON{days})
	return nil
}

func (m *Monitor) apiPatchSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	days, err := ResultDays(r.Context(), m.DB, s.ID)
	if err != nil {
		return err
	}
	in := settingsJSON{days}
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &in); err != nil {
		return err
	}
	if err := SetResultDays(r.Context(), m.DB, s.ID, in.ResultRetentionDays); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, in)
	return nil
}
