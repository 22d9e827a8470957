package goals

import (
	"net/http"
	"strconv"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/web"
)

// apiGoal is a goal as the JSON API shows it: the fields of Plausible's
// goals API, with null for the other kind's field.
type apiGoal struct {
	ID          int64   `json:"id"`
	GoalType    Kind    `json:"goal_type"`
	PagePath    *string `json:"page_path"`
	EventName   *string `json:"event_name"`
	DisplayName string  `json:"display_name"`
}

func toAPIGoal(g Goal) apiGoal {
	out := apiGoal{ID: g.ID, GoalType: g.Kind, DisplayName: g.DisplayName}
	if g.Kind == KindPage {
		out.PagePath = &g.PagePath
	} else {
		out.EventName = &g.EventName
	}
	return out
}

type apiFunnel struct {
	ID    int64     `json:"id"`
	Name  string    `json:"name"`
	Steps []apiGoal `json:"steps"`
}

func toAPIFunnel(f *Funnel) apiFunnel {
	out := apiFunnel{ID: f.ID, Name: f.Name, Steps: make([]apiGoal, len(f.Steps))}
	for i, g := range f.Steps {
		out.Steps[i] = toAPIGoal(g)
	}
	return out
}

// apiListGoals answers GET /api/v1/services/{slug}/goals.
func (h *Handler) apiListGoals(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	list, err := h.goals.List(r.Context(), s.ID)
	if err != nil {
		return err
	}
	out := make([]apiGoal, len(list))
	for i, g := range list {
		out[i] = toAPIGoal(g)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"goals": out})
	return nil
}

// apiCreateGoal answers POST /api/v1/services/{slug}/goals with the new
// goal (201).
func (h *Handler) apiCreateGoal(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	var in GoalInput
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &in); err != nil {
		return err
	}
	// The form sends both fields and the kind picks one; a program that
	// sends the other kind's field has made a mistake worth hearing about.
	switch {
	case in.GoalType == KindPage && in.EventName != "":
		return web.BadRequest("event_name", "a page goal has no event_name: send page_path only, or goal_type event")
	case in.GoalType == KindEvent && in.PagePath != "":
		return web.BadRequest("page_path", "an event goal has no page_path: send event_name only, or goal_type page")
	case in.GoalType == "" && in.PagePath != "" && in.EventName != "":
		return web.BadRequest("goal_type", "send goal_type (page or event) with either page_path or event_name")
	}
	g, err := h.goals.CreateGoal(r.Context(), s.ID, in)
	if err != nil {
		return err // an *InputError unwraps to the 400 or 409 naming its field
	}
	w.Header().Set("Location", "/api/v1/services/"+s.Slug+"/goals")
	web.WriteJSON(w, http.StatusCreated, toAPIGoal(g))
	return nil
}

