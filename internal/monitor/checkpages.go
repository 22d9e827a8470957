package monitor

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// checkPages registers the team's pages of checks, incidents and
// maintenance.
func (m *Monitor) checkPages(rt *web.Router) {
	const base = "/services/{slug}/monitor"
	rt.Page("GET "+base, m.overview)
	rt.Page("GET "+base+"/checks/new", m.newCheckPage)
	rt.Page("POST "+base+"/checks/new", m.addCheck)
	rt.Page("GET "+base+"/checks/{id}", m.checkPage)
	rt.Page("GET "+base+"/checks/{id}/edit", m.editCheckPage)
	rt.Page("POST "+base+"/checks/{id}/edit", m.editCheck)
	rt.Page("POST "+base+"/checks/{id}/test", m.testCheck)
	rt.Page("POST "+base+"/checks/{id}/pause", m.pauseCheck)
	rt.Page("GET "+base+"/checks/{id}/delete", m.deleteCheckPage)
	rt.Page("POST "+base+"/checks/{id}/delete", m.deleteCheck)
	m.incidentPages(rt, base)
	m.maintenancePages(rt, base)
}

// monitorBase is the path of a service's monitor pages.
func monitorBase(s *catalog.Service) string { return "/services/" + s.Slug + "/monitor" }

func checkPath(s *catalog.Service, id int64) string {
	return monitorBase(s) + "/checks/" + strconv.FormatInt(id, 10)
}

// canWrite says whether the person may change the service's checks: the
// pages show the forms and buttons only then.
func canWrite(r *http.Request, s *catalog.Service) bool {
	return auth.From(r.Context()).CanWrite(s.ID)
}

// formProblem is err as the problem a form shows at its field, when it is
// one (an invalid or clashing input): its status and the form's errors.
func formProblem(err error) (int, web.FormErrors, bool) {
	e, ok := web.AsError(err)
	if !ok || (e.Status != http.StatusBadRequest && e.Status != http.StatusConflict) {
		return 0, nil, false
	}
	return e.Status, web.FormErrors{{Field: e.Field, Message: e.Message}}, true
}

// stateView is a check's state as the pages show it: text and an icon,
// never colour alone.
type stateView struct {
	Key, Label, Icon string
}

var stateViews = map[Status]stateView{
	Up:      {"up", "Up", "✓"},
	Down:    {"down", "Down", "✕"},
	Pending: {"pending", "Pending", "…"},
	Paused:  {"paused", "Paused", "‖"},
}

// checkRow is a check on the overview.
type checkRow struct {
	ID                       int64
	Name, Link, Type, Target string
	State                    stateView
	Reason                   string
	Up24, Up30, Up90, P95    string
	LastRun                  string
	LastRunAt                When
}

// failureRow is a recent failed run.
type failureRow struct {
	Check, Link string
	At          When
	Reason      string
}

// incidentRow is an incident in a list.
type incidentRow struct {
	ID                  int64
	Title, Link, Status string
	Impact, ImpactKey   string
	Started, Resolved   When
	Duration, Check     string
	Open                bool
	Latest              string
}

// windowRow is a maintenance window in a list.
type windowRow struct {
	ID               int64
	Title, Repeat    string
	Starts, Ends     When
	Current          bool
	NextStart, Until When
}

type overviewData struct {
	Service     *catalog.Service
	Base        string
	Zone        string
	CanWrite    bool
	Checks      []checkRow
	Open        []incidentRow
	Failures    []failureRow
	Maintenance []windowRow
	StatusPage  string
}

