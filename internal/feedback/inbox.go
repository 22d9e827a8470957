package feedback

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/web"
)

// PageSize is how many items an inbox page shows.
const PageSize = 50

// inboxData is an inbox page: one service's, or every readable service's.
type inboxData struct {
	Service  *catalog.Service // nil for the all-services inbox
	Base     string           // the inbox's path
	Zone     string           // the time zone of dates and the date filters
	CanWrite bool             // some item may be changed: show the bulk form
	Form     filterForm
	Items    []itemView
	Total    int
	PageNo   int
	Pages    int
	First    int // the number of the first item shown
	Last     int
	Prev     string
	Next     string
	Export   string
	Back     string // this page's address, for the forms to return to
	Tags     []string
	Edit     *itemEdit // an item form sent back with problems
	Kinds    []Kind
	Statuses []Status
	Channels []Channel
	Ratings  []surveyRating
	// Held is how many items of the inbox's services are held back from
	// the figures; HeldLink lists them.
	Held     int
	HeldLink string
	// BareYes is how many "useful: yes" votes without a comment the
	// filters select but the list leaves out; VotesLink shows or hides them.
	BareYes   int
	VotesLink string
	Sorts     []Sort
	// SortKeep is the filters without the order, for the sort form.
	SortKeep url.Values
	// Team is whom the filters and the bulk form offer.
	Team []Member
	// Matching is how many items the filters select that the person may
	// change: what "every item that matches" changes.
	Matching int
}

// itemView is an item as the inbox and its page show it.
type itemView struct {
	*Item
	Service  *catalog.Service
	When     string
	Stamp    string // When, for <time datetime>
	CanWrite bool
	Action   string // where its forms post, and its page's path
	Link     string // its page, with the way back to the inbox
	TagText  string
	Assignee string // the email of whom it is assigned to, "" for nobody
}

// previewLen is how many characters of its text an inbox row carries: its
// line shows what fits, its page the whole.
const previewLen = 240

// Preview is the item's text for its row: the comment, else what went
// wrong, else what they were doing; else its answer.
func (v itemView) Preview() string {
	for _, t := range []string{v.Comment, v.Wrong, v.Doing} {
		if t = strings.Join(strings.Fields(t), " "); t != "" {
			if r := []rune(t); len(r) > previewLen {
				return string(r[:previewLen]) + "…"
			}
			return t
		}
	}
	switch {
	case v.TextRemoved:
		return "Text removed by the retention setting"
	case v.Rating != nil:
		return RatingLabel(*v.Rating)
	}
	return "No comment"
}

// Short is the kind and the answer in a few words, for its row.
func (v itemView) Short() string {
	switch {
	case v.Useful != nil:
		return "Useful: " + v.UsefulText()
	case v.Rating != nil:
		return fmt.Sprintf("Rated %d of 5", *v.Rating)
	case v.Kind == KindProblem:
		return "Problem"
	case v.Kind == KindSatisfaction:
		return "Survey"
	}
	return "Comment"
}

// UsefulText is the answer to "Is this page useful?", "" when not given.
func (v itemView) UsefulText() string {
	switch {
	case v.Useful == nil:
		return ""
	case *v.Useful:
		return "Yes"
	}
	return "No"
}

// RatingText is the rating in figures and words, "" when not given.
func (v itemView) RatingText() string {
	if v.Rating == nil {
		return ""
	}
	return fmt.Sprintf("%d – %s", *v.Rating, RatingLabel(*v.Rating))
}

// itemEdit is what was typed in an item's form that had problems.
type itemEdit struct {
	ID                           int64
	Status, Tags, Note, Assignee string
}

// inbox answers GET /services/{slug}/feedback.
func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	d, errs, err := h.inboxData(r, r.URL.Query(), s, nil)
	if err != nil {
		return err
	}
	return h.renderInbox(w, r, d, errs, nil)
}

