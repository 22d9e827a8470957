package feedback

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// newData is the form for feedback that staff received.
type newData struct {
	Service  *catalog.Service
	In       Input
	Kinds    []Kind
	Channels []Channel
	Roles    []Role
	Ratings  []surveyRating
	MaxLen   string // MaxTextLen, written for people
	// KindLinks open the form for each kind: it shows only the fields of
	// the kind chosen, and works without script.
	KindLinks []kindLink
}

type kindLink struct {
	Kind    Kind
	Link    string
	Current bool
}

func (h *Handler) renderNew(w http.ResponseWriter, r *http.Request, s *catalog.Service, status int, in Input, errs web.FormErrors) error {
	d := newData{Service: s, In: in, Kinds: Kinds, Channels: StaffChannels, Roles: Roles, Ratings: surveyRatings, MaxLen: thousands(MaxTextLen)}
	if !validKind(Kind(d.In.Kind)) {
		d.In.Kind = string(KindComment)
	}
	for _, k := range Kinds {
		d.KindLinks = append(d.KindLinks, kindLink{Kind: k, Link: "/services/" + s.Slug + "/feedback/new?kind=" + string(k), Current: string(k) == d.In.Kind})
	}
	return h.pages.Render(w, r, status, "feedback/new", d, errs)
}

// newPage answers GET /services/{slug}/feedback/new.
func (h *Handler) newPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	return h.renderNew(w, r, s, http.StatusOK, Input{Kind: r.URL.Query().Get("kind")}, nil)
}

// create answers POST /services/{slug}/feedback, the staff form: 303 to
// the inbox, or the form again with its problems.
func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := Input{Kind: f.Get("kind"), Channel: f.Get("channel"), GivenBy: f.Get("given_by"), URL: f.Get("url"),
		Useful: f.Get("useful"), Rating: f.Get("rating"), Comment: f.Get("comment"), Doing: f.Get("doing"), Wrong: f.Get("wrong")}
	it, err := h.fb.Enter(r.Context(), s.ID, in)
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		if in, err = h.echo(r, s, in); err != nil {
			return err
		}
		return h.renderNew(w, r, s, ie.Status, in, ie.Errors)
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, fmt.Sprintf("The feedback is added as item %d.", it.ID))
	return web.Redirect(w, r, fmt.Sprintf("/services/%s/feedback#item-%d", s.Slug, it.ID))
}