// overview answers GET /services/{slug}/monitor: every check with its
// state, uptime and response time, the open incidents, recent failures and
// the maintenance to come.
func (m *Monitor) overview(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Readable(r)
	if err != nil {
		return err
	}
	ctx, now, loc := r.Context(), m.now(), s.Location()
	checks, err := m.Checks.List(ctx, s.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(checks))
	names := map[int64]*Check{}
	for i, c := range checks {
		ids[i], names[c.ID] = c.ID, c
	}
	var sums [3]map[int64]Summary
	for i, back := range []time.Duration{24 * time.Hour, 30 * 24 * time.Hour, 90 * 24 * time.Hour} {
		if sums[i], err = Summaries(ctx, m.DB, ids, now.Add(-back), now); err != nil {
			return err
		}
	}
	d := overviewData{Service: s, Base: monitorBase(s), Zone: loc.String(), CanWrite: canWrite(r, s), StatusPage: "/status/" + s.Slug}
	for _, c := range checks {
		row := checkRow{ID: c.ID, Name: c.Name, Link: checkPath(s, c.ID), Type: typeLabels[c.Spec.Type], Target: c.Spec.Target,
			State: stateViews[c.State()], Reason: c.Reason, Up24: uptimeText(sums[0][c.ID]), Up30: uptimeText(sums[1][c.ID]),
			Up90: uptimeText(sums[2][c.ID]), P95: percentileText(sums[0][c.ID], 0.95), LastRun: agoText(now, c.LastRun), LastRunAt: when(c.LastRun, loc)}
		if c.Spec.Type == probe.Heartbeat {
			row.Target = "Called by a job every " + shortDuration(c.Interval)
		}
		d.Checks = append(d.Checks, row)
	}
	incidents, err := m.Incidents.List(ctx, s.ID, now, 50)
	if err != nil {
		return err
	}
	for _, in := range incidents {
		if in.Open() {
			d.Open = append(d.Open, m.incidentRow(s, in, names, loc, now))
		}
	}
	fails, err := recentFailures(ctx, m.DB, ids, now.Add(-7*24*time.Hour), 10)
	if err != nil {
		return err
	}
	for _, f := range fails {
		if c := names[f.CheckID]; c != nil {
			d.Failures = append(d.Failures, failureRow{Check: c.Name, Link: checkPath(s, c.ID), At: when(f.At, loc), Reason: f.Reason})
		}
	}
	windows, err := m.Maintenance.List(ctx, s.ID)
	if err != nil {
		return err
	}
	cur, next, _ := sortWindows(windows, loc, now)
	d.Maintenance = append(cur, next...)
	return m.pages.Render(w, r, http.StatusOK, "monitor/overview", d, nil)
}

