package goals

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// goalForm is the add-goal form as the user filled it in.
type goalForm struct {
	GoalType    string
	PagePath    string
	EventName   string
	DisplayName string
}

// funnelForm is the add-funnel form as the user filled it in: the name and
// the goal chosen in each of the MaxSteps step menus ("" for none).
type funnelForm struct {
	Name  string
	Steps [MaxSteps]string
}

// goalRow is a goal in the page's table.
type goalRow struct {
	Goal
	UsedBy []string // the funnels it is a step of
}

type indexData struct {
	Service     *catalog.Service
	CanWrite    bool
	Goals       []goalRow
	Funnels     []*Funnel
	GoalForm    goalForm
	FunnelForm  funnelForm
	StepNumbers []int
}

func (h *Handler) indexData(r *http.Request, s *catalog.Service) (*indexData, error) {
	goals, err := h.goals.List(r.Context(), s.ID)
	if err != nil {
		return nil, err
	}
	funnels, err := h.goals.Funnels(r.Context(), s.ID)
	if err != nil {
		return nil, err
	}
	used := map[int64][]string{}
	for _, f := range funnels {
		for _, g := range f.Steps {
			used[g.ID] = append(used[g.ID], f.Name)
		}
	}
	d := &indexData{Service: s, CanWrite: auth.From(r.Context()).CanWrite(s.ID), Funnels: funnels,
		GoalForm: goalForm{GoalType: string(KindPage)}}
	for _, g := range goals {
		d.Goals = append(d.Goals, goalRow{Goal: g, UsedBy: used[g.ID]})
	}
	for i := range MaxSteps {
		d.StepNumbers = append(d.StepNumbers, i+1)
	}
	return d, nil
}

// indexPage lists the service's goals and funnels, with the forms to add
// them for those who may.
func (h *Handler) indexPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	d, err := h.indexData(r, s)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "goals/index", d, nil)
}

// rerender shows the page again with a form's problems, keeping what the
// user typed.
func (h *Handler) rerender(w http.ResponseWriter, r *http.Request, s *catalog.Service, status int, errs web.FormErrors, fill func(*indexData)) error {
	d, err := h.indexData(r, s)
	if err != nil {
		return err
	}
	fill(d)
	return h.pages.Render(w, r, status, "goals/index", d, errs)
}

func (h *Handler) createGoal(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	f, in := formInput(r)
	g, err := h.goals.CreateGoal(r.Context(), s.ID, in)
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		return h.rerender(w, r, s, ie.Status, ie.Errors, func(d *indexData) { d.GoalForm = f })
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "The goal “"+g.DisplayName+"” is added.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/goals")
}

func (h *Handler) deleteGoal(w http.ResponseWriter, r *http.Request) error {
	s, id, err := h.writableID(r, "goal")
	if err != nil {
		return err
	}
	g, err := h.goals.Goal(r.Context(), s.ID, id)
	if err != nil {
		return web.NotFoundAs(err, "goal")
	}
	err = h.goals.DeleteGoal(r.Context(), s.ID, id)
	if inUse := (*InUseError)(nil); errors.As(err, &inUse) {
		errs := web.FormErrors{{Field: fmt.Sprintf("goal-%d", id), Message: inUse.Message()}}
		return h.rerender(w, r, s, http.StatusConflict, errs, func(*indexData) {})
	}
	if err != nil {
		return web.NotFoundAs(err, "goal")
	}
	web.SetFlash(w, r, "The goal “"+g.DisplayName+"” is deleted.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/goals")
}

// readFunnelForm is what a posted funnel form asks for, with the errors
// that only the form can make (too many steps, a gap between them).
func readFunnelForm(r *http.Request) (funnelForm, FunnelInput, web.FormErrors) {
	f := funnelForm{Name: r.PostFormValue("name")}
	copy(f.Steps[:], r.PostForm["steps"])
	in := FunnelInput{Name: f.Name}
	var errs web.FormErrors
	if len(r.PostForm["steps"]) > MaxSteps {
		errs.Add("steps-1", fmt.Sprintf("Choose at most %d steps", MaxSteps))
	}
	// Menus are numbered as the steps are, so only the last ones may be
	// left empty: a gap would renumber the steps after it.
	gap := 0
	for i, v := range f.Steps {
		if v == "" {
			if gap == 0 {
				gap = i + 1
			}
			continue
		}
		if gap > 0 {
			errs.Add(fmt.Sprintf("steps-%d", gap), fmt.Sprintf("Choose a goal for step %d, or move the later steps up", gap))
			gap = -1
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs.Add(fmt.Sprintf("steps-%d", i+1), fmt.Sprintf("Step %d is not one of the service’s goals", i+1))
			continue
		}
		in.Steps = append(in.Steps, id)
	}
	return f, in, errs
}

// stepErrors puts the store's errors about the steps as a whole on the
// first step's menu, where the error summary can link to.
func stepErrors(errs web.FormErrors, ie *InputError) web.FormErrors {
	for _, fe := range ie.Errors {
		if fe.Field == "steps" {
			fe.Field = "steps-1"
		}
		errs = append(errs, fe)
	}
	return errs
}

func (h *Handler) createFunnel(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	f, in, errs := readFunnelForm(r)
	if len(errs) > 0 {
		return h.rerender(w, r, s, http.StatusBadRequest, errs, func(d *indexData) { d.FunnelForm = f })
	}
	fn, err := h.goals.CreateFunnel(r.Context(), s.ID, in)
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		return h.rerender(w, r, s, ie.Status, stepErrors(errs, ie), func(d *indexData) { d.FunnelForm = f })
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "The funnel “"+fn.Name+"” is added.")
	return web.Redirect(w, r, fmt.Sprintf("/services/%s/funnels/%d", s.Slug, fn.ID))
}

func (h *Handler) deleteFunnel(w http.ResponseWriter, r *http.Request) error {
	s, id, err := h.writableID(r, "funnel")
	if err != nil {
		return err
	}
	f, err := h.goals.FunnelByID(r.Context(), s.ID, id)
	if err != nil {
		return web.NotFoundAs(err, "funnel")
	}
	if err := h.goals.DeleteFunnel(r.Context(), s.ID, id); err != nil {
		return web.NotFoundAs(err, "funnel")
	}
	web.SetFlash(w, r, "The funnel “"+f.Name+"” is deleted. Its goals are kept.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/goals")
}