// apiDeleteGoal answers DELETE /api/v1/services/{slug}/goals/{id}: 204, or
// 409 naming the funnels that use the goal.
func (h *Handler) apiDeleteGoal(w http.ResponseWriter, r *http.Request) error {
	s, id, err := h.writableID(r, "goal")
	if err != nil {
		return err
	}
	if err := h.goals.DeleteGoal(r.Context(), s.ID, id); err != nil {
		return web.NotFoundAs(err, "goal")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiListFunnels answers GET /api/v1/services/{slug}/funnels.
func (h *Handler) apiListFunnels(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	list, err := h.goals.Funnels(r.Context(), s.ID)
	if err != nil {
		return err
	}
	out := make([]apiFunnel, len(list))
	for i, f := range list {
		out[i] = toAPIFunnel(f)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"funnels": out})
	return nil
}

// apiCreateFunnel answers POST /api/v1/services/{slug}/funnels with the new
// funnel (201).
func (h *Handler) apiCreateFunnel(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	var in FunnelInput
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &in); err != nil {
		return err
	}
	f, err := h.goals.CreateFunnel(r.Context(), s.ID, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/services/"+s.Slug+"/funnels/"+strconv.FormatInt(f.ID, 10))
	web.WriteJSON(w, http.StatusCreated, toAPIFunnel(f))
	return nil
}

// apiDeleteFunnel answers DELETE /api/v1/services/{slug}/funnels/{id}.
func (h *Handler) apiDeleteFunnel(w http.ResponseWriter, r *http.Request) error {
	s, id, err := h.writableID(r, "funnel")
	if err != nil {
		return err
	}
	if err := h.goals.DeleteFunnel(r.Context(), s.ID, id); err != nil {
		return web.NotFoundAs(err, "funnel")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type apiStep struct {
	Step               int     `json:"step"`
	Label              string  `json:"label"`
	Goal               apiGoal `json:"goal"`
	Visitors           int     `json:"visitors"`
	ConversionRate     float64 `json:"conversion_rate"`
	ConversionRateStep float64 `json:"conversion_rate_step"`
	Dropoff            int     `json:"dropoff"`
	DropoffPercentage  float64 `json:"dropoff_percentage"`
}

type apiReport struct {
	Funnel            apiFunnel `json:"funnel"`
	From              string    `json:"from"`
	To                string    `json:"to"`
	EnteringVisitors  int       `json:"entering_visitors"`
	CompletedVisitors int       `json:"completed_visitors"`
	ConversionRate    float64   `json:"conversion_rate"`
	Steps             []apiStep `json:"steps"`
	// UnknownDays are days retention deleted before they were counted: the
	// figures leave them out, and UnknownReason says so (null when none).
	UnknownDays   []string `json:"unknown_days"`
	UnknownReason *string  `json:"unknown_reason"`
}

// apiFunnelReport answers GET /api/v1/services/{slug}/funnels/{id}?from=…&to=…
// with the funnel and its report: dates in the service's time zone, both
// included; without them, the last 30 whole days. Step figures have
// Plausible's names (visitors, conversion_rate, conversion_rate_step,
// dropoff, dropoff_percentage), as numbers rather than its strings.
func (h *Handler) apiFunnelReport(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	id, err := web.PathID(r, "funnel")
	if err != nil {
		return err
	}
	first, last, err := h.apiDates(r, s)
	if err != nil {
		return err
	}
	loc := s.Location()
	rep, err := h.goals.Funnel(r.Context(), s.ID, id, first.Start(loc), last.AddDays(1).Start(loc))
	if err != nil {
		return web.NotFoundAs(err, "funnel")
	}
	out := apiReport{
		Funnel: toAPIFunnel(rep.Funnel), From: first.String(), To: last.String(),
		EnteringVisitors: rep.Entered(), CompletedVisitors: rep.Completed(), ConversionRate: rep.ConversionRate(),
		Steps: make([]apiStep, len(rep.Steps)), UnknownDays: []string{},
	}
	for _, d := range rep.UnknownDays {
		out.UnknownDays = append(out.UnknownDays, d.String())
	}
	if rep.UnknownReason != "" {
		out.UnknownReason = &rep.UnknownReason
	}
	for i, st := range rep.Steps {
		out.Steps[i] = apiStep{
			Step: i + 1, Label: st.Goal.DisplayName, Goal: toAPIGoal(st.Goal), Visitors: st.Visitors,
			ConversionRate: st.ConversionRate, ConversionRateStep: st.ConversionRateStep,
			Dropoff: st.Dropoff, DropoffPercentage: st.DropoffRate,
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiDates reads ?from and ?to (YYYY-MM-DD, both included).
func (h *Handler) apiDates(r *http.Request, s *catalog.Service) (first, last statsquery.Date, err error) {
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" && to == "" {
		today := h.today(s)
		return today.AddDays(-30), today.AddDays(-1), nil
	}
	if from == "" {
		return first, last, web.BadRequest("from", "from is missing: give from and to as dates such as 2026-01-31")
	}
	if to == "" {
		return first, last, web.BadRequest("to", "to is missing: give from and to as dates such as 2026-01-31")
	}
	if first, err = parseDate("from", from); err != nil {
		return first, last, err
	}
	if last, err = parseDate("to", to); err != nil {
		return first, last, err
	}
	if last.Before(first) {
		return first, last, web.BadRequest("to", "to (%s) is before from (%s)", last, first)
	}
	if first.AddDays(MaxReportDays - 1).Before(last) {
		return first, last, web.BadRequest("to", "the period is longer than %d days: report on a shorter one", MaxReportDays)
	}
	return first, last, nil
}

func parseDate(field, v string) (statsquery.Date, error) {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return statsquery.Date{}, web.BadRequest(field, "%s must be a date such as 2026-01-31, not %q", field, clip(v))
	}
	return dateOf(t, time.UTC), nil
}
