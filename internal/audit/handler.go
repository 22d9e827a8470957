package audit

import (
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// PageSize is how many entries a page of the log shows.
const PageSize = 100

// maxExport bounds a CSV export; narrow the filters for more.
const maxExport = 100_000

// Handler serves the audit log's page, CSV and API, to administrators.
type Handler struct {
	log   *Log
	pages *web.Pages
}

// NewHandler parses the log's page.
func NewHandler(l *Log, site *web.Site) (*Handler, error) {
	pages, err := site.Pages(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("audit pages: %w", err)
	}
	return &Handler{log: l, pages: pages}, nil
}

// Routes registers the page, its export and the API.
func (h *Handler) Routes(rt *web.Router) {
	rt.Page("GET /audit", h.page)
	rt.Page("GET /audit/export.csv", h.export)
	rt.API("GET /api/v1/audit", h.api)
}

func requireAdmin(r *http.Request) error {
	if !auth.From(r.Context()).IsAdmin() {
		return web.Forbidden("Only administrators can read the audit log.")
	}
	return nil
}

// form is the filters as the query gives them.
type form struct {
	Actor, Service, Action, Outcome, From, To string
}

func (f form) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"actor": f.Actor, "service": f.Service, "action": f.Action, "outcome": f.Outcome, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// Query is the filters encoded, with a leading "?", or "".
func (f form) Query() string {
	if q := f.values().Encode(); q != "" {
		return "?" + q
	}
	return ""
}

// Any reports whether a filter is set.
func (f form) Any() bool { return len(f.values()) > 0 }

// parse reads the filters; dates are whole days in UTC, both included.
func parse(q url.Values) (Filter, form, web.FormErrors) {
	g := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	f := form{Actor: g("actor"), Service: g("service"), Action: g("action"), Outcome: g("outcome"), From: g("from"), To: g("to")}
	flt := Filter{Actor: f.Actor, Service: f.Service, Action: f.Action, Outcome: f.Outcome}
	var errs web.FormErrors
	for k, v := range map[string]string{"actor": f.Actor, "service": f.Service, "action": f.Action} {
		if len(v) > 200 || !web.ValidText(v) {
			errs.Add(k, k+" must be text of 200 characters or fewer")
		}
	}
	if f.Outcome != "" && f.Outcome != Done && f.Outcome != Refused {
		errs.Add("outcome", "outcome must be done or refused")
	}
	day := func(key, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			errs.Add(key, key+" must be a date such as 2026-01-31")
		}
		return t
	}
	flt.From = day("from", f.From)
	if to := day("to", f.To); !to.IsZero() {
		flt.To = to.AddDate(0, 0, 1)
	}
	if !flt.From.IsZero() && !flt.To.IsZero() && !flt.To.After(flt.From) {
		errs.Add("to", "to must be the same as or after from")
	}
	return flt, f, errs
}

type pageData struct {
	Form     form
	Entries  []entryView
	Total    int
	First    int
	Last     int
	PageNo   int
	Pages    int
	Prev     string
	Next     string
	Export   string
	Outcomes []string
}

// entryView is an entry as the page shows it.
type entryView struct {
	Entry
	Fields []field
	Before string
	After  string
}

type field struct{ Name, Value string }

func view(e Entry) entryView {
	v := entryView{Entry: e}
	for k, val := range e.Details.Fields {
		v.Fields = append(v.Fields, field{k, val})
	}
	sortFields(v.Fields)
	if e.Details.Before != nil {
		b, _ := json.MarshalIndent(e.Details.Before, "", "  ")
		v.Before = string(b)
	}
	if e.Details.After != nil {
		b, _ := json.MarshalIndent(e.Details.After, "", "  ")
		v.After = string(b)
	}
	return v
}

func sortFields(f []field) {
	for i := 1; i < len(f); i++ {
		for j := i; j > 0 && f[j].Name < f[j-1].Name; j-- {
			f[j], f[j-1] = f[j-1], f[j]
		}
	}
}

// Who is the actor as a person reads it.
func (v entryView) Who() string {
	switch {
	case v.ActorKind == ActorToken:
		return fmt.Sprintf("%s, with API token %d", v.Actor, v.TokenID)
	case v.Actor != "":
		return v.Actor
	case v.ActorKind == ActorSystem:
		return "liveops"
	}
	return "Someone not signed in"
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	flt, f, errs := parse(r.URL.Query())
	d := pageData{Form: f, PageNo: 1, Outcomes: []string{Done, Refused}, Export: "/audit/export.csv" + f.Query()}
	if p := r.URL.Query().Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			errs.Add("page", "page must be a whole number from 1")
		} else {
			d.PageNo = n
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		return h.pages.Render(w, r, http.StatusBadRequest, "audit/log", d, errs)
	}
	entries, total, err := h.log.List(r.Context(), flt, (d.PageNo-1)*PageSize, PageSize)
	if err != nil {
		return err
	}
	d.Total, d.Pages = total, (total+PageSize-1)/PageSize
	for _, e := range entries {
		d.Entries = append(d.Entries, view(e))
	}
	if len(entries) > 0 {
		d.First, d.Last = (d.PageNo-1)*PageSize+1, (d.PageNo-1)*PageSize+len(entries)
	}
	link := func(n int) string {
		v := f.values()
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if q := v.Encode(); q != "" {
			return "/audit?" + q
		}
		return "/audit"
	}
	if d.PageNo > 1 {
		d.Prev = link(min(d.PageNo-1, max(d.Pages, 1)))
	}
	if d.PageNo < d.Pages {
		d.Next = link(d.PageNo + 1)
	}
	return h.pages.Render(w, r, status, "audit/log", d, nil)
}

func (h *Handler) export(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	flt, _, errs := parse(r.URL.Query())
	if len(errs) > 0 {
		return web.BadRequest(errs[0].Field, "%s", errs[0].Message)
	}
	entries, _, err := h.log.List(r.Context(), flt, 0, maxExport)
	if err != nil {
		return err
	}
	web.CSVDownload(w, "liveops-audit-log.csv")
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "actor_kind", "actor", "user_id", "token_id", "address", "action", "target", "service", "outcome", "status", "details"})
	for _, e := range entries {
		details, _ := json.Marshal(e.Details)
		cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339), e.ActorKind, web.CSVCell(e.Actor),
			strconv.FormatInt(e.UserID, 10), strconv.FormatInt(e.TokenID, 10), e.Address, web.CSVCell(e.Action), web.CSVCell(e.Target),
			web.CSVCell(e.Service), e.Outcome, strconv.Itoa(e.Status), web.CSVCell(string(details))})
	}
	cw.Flush()
	return cw.Error()
}

// api answers GET /api/v1/audit: {"entries": [...], "total": N}, newest
// first, with the page's filters and limit (at most 1,000) and offset.
func (h *Handler) api(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return web.Forbidden("reading the audit log needs an administrator's token with admin scope")
	}
	q := r.URL.Query()
	flt, _, errs := parse(q)
	if len(errs) > 0 {
		return web.BadRequest(errs[0].Field, "%s", errs[0].Message)
	}
	limit, offset := 100, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return web.BadRequest("limit", "limit must be a whole number from 1 to 1000")
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return web.BadRequest("offset", "offset must be a whole number from 0")
		}
		offset = n
	}
	entries, total, err := h.log.List(r.Context(), flt, offset, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"entries": entries, "total": total})
	return nil
}
