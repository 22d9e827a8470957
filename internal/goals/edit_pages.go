package goals

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

type goalEditData struct {
	Service  *catalog.Service
	Goal     Goal
	GoalForm goalForm
}

// goalFor finds the goal in the path among the service's, or a 404.
func (h *Handler) goalFor(r *http.Request, s *catalog.Service) (Goal, error) {
	id, err := web.PathID(r, "goal")
	if err != nil {
		return Goal{}, err
	}
	g, err := h.goals.Goal(r.Context(), s.ID, id)
	return g, web.NotFoundAs(err, "goal")
}

// formInput is what a posted goal form asks for: the kind picks its field.
func formInput(r *http.Request) (goalForm, GoalInput) {
	f := goalForm{
		GoalType: r.PostFormValue("goal_type"), PagePath: r.PostFormValue("page_path"),
		EventName: r.PostFormValue("event_name"), DisplayName: r.PostFormValue("display_name"),
	}
	in := GoalInput{GoalType: Kind(f.GoalType), DisplayName: f.DisplayName}
	switch in.GoalType {
	case KindPage:
		in.PagePath = f.PagePath
	case KindEvent:
		in.EventName = f.EventName
	}
	return f, in
}

func (h *Handler) editGoalPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	g, err := h.goalFor(r, s)
	if err != nil {
		return err
	}
	f := goalForm{GoalType: string(g.Kind), PagePath: g.PagePath, EventName: g.EventName, DisplayName: g.DisplayName}
	return h.pages.Render(w, r, http.StatusOK, "goals/goal-edit", goalEditData{Service: s, Goal: g, GoalForm: f}, nil)
}

func (h *Handler) updateGoal(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	g, err := h.goalFor(r, s)
	if err != nil {
		return err
	}
	f, in := formInput(r)
	_, err = h.goals.UpdateGoal(r.Context(), s.ID, g.ID, in)
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		return h.pages.Render(w, r, ie.Status, "goals/goal-edit", goalEditData{Service: s, Goal: g, GoalForm: f}, ie.Errors)
	}
	if err != nil {
		return web.NotFoundAs(err, "goal")
	}
	web.SetFlash(w, r, "The goal is saved.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/goals#goal-"+strconv.FormatInt(g.ID, 10))
}

// apiUpdateGoal replaces a goal's fields, as the create call takes them.
func (h *Handler) apiUpdateGoal(w http.ResponseWriter, r *http.Request) error {
	s, id, err := h.writableID(r, "goal")
	if err != nil {
		return err
	}
	var in GoalInput
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &in); err != nil {
		return err
	}
	g, err := h.goals.UpdateGoal(r.Context(), s.ID, id, in)
	if err != nil {
		return web.NotFoundAs(err, "goal")
	}
	web.WriteJSON(w, http.StatusOK, toAPIGoal(g))
	return nil
}