// recentFailures are the latest failed runs of some checks since a time,
// out of maintenance, newest first.
func recentFailures(ctx context.Context, db *store.DB, ids []int64, since time.Time, limit int) ([]Result, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{since.UnixMilli(), limit}
	for _, id := range ids {
		args = append(args, id)
	}
	// The condition is written as the partial index monitor_results_failures
	// has it, so that the index serves.
	rows, err := db.QueryContext(ctx, `SELECT check_id, at_ms, reason FROM monitor_results WHERE at_ms >= $1 AND status <> 'up'
		AND NOT maintenance AND check_id IN (`+store.Placeholders(3, len(ids))+`) ORDER BY at_ms DESC LIMIT $2`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		var r Result
		var at int64
		if err := rows.Scan(&r.CheckID, &at, &r.Reason); err != nil {
			return nil, err
		}
		r.At = time.UnixMilli(at).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// resultRow is a run in a check's log.
type resultRow struct {
	At                           When
	State                        stateView
	Duration, Reason, Code       string
	DNS, Connect, TLS, FirstByte string
	Maintenance                  bool
	CertExpiry                   When
}

func resultRowOf(res Result, loc *time.Location) resultRow {
	row := resultRow{At: when(res.At, loc), State: stateViews[Status(res.Status)], Duration: msText(res.Duration), Reason: res.Reason,
		Maintenance: res.Maintenance, CertExpiry: when(res.CertExpiry, loc)}
	if res.StatusCode != 0 {
		row.Code = strconv.Itoa(res.StatusCode)
	}
	// A phase that did not happen (DNS for an address, TLS for plain
	// HTTP) is blank, not 0 ms.
	phase := func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return msText(d)
	}
	t := res.Timings
	row.DNS, row.Connect, row.TLS, row.FirstByte = phase(t.DNS), phase(t.Connect), phase(t.TLS), phase(t.FirstByte)
	return row
}

type checkData struct {
	Service   *catalog.Service
	Base      string
	Zone      string
	CanWrite  bool
	Check     *Check
	Self      string
	Doc       CheckDoc
	TypeLabel string
	State     stateView
	Since     When
	LastRun   string
	LastBeat  string
	Uptime    []figure
	Times     []figure
	Chart     *responseChart
	Results   []resultRow
	Older     string
	Newer     string
	Test      *resultRow // "Test now": a run not saved
	Incidents []incidentRow
}

type figure struct{ Label, Value string }

// logPage is how many results the log shows at a time.
const logPage = 50

// checkPage answers GET /services/{slug}/monitor/checks/{id}.
func (m *Monitor) checkPage(w http.ResponseWriter, r *http.Request) error {
	c, s, err := m.requestCheck(r, false)
	if err != nil {
		return err
	}
	return m.renderCheck(w, r, s, c, nil)
}

func (m *Monitor) renderCheck(w http.ResponseWriter, r *http.Request, s *catalog.Service, c *Check, test *Result) error {
	ctx, now, loc := r.Context(), m.now(), s.Location()
	q := r.URL.Query()
	p, ok := periodOf(q.Get("period"))
	if !ok {
		return web.BadRequest("period", "Choose a period of 24h, 7d, 30d or 90d")
	}
	var before time.Time
	if v := q.Get("before"); v != "" {
		var err error
		if before, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return web.BadRequest("before", "before must be a date-time such as 2026-12-01T10:00:00Z")
		}
	}
	self := checkPath(s, c.ID)
	d := checkData{Service: s, Base: monitorBase(s), Zone: loc.String(), CanWrite: canWrite(r, s), Check: c, Self: self, Doc: Doc(c),
		TypeLabel: typeLabels[c.Spec.Type], State: stateViews[c.State()], Since: when(c.Since, loc), LastRun: agoText(now, c.LastRun)}
	if c.Spec.Type == probe.Heartbeat {
		d.LastBeat = agoText(now, c.LastBeat)
	}
	for _, back := range []struct {
		label string
		d     time.Duration
	}{{"24 hours", 24 * time.Hour}, {"7 days", 7 * 24 * time.Hour}, {"30 days", 30 * 24 * time.Hour}, {"90 days", 90 * 24 * time.Hour}} {
		sums, err := Summaries(ctx, m.DB, []int64{c.ID}, now.Add(-back.d), now)
		if err != nil {
			return err
		}
		sum := sums[c.ID]
		d.Uptime = append(d.Uptime, figure{back.label, uptimeText(sum)})
		if back.label == p.Label {
			d.Times = []figure{{"Median (p50)", percentileText(sum, 0.5)}, {"95th percentile (p95)", percentileText(sum, 0.95)},
				{"99th percentile (p99)", percentileText(sum, 0.99)}, {"Runs", thousands(sum.Runs())}}
		}
	}
	var err error
	if d.Chart, err = m.chart(ctx, c, p, self, loc, now); err != nil {
		return err
	}
	results, err := ListResults(ctx, m.DB, c.ID, before, logPage+1)
	if err != nil {
		return err
	}
	keep := "?period=" + p.Key + "&"
	if len(results) > logPage {
		results = results[:logPage]
		d.Older = self + keep + "before=" + results[logPage-1].At.Format(time.RFC3339Nano) + "#log-heading"
	}
	if !before.IsZero() {
		d.Newer = self + "?period=" + p.Key + "#log-heading"
	}
	for _, res := range results {
		d.Results = append(d.Results, resultRowOf(res, loc))
	}
	if test != nil {
		row := resultRowOf(*test, loc)
		d.Test = &row
	}
	incidents, err := m.Incidents.List(ctx, s.ID, now.Add(-90*24*time.Hour), 200)
	if err != nil {
		return err
	}
	for _, in := range incidents {
		if in.CheckID == c.ID && len(d.Incidents) < 5 {
			d.Incidents = append(d.Incidents, m.incidentRow(s, in, map[int64]*Check{c.ID: c}, loc, now))
		}
	}
	return m.pages.Render(w, r, http.StatusOK, "monitor/check", d, nil)
}

// newCheckPage answers GET …/monitor/checks/new?type=: the form of the
// type chosen.
func (m *Monitor) newCheckPage(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	return m.renderCheckForm(w, r, s, nil, newCheckForm(r.URL.Query().Get("type")), http.StatusOK, nil)
}

type heartbeatData struct {
	Service *catalog.Service
	Base    string
	Check   *Check
	Link    string
	URL     string
}