// allInbox answers GET /feedback/inbox: the feedback of every service the
// person may read, with dates in UTC.
func (h *Handler) allInbox(w http.ResponseWriter, r *http.Request) error {
	list, _, err := h.readableServices(r)
	if err != nil {
		return err
	}
	d, errs, err := h.inboxData(r, r.URL.Query(), nil, list)
	if err != nil {
		return err
	}
	return h.renderInbox(w, r, d, errs, nil)
}

func (h *Handler) renderInbox(w http.ResponseWriter, r *http.Request, d *inboxData, errs web.FormErrors, status *int) error {
	code := http.StatusOK
	if status != nil {
		code = *status
	} else if len(errs) > 0 {
		code = http.StatusBadRequest
	}
	return h.pages.Render(w, r, code, "feedback/inbox", d, errs)
}

// inboxFilter reads the filters of an inbox's query for the principal
// of r, with dates in loc.
func inboxFilter(r *http.Request, q url.Values, loc *time.Location) (Filter, filterForm, web.FormErrors) {
	flt, ff, errs := parseFilter(q, loc, auth.From(r.Context()).UserID)
	// A bare "yes" asks nothing of triage: out of the list unless asked
	// for, or unless the list is of "useful" votes rated yes anyway.
	flt.HideBareYes = ff.Votes != "all"
	return flt, ff, errs
}

// inboxData reads the inbox page that q asks for: of service s, or of
// every service of list when s is nil. Bad filters come back as problems,
// with no items.
func (h *Handler) inboxData(r *http.Request, q url.Values, s *catalog.Service, list []*catalog.Service) (*inboxData, web.FormErrors, error) {
	loc, base := time.UTC, "/feedback/inbox"
	byID := map[int64]*catalog.Service{}
	if s != nil {
		loc, base = s.Location(), "/services/"+s.Slug+"/feedback"
		list = []*catalog.Service{s}
	}
	p := auth.From(r.Context())
	var ids, writable []int64
	for _, sv := range list {
		ids = append(ids, sv.ID)
		byID[sv.ID] = sv
		if p.CanWrite(sv.ID) {
			writable = append(writable, sv.ID)
		}
	}
	flt, ff, errs := inboxFilter(r, q, loc)
	flt.Services = ids
	pageNo, err := pageNumber(q)
	if err != nil {
		errs.Add("page", "page must be a whole number from 1")
		pageNo = 1
	}
	d := &inboxData{Service: s, Base: base, Zone: loc.String(), Form: ff, PageNo: pageNo, CanWrite: len(writable) > 0,
		Kinds: Kinds, Statuses: Statuses, Channels: Channels, Ratings: surveyRatings, Sorts: Sorts}
	filters := ff.Values()
	d.Export = base + "/export.csv" + query(filters)
	d.SortKeep = ff.Values()
	d.SortKeep.Del("sort")
	if pageNo > 1 {
		filters.Set("page", strconv.Itoa(pageNo))
	}
	d.Back = base + query(filters)
	if s != nil {
		if d.Tags, err = h.fb.Tags(r.Context(), s.ID); err != nil {
			return nil, nil, err
		}
	}
	team, err := h.fb.Team(r.Context())
	if err != nil {
		return nil, nil, err
	}
	d.Team = offered(team, ids)
	if len(errs) > 0 {
		return d, errs, nil
	}
	if _, d.Held, err = h.fb.List(r.Context(), Filter{Services: ids, HeldOnly: true}, 0, 0); err != nil {
		return nil, nil, err
	}
	d.HeldLink = base + "?held=yes"
	if flt.HideBareYes {
		bare := flt
		bare.HideBareYes, bare.BareYesOnly = false, true
		if _, d.BareYes, err = h.fb.List(r.Context(), bare, 0, 0); err != nil {
			return nil, nil, err
		}
	}
	votes := ff.Values()
	if ff.Votes == "all" {
		votes.Del("votes")
	} else {
		votes.Set("votes", "all")
	}
	d.VotesLink = base + query(votes)
	items, total, err := h.fb.List(r.Context(), flt, (pageNo-1)*PageSize, PageSize)
	if err != nil {
		return nil, nil, err
	}
	d.Total, d.Pages, d.Matching = total, (total+PageSize-1)/PageSize, total
	if len(writable) < len(ids) && d.CanWrite {
		mine := flt
		mine.Services = writable
		if _, d.Matching, err = h.fb.List(r.Context(), mine, 0, 0); err != nil {
			return nil, nil, err
		}
	}
	if len(items) == 0 && total > 0 {
		// Past the end (after a bulk change emptied the last page, say):
		// show the last page rather than "no feedback".
		pageNo = d.Pages
		d.PageNo = pageNo
		if items, _, err = h.fb.List(r.Context(), flt, (pageNo-1)*PageSize, PageSize); err != nil {
			return nil, nil, err
		}
	}
	if len(items) > 0 {
		d.First, d.Last = (pageNo-1)*PageSize+1, (pageNo-1)*PageSize+len(items)
	}
	link := func(n int) string {
		v := ff.Values()
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return base + query(v)
	}
	if pageNo > 1 {
		d.Prev = link(min(pageNo-1, max(d.Pages, 1)))
	}
	if pageNo < d.Pages {
		d.Next = link(pageNo + 1)
	}
	emails := map[int64]string{}
	for _, m := range team {
		emails[m.ID] = m.Email
	}
	for _, it := range items {
		v := newItemView(it, byID[it.ServiceID], loc, p, emails)
		v.Link = v.Action + query(url.Values{"back": {d.Back}})
		d.Items = append(d.Items, v)
	}
	return d, nil, nil
}

