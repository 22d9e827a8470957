package goals

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

type funnelEditData struct {
	Service     *catalog.Service
	Funnel      *Funnel
	Goals       []Goal
	FunnelForm  funnelForm
	StepNumbers []int
}

// funnelEdit is the edit page's data, the form holding f's name and steps.
func (h *Handler) funnelEdit(r *http.Request, s *catalog.Service) (*funnelEditData, error) {
	id, err := web.PathID(r, "funnel")
	if err != nil {
		return nil, err
	}
	f, err := h.goals.FunnelByID(r.Context(), s.ID, id)
	if err != nil {
		return nil, web.NotFoundAs(err, "funnel")
	}
	goals, err := h.goals.List(r.Context(), s.ID)
	if err != nil {
		return nil, err
	}
	d := &funnelEditData{Service: s, Funnel: f, Goals: goals, FunnelForm: funnelForm{Name: f.Name}}
	for i, g := range f.Steps {
		d.FunnelForm.Steps[i] = strconv.FormatInt(g.ID, 10)
	}
	for i := range MaxSteps {
		d.StepNumbers = append(d.StepNumbers, i+1)
	}
	return d, nil
}

func (h *Handler) editFunnelPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	d, err := h.funnelEdit(r, s)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "goals/funnel-edit", d, nil)
}

func (h *Handler) updateFunnel(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	d, err := h.funnelEdit(r, s)
	if err != nil {
		return err
	}
	form, in, errs := readFunnelForm(r)
	d.FunnelForm = form
	if len(errs) > 0 {
		return h.pages.Render(w, r, http.StatusBadRequest, "goals/funnel-edit", d, errs)
	}
	f, err := h.goals.UpdateFunnel(r.Context(), s.ID, d.Funnel.ID, in)
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		return h.pages.Render(w, r, ie.Status, "goals/funnel-edit", d, stepErrors(errs, ie))
	}
	if err != nil {
		return web.NotFoundAs(err, "funnel")
	}
	web.SetFlash(w, r, "The funnel “"+f.Name+"” is saved.")
	return web.Redirect(w, r, fmt.Sprintf("/services/%s/funnels/%d", s.Slug, f.ID))
}

// apiUpdateFunnel replaces a funnel's name and steps, as the create call
// takes them.
func (h *Handler) apiUpdateFunnel(w http.ResponseWriter, r *http.Request) error {
	s, id, err := h.writableID(r, "funnel")
	if err != nil {
		return err
	}
	var in FunnelInput
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &in); err != nil {
		return err
	}
	f, err := h.goals.UpdateFunnel(r.Context(), s.ID, id, in)
	if err != nil {
		return web.NotFoundAs(err, "funnel")
	}
	web.WriteJSON(w, http.StatusOK, toAPIFunnel(f))
	return nil
}
