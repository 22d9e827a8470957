package monitor

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/web"
)

// maintenancePages registers the maintenance windows' page under base.
func (m *Monitor) maintenancePages(rt *web.Router, base string) {
	rt.Page("GET "+base+"/maintenance", m.maintenancePage)
	rt.Page("POST "+base+"/maintenance", m.addMaintenance)
	rt.Page("POST "+base+"/maintenance/{id}/delete", m.deleteMaintenance)
}

// sortWindows splits a service's windows into those under way, those to
// come (by their next start) and those over.
func sortWindows(list []*Window, loc *time.Location, now time.Time) (current, upcoming, past []windowRow) {
	for _, w := range list {
		row := windowRow{ID: w.ID, Title: w.Title, Repeat: repeats[w.Repeat], Starts: when(w.Starts, loc), Ends: when(w.Ends, loc)}
		start, end := w.Next(now)
		switch {
		case start.IsZero():
			past = append(past, row)
		case w.Covers(now) || !start.After(now):
			row.Current, row.NextStart, row.Until = true, when(start, loc), when(end, loc)
			current = append(current, row)
		default:
			row.NextStart, row.Until = when(start, loc), when(end, loc)
			upcoming = append(upcoming, row)
		}
	}
	slices.SortFunc(upcoming, func(a, b windowRow) int { return strings.Compare(a.NextStart.ISO, b.NextStart.ISO) })
	return current, upcoming, past
}

// windowForm is the form that plans a window, as typed.
type windowForm struct {
	Title, Starts, Ends, Repeat string
}

type maintenanceData struct {
	Service  *catalog.Service
	Base     string
	Zone     string
	CanWrite bool
	Parts    []windowPart
	Form     windowForm
	Repeats  []option
}

// windowPart is one list of the page: under way, to come, over.
type windowPart struct {
	ID, Heading, Empty string
	Rows               []windowRow
}

func (m *Monitor) renderMaintenance(w http.ResponseWriter, r *http.Request, s *catalog.Service, f windowForm, status int, errs web.FormErrors) error {
	list, err := m.Maintenance.List(r.Context(), s.ID)
	if err != nil {
		return err
	}
	loc := s.Location()
	d := maintenanceData{Service: s, Base: monitorBase(s), Zone: loc.String(), CanWrite: canWrite(r, s), Form: f,
		Repeats: options([]string{"", "daily", "weekly"}, repeats)}
	cur, next, past := sortWindows(list, loc, m.now())
	d.Parts = []windowPart{{"current", "Under way", "No maintenance is under way.", cur}, {"upcoming", "Planned", "No maintenance is planned.", next},
		{"past", "Over", "No maintenance is over yet.", past}}
	return m.pages.Render(w, r, status, "monitor/maintenance", d, errs)
}

// maintenancePage answers GET …/monitor/maintenance: the windows under
// way, to come and over, and the form to plan one.
func (m *Monitor) maintenancePage(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Readable(r)
	if err != nil {
		return err
	}
	return m.renderMaintenance(w, r, s, windowForm{}, http.StatusOK, nil)
}

// localTime reads a datetime-local field in the service's time zone.
func localTime(field, v string, loc *time.Location) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), loc)
	if err != nil {
		return time.Time{}, fault.Invalidf(field, "Enter a date and time such as 2026-12-24T22:00")
	}
	return t, nil
}

// addMaintenance answers POST …/monitor/maintenance.
func (m *Monitor) addMaintenance(w http.ResponseWriter, r *http.Request) error {
	s, err := m.cat.Writable(r, cannotChange)
	if err != nil {
		return err
	}
	p := r.PostForm
	f := windowForm{Title: strings.TrimSpace(p.Get("title")), Starts: p.Get("starts"), Ends: p.Get("ends"), Repeat: p.Get("repeat")}
	win := &Window{ServiceID: s.ID, Title: f.Title, Repeat: f.Repeat}
	if win.Starts, err = localTime("starts", f.Starts, s.Location()); err == nil {
		if win.Ends, err = localTime("ends", f.Ends, s.Location()); err == nil {
			err = m.Maintenance.Add(r.Context(), win)
		}
	}
	if status, errs, ok := formProblem(err); ok {
		return m.renderMaintenance(w, r, s, f, status, errs)
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "The maintenance window "+win.Title+" is planned.")
	return web.Redirect(w, r, monitorBase(s)+"/maintenance")
}

// deleteMaintenance answers POST …/monitor/maintenance/{id}/delete.
func (m *Monitor) deleteMaintenance(w http.ResponseWriter, r *http.Request) error {
	s, err := m.deleteWindow(r)
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "The maintenance window is deleted.")
	return web.Redirect(w, r, monitorBase(s)+"/maintenance")
}
