package feedback

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// detailData is one item's page: everything about it, and its forms.
type detailData struct {
	Service  *catalog.Service
	Item     itemView
	Back     string // the inbox view it was opened from
	Statuses []Status
	Team     []Member // whom it may be assigned to
	Edit     *itemEdit
}

// inboxPaths are the inboxes an item's page and forms may return to.
func inboxPaths(s *catalog.Service) []string {
	return []string{"/services/" + s.Slug + "/feedback", "/feedback/inbox"}
}

// itemPage answers GET /services/{slug}/feedback/{id}?back=, an item's
// page, which links back to the inbox view back names.
func (h *Handler) itemPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	return h.renderItem(w, r, s, http.StatusOK, safeBack(r.URL.Query().Get("back"), inboxPaths(s)...), nil, nil)
}

// renderItem shows the page of the item in the path, with a form's
// problems and what was typed in it when edit is not nil.
func (h *Handler) renderItem(w http.ResponseWriter, r *http.Request, s *catalog.Service, status int, back string, edit *itemEdit, errs web.FormErrors) error {
	id, err := web.PathID(r, "feedback item")
	if err != nil {
		return err
	}
	it, err := h.fb.Item(r.Context(), s.ID, id)
	if err != nil {
		return web.NotFoundAs(err, "feedback item")
	}
	team, err := h.fb.Team(r.Context())
	if err != nil {
		return err
	}
	emails := map[int64]string{}
	for _, m := range team {
		emails[m.ID] = m.Email
	}
	d := detailData{Service: s, Item: newItemView(it, s, s.Location(), auth.From(r.Context()), emails), Back: back,
		Statuses: Statuses, Team: offered(team, []int64{s.ID}), Edit: edit}
	return h.pages.Render(w, r, status, "feedback/item", d, errs)
}

// updateItem answers POST /services/{slug}/feedback/{id}, an item's form:
// its status, tags (comma-separated; they replace the item's), note and
// assignee (a user's id, "" for nobody; left as it is when the form has
// no such field). It returns to the inbox at the item, or shows the item's
// page again with the problems.
func (h *Handler) updateItem(w http.ResponseWriter, r *http.Request) error {
	s, id, err := h.writableItem(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	sfx := "-" + strconv.FormatInt(id, 10)
	edit := &itemEdit{ID: id, Status: f.Get("status" + sfx), Tags: f.Get("tags" + sfx), Note: f.Get("note" + sfx), Assignee: f.Get("assignee" + sfx)}
	tags := splitTags(edit.Tags)
	c := Change{Tags: &tags, Note: &edit.Note}
	if edit.Status != "" {
		c.Status = (*Status)(&edit.Status)
	}
	var errs web.FormErrors
	if f.Has("assignee" + sfx) {
		c.Assignee, errs = parseAssignee(edit.Assignee, "assignee"+sfx)
	}
	back := safeBack(f.Get("back"), inboxPaths(s)...)
	if len(errs) == 0 {
		_, err = h.fb.Update(r.Context(), s.ID, id, c)
	}
	if ie := (*InputError)(nil); errors.As(err, &ie) || len(errs) > 0 {
		if ie != nil {
			for _, fe := range ie.Errors {
				errs.Add(fmt.Sprintf("%s-%d", fe.Field, id), fe.Message)
			}
		}
		// What is shown again is scrubbed, as it would have been stored.
		sc, err := h.fb.Scrubber(r.Context(), s.ID)
		if err != nil {
			return err
		}
		edit.Note, edit.Tags = sc.String(edit.Note), sc.String(edit.Tags)
		return h.renderItem(w, r, s, http.StatusBadRequest, back, edit, errs)
	}
	if err != nil {
		return web.NotFoundAs(err, "feedback item")
	}
	web.SetFlash(w, r, fmt.Sprintf("Feedback %d is saved.", id))
	return web.Redirect(w, r, back+"#item-"+strconv.FormatInt(id, 10))
}

// parseAssignee reads a form's choice of assignee: a user's id, or "" or
// "0" for nobody. A problem is reported against field.
func parseAssignee(v, field string) (*int64, web.FormErrors) {
	if v == "" {
		return ptr(int64(0)), nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return nil, web.FormErrors{{Field: field, Message: "Choose someone on the team, or nobody"}}
	}
	return &id, nil
}

// countItem answers POST /services/{slug}/feedback/{id}/count: a person
// has looked at an item held back from the figures and counts it.
func (h *Handler) countItem(w http.ResponseWriter, r *http.Request) error {
	s, id, err := h.writableItem(r)
	if err != nil {
		return err
	}
	back := safeBack(r.PostFormValue("back"), inboxPaths(s)...)
	no := false
	if _, err := h.fb.Update(r.Context(), s.ID, id, Change{Held: &no}); err != nil {
		return web.NotFoundAs(err, "feedback item")
	}
	web.SetFlash(w, r, fmt.Sprintf("Feedback %d is counted in the figures.", id))
	return web.Redirect(w, r, back+"#item-"+strconv.FormatInt(id, 10))
}

// writableItem is the service and item id of the path, for a change.
func (h *Handler) writableItem(r *http.Request) (*catalog.Service, int64, error) {
	s, err := h.writable(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := web.PathID(r, "feedback item")
	return s, id, err
}