// addCheck answers POST …/monitor/checks/new: 303 to the check's page, the
// form again with its problems, or for a heartbeat its address, shown once.
func (m *Monitor) addCheck(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	t := r.PostForm.Get("type")
	if !validType(probe.Type(t)) {
		t = string(probe.HTTP)
	}
	f := readCheckForm(r.PostForm, t)
	doc, errs := f.doc()
	if len(errs) > 0 {
		return m.renderCheckForm(w, r, s, nil, f, http.StatusBadRequest, errs)
	}
	c, token, err := m.add(r.Context(), s, doc)
	if status, errs, ok := formProblem(err); ok {
		return m.renderCheckForm(w, r, s, nil, f, status, errs)
	}
	if err != nil {
		return err
	}
	if token != "" {
		return m.pages.Render(w, r, http.StatusCreated, "monitor/heartbeat", heartbeatData{Service: s, Base: monitorBase(s), Check: c,
			Link: checkPath(s, c.ID), URL: m.heartbeatURL(r, token)}, nil)
	}
	web.SetFlash(w, r, fmt.Sprintf("The check %s is added. Its first run is within %s.", c.Name, shortDuration(c.Interval)))
	return web.Redirect(w, r, checkPath(s, c.ID))
}

// editCheckPage answers GET …/checks/{id}/edit.
func (m *Monitor) editCheckPage(w http.ResponseWriter, r *http.Request) error {
	c, s, err := m.requestCheck(r, true)
	if err != nil {
		return err
	}
	return m.renderCheckForm(w, r, s, c, checkFormOf(c), http.StatusOK, nil)
}

// editCheck answers POST …/checks/{id}/edit through the API's update.
func (m *Monitor) editCheck(w http.ResponseWriter, r *http.Request) error {
	old, s, err := m.requestCheck(r, true)
	if err != nil {
		return err
	}
	f := readCheckForm(r.PostForm, string(old.Spec.Type))
	doc, errs := f.doc()
	if len(errs) > 0 {
		return m.renderCheckForm(w, r, s, old, f, http.StatusBadRequest, errs)
	}
	doc.Paused = old.Paused
	c, err := m.update(r.Context(), s, old.ID, doc)
	if status, errs, ok := formProblem(err); ok {
		return m.renderCheckForm(w, r, s, old, f, status, errs)
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "The check "+c.Name+" is saved.")
	return web.Redirect(w, r, checkPath(s, c.ID))
}

// testCheck answers POST …/checks/{id}/test: runs the check now and shows
// what it found on its page, without saving it.
func (m *Monitor) testCheck(w http.ResponseWriter, r *http.Request) error {
	c, s, err := m.requestCheck(r, true)
	if err != nil {
		return err
	}
	res := m.testNow(r.Context(), c)
	return m.renderCheck(w, r, s, c, &res)
}

// pauseCheck answers POST …/checks/{id}/pause: pauses a running check or
// resumes a paused one.
func (m *Monitor) pauseCheck(w http.ResponseWriter, r *http.Request) error {
	c, s, err := m.requestCheck(r, true)
	if err != nil {
		return err
	}
	d := Doc(c)
	d.Paused = r.PostForm.Get("paused") == "yes"
	if _, err := m.update(r.Context(), s, c.ID, d); err != nil {
		return err
	}
	msg := "The check " + c.Name + " is paused: it does not run until you resume it."
	if !d.Paused {
		msg = "The check " + c.Name + " runs again."
	}
	web.SetFlash(w, r, msg)
	return web.Redirect(w, r, checkPath(s, c.ID))
}

type deleteData struct {
	Service *catalog.Service
	Check   *Check
	Link    string
	Results string
}

// deleteCheckPage answers GET …/checks/{id}/delete: are you sure?
func (m *Monitor) deleteCheckPage(w http.ResponseWriter, r *http.Request) error {
	c, s, err := m.requestCheck(r, true)
	if err != nil {
		return err
	}
	var n int64
	if err := m.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM monitor_results WHERE check_id = $1`, c.ID).Scan(&n); err != nil {
		return err
	}
	return m.pages.Render(w, r, http.StatusOK, "monitor/check-delete", deleteData{Service: s, Check: c, Link: checkPath(s, c.ID), Results: thousands(n)}, nil)
}

// deleteCheck answers POST …/checks/{id}/delete.
func (m *Monitor) deleteCheck(w http.ResponseWriter, r *http.Request) error {
	c, s, err := m.requestCheck(r, true)
	if err != nil {
		return err
	}
	if err := m.Checks.Delete(r.Context(), s.ID, c.ID); err != nil {
		return err
	}
	web.SetFlash(w, r, "The check "+c.Name+" is deleted, with its results.")
	return web.Redirect(w, r, monitorBase(s))
}
