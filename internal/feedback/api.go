package feedback

import (
	"net/http"
	"strconv"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/web"
)

// apiItem is an item as the API lists it.
type apiItem struct {
	ID        int64    `json:"id"`
	Kind      Kind     `json:"kind"`
	URL       string   `json:"url"`
	Useful    *bool    `json:"useful"`
	Rating    *int     `json:"rating"`
	Comment   string   `json:"comment"`
	Doing     string   `json:"doing"`
	Wrong     string   `json:"wrong"`
	Channel   Channel  `json:"channel"`
	Status    Status   `json:"status"`
	Tags      []string `json:"tags"`
	Held      bool     `json:"held"`
	CreatedAt string   `json:"created_at"`
	// AssigneeID and Assignee (the email) are null for nobody.
	AssigneeID *int64  `json:"assignee_id"`
	Assignee   *string `json:"assignee"`
}

// apiDetail is one item as the API returns it on its own: the listed
// fields, and who gave it, the note and when it last changed.
type apiDetail struct {
	apiItem
	ServiceID int64  `json:"service_id"`
	GivenBy   string `json:"given_by"`
	Note      string `json:"note"`
	UpdatedAt string `json:"updated_at"`
}

func toAPIItem(it *Item, team map[int64]Member) apiItem {
	a := apiItem{ID: it.ID, Kind: it.Kind, URL: it.URL, Useful: it.Useful, Rating: it.Rating, Comment: it.Comment,
		Doing: it.Doing, Wrong: it.Wrong, Channel: it.Channel, Status: it.Status, Tags: it.Tags, Held: it.Held,
		CreatedAt: it.CreatedAt.UTC().Format(time.RFC3339)}
	if it.AssigneeID != 0 {
		a.AssigneeID = ptr(it.AssigneeID)
		a.Assignee = ptr(team[it.AssigneeID].Email)
	}
	return a
}

// writeDetail answers with one item.
func (h *Handler) writeDetail(w http.ResponseWriter, r *http.Request, status int, it *Item) error {
	team, err := h.teamByID(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, status, apiDetail{apiItem: toAPIItem(it, team), ServiceID: it.ServiceID, GivenBy: it.GivenBy, Note: it.Note,
		UpdatedAt: it.UpdatedAt.UTC().Format(time.RFC3339)})
	return nil
}

// MaxAPILimit is the most items one API page may hold.
const MaxAPILimit = 500

// apiList answers GET /api/v1/services/{slug}/feedback?kind=&status=&rating=
// &tag=&channel=&url=&q=&theme=&from=&to=&page=&limit= with
// {"feedback": [...], "total": N}: newest first, dates in the service's zone.
func (h *Handler) apiList(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	flt, _, errs := parseFilter(q, s.Location(), auth.From(r.Context()).UserID)
	if err := errs.AsError(); err != nil {
		return err
	}
	flt.Services = []int64{s.ID}
	pageNo, err := pageNumber(q)
	if err != nil {
		return err
	}
	limit := PageSize
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > MaxAPILimit {
			return web.BadRequest("limit", "limit must be a whole number from 1 to %d", MaxAPILimit)
		}
	}
	items, total, err := h.fb.List(r.Context(), flt, (pageNo-1)*limit, limit)
	if err != nil {
		return err
	}
	team, err := h.teamByID(r.Context())
	if err != nil {
		return err
	}
	out := make([]apiItem, len(items))
	for i, it := range items {
		out[i] = toAPIItem(it, team)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"feedback": out, "total": total})
	return nil
}

// staffBody is staff-entered feedback as JSON.
type staffBody struct {
	Kind    string `json:"kind"`
	Channel string `json:"channel"`
	GivenBy string `json:"given_by"`
	URL     string `json:"url"`
	Useful  any    `json:"useful"`
	Rating  any    `json:"rating"`
	Comment string `json:"comment"`
	Doing   string `json:"doing"`
	Wrong   string `json:"wrong"`
}

// apiCreate answers POST /api/v1/services/{slug}/feedback (write scope):
// staff-entered feedback, 201 with the item as stored, scrubbed.
func (h *Handler) apiCreate(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	var b staffBody
	if err := web.DecodeJSON(w, r, MaxPublicBody, &b); err != nil {
		return err
	}
	useful, err := formText("useful", b.Useful)
	if err != nil {
		return err
	}
	rating, err := formText("rating", b.Rating)
	if err != nil {
		return err
	}
	it, err := h.fb.Enter(r.Context(), s.ID, Input{Kind: b.Kind, Channel: b.Channel, GivenBy: b.GivenBy, URL: b.URL,
		Useful: useful, Rating: rating, Comment: b.Comment, Doing: b.Doing, Wrong: b.Wrong})
	if err != nil {
		return err // an *InputError unwraps to the 400 naming its field
	}
	w.Header().Set("Location", "/api/v1/feedback/"+strconv.FormatInt(it.ID, 10))
	return h.writeDetail(w, r, http.StatusCreated, it)
}

// apiItemOf reads the item of /api/v1/feedback/{id}: 404 when there is none
// or the token may not read its service, 403 when write is true and it may
// only read.
func (h *Handler) apiItemOf(r *http.Request, write bool) (*Item, error) {
	id, err := web.PathID(r, "feedback item")
	if err != nil {
		return nil, err
	}
	it, err := h.fb.ItemByID(r.Context(), id)
	p := auth.From(r.Context())
	if err == nil && !p.CanRead(it.ServiceID) {
		err = web.NotFound("feedback item")
	}
	if err != nil {
		return nil, web.NotFoundAs(err, "feedback item")
	}
	if write && !p.CanWrite(it.ServiceID) {
		return nil, web.Forbidden("You can see this service’s feedback but not change it. Use a token with the write scope of an editor of the service.")
	}
	return it, nil
}

// apiGet answers GET /api/v1/feedback/{id}.
func (h *Handler) apiGet(w http.ResponseWriter, r *http.Request) error {
	it, err := h.apiItemOf(r, false)
	if err != nil {
		return err
	}
	return h.writeDetail(w, r, http.StatusOK, it)
}

// apiPatch answers PATCH /api/v1/feedback/{id} (write scope on the item's
// service): the body may set status, tags (replacing them), add_tags,
// remove_tags, note and assignee_id (0 for nobody). It answers with the
// item changed.
func (h *Handler) apiPatch(w http.ResponseWriter, r *http.Request) error {
	it, err := h.apiItemOf(r, true)
	if err != nil {
		return err
	}
	var c Change
	if err := web.DecodeJSON(w, r, MaxPublicBody, &c); err != nil {
		return err
	}
	it, err = h.fb.Update(r.Context(), it.ServiceID, it.ID, c)
	if err != nil {
		return web.NotFoundAs(err, "feedback item")
	}
	return h.writeDetail(w, r, http.StatusOK, it)
}