// newItemView is it of service sv as principal p sees it, with dates in
// loc and assignees' emails from emails.
func newItemView(it *Item, sv *catalog.Service, loc *time.Location, p *auth.Principal, emails map[int64]string) itemView {
	at := it.CreatedAt.In(loc)
	return itemView{Item: it, Service: sv, When: at.Format("2 Jan 2006 15:04"), Stamp: at.Format(time.RFC3339),
		CanWrite: p.CanWrite(it.ServiceID), Action: fmt.Sprintf("/services/%s/feedback/%d", sv.Slug, it.ID),
		TagText: strings.Join(it.Tags, ", "), Assignee: emails[it.AssigneeID]}
}

// query is "?" and v encoded, or "" when v is empty.
func query(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// safeBack is where a form returns to: raw when its path is one of paths
// (an inbox), with only the inbox's own parameters; paths[0] otherwise.
// Never another site.
func safeBack(raw string, paths ...string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host != "" || u.Scheme != "" || !slices.Contains(paths, u.Path) {
		return paths[0]
	}
	in := u.Query()
	out := url.Values{}
	for _, k := range slices.Concat(filterKeys, []string{"page"}) {
		if v := in.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return u.Path + query(out)
}

// rerenderInbox shows the inbox at back again with a form's problems.
func (h *Handler) rerenderInbox(w http.ResponseWriter, r *http.Request, s *catalog.Service, back string, errs web.FormErrors, fill func(*inboxData)) error {
	u, _ := url.Parse(back)
	var d *inboxData
	var err error
	if u.Path == "/feedback/inbox" {
		list, _, lerr := h.readableServices(r)
		if lerr != nil {
			return lerr
		}
		d, _, err = h.inboxData(r, u.Query(), nil, list)
	} else {
		d, _, err = h.inboxData(r, u.Query(), s, nil)
	}
	if err != nil {
		return err
	}
	fill(d)
	status := http.StatusBadRequest
	return h.renderInbox(w, r, d, errs, &status)
}

// bulk answers POST /services/{slug}/feedback/bulk: the items ticked get
// the status chosen, or the tag added or removed.
func (h *Handler) bulk(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	return h.applyBulk(w, r, s, []int64{s.ID})
}

// allBulk is bulk on the all-services inbox: it changes the ticked items
// of the services the person may change.
func (h *Handler) allBulk(w http.ResponseWriter, r *http.Request) error {
	list, _, err := h.readableServices(r)
	if err != nil {
		return err
	}
	p := auth.From(r.Context())
	var ids []int64
	for _, s := range list {
		if p.CanWrite(s.ID) {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		return fault.Forbiddenf("You can see feedback but not change it. Ask an administrator for editor access.")
	}
	return h.applyBulk(w, r, nil, ids)
}

func (h *Handler) applyBulk(w http.ResponseWriter, r *http.Request, s *catalog.Service, services []int64) error {
	f := r.PostForm
	back, loc := safeBack(f.Get("back"), "/feedback/inbox"), time.UTC
	if s != nil {
		back, loc = safeBack(f.Get("back"), "/services/"+s.Slug+"/feedback"), s.Location()
	}
	c, errs := bulkChange(f)
	n := 0
	var err error
	if f.Get("scope") == "matching" {
		// Every item the inbox's filters select: as many as the form said.
		u, _ := url.Parse(back)
		flt, _, ferrs := inboxFilter(r, u.Query(), loc)
		flt.Services = services
		want, werr := strconv.Atoi(f.Get("expect"))
		if werr != nil || want < 0 {
			errs.Add("scope", "Choose the items again: the form did not say how many match")
		}
		if errs = append(errs, ferrs...); len(errs) == 0 {
			n, err = h.fb.BulkMatching(r.Context(), flt, want, c)
		}
	} else {
		var ids []int64
		for _, v := range f["ids"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				errs.Add("items", "Select items from the list")
				break
			}
			ids = append(ids, id)
		}
		if len(errs) == 0 {
			n, err = h.fb.Bulk(r.Context(), services, ids, c)
		}
	}
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		for _, fe := range ie.Errors {
			switch fe.Field {
			case "ids":
				fe.Field = "items"
			case "add_tags", "remove_tags":
				fe.Field = "bulk-tag"
			case "assignee":
				fe.Field = "bulk-assignee"
			case "scope":
			default:
				fe.Field = "bulk-status"
			}
			errs = append(errs, fe)
		}
	} else if err != nil {
		return err
	}
	if len(errs) > 0 {
		return h.rerenderInbox(w, r, s, back, errs, func(*inboxData) {})
	}
	web.SetFlash(w, r, fmt.Sprintf("%d %s changed.", n, plural(n, "item is", "items are")))
	return web.Redirect(w, r, back)
}

// bulkChange reads the change the bulk form asks for.
func bulkChange(f url.Values) (Change, web.FormErrors) {
	var c Change
	tag := strings.TrimSpace(f.Get("tag"))
	var errs web.FormErrors
	switch f.Get("action") {
	case "set_status":
		st := Status(f.Get("status"))
		c.Status = &st
		if st == "" {
			errs.Add("bulk-status", "Choose the status to set")
		}
	case "add_tag":
		c.AddTags = []string{tag}
		if tag == "" {
			errs.Add("bulk-tag", "Enter the tag to add")
		}
	case "remove_tag":
		c.RemoveTags = []string{tag}
		if tag == "" {
			errs.Add("bulk-tag", "Enter the tag to remove")
		}
	case "assign":
		if f.Get("assignee") == "" {
			errs.Add("bulk-assignee", "Choose whom to assign the items to, or nobody")
		} else {
			var e web.FormErrors
			c.Assignee, e = parseAssignee(f.Get("assignee"), "bulk-assignee")
			errs = append(errs, e...)
		}
	case "count":
		no := false
		c.Held = &no
	default:
		errs.Add("bulk-status", "Choose what to change: set the status, add or remove a tag, or assign")
	}
	return c, errs
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
