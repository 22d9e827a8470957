package kpi

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// apiKPIs answers GET /api/v1/services/{slug}/kpis?from=…&to=…&interval=…
// with the report: see the README for its shape.
func (h *Handler) apiKPIs(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	_, from, to, iv, err := h.readPeriod(r, s)
	if err != nil {
		return err
	}
	rep, err := h.kpi.Report(r.Context(), s, from, to, iv)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep.toJSON())
	return nil
}

// upload is one kind of upload: transactions or costs.
type upload struct {
	Path    string // under /services/{slug}/kpis/
	What    string
	Columns []string
	Headers []string // of the preview's tables
	Example string
	// apply submits (or, with dryRun, previews) body for the service.
	apply func(h *Handler, r *http.Request, s *catalog.Service, body []byte, f Format, dryRun bool) (changeView, error)
}

// apiUpload answers POST /api/v1/services/{slug}/transactions and
// …/costs: CSV (Content-Type text/csv) or a JSON array. It saves and
// answers 200 with the counts of figures added, replaced and unchanged
// (text/plain, or no type, is read as JSON when it starts with "[");
// with ?dry_run=true it saves nothing and lists them (old and new values
// of those replaced). A bad upload is a 400 listing every problem, and
// nothing is saved.
func (h *Handler) apiUpload(u upload) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := h.ingestible(r)
		if err != nil {
			return err
		}
		f := FormatAny
		if ct := r.Header.Get("Content-Type"); ct != "" {
			mt, _, _ := mime.ParseMediaType(ct)
			switch mt {
			case "text/plain":
			case "text/csv":
				f = FormatCSV
			case "application/json":
				f = FormatJSON
			default:
				return &web.Error{Status: http.StatusUnsupportedMediaType, Message: "send the " + u.What + " as text/csv or application/json"}
			}
		}
		dryRun := false
		switch v := r.URL.Query().Get("dry_run"); v {
		case "", "false", "0":
		case "true", "1":
			dryRun = true
			audit.NotAChange(r.Context())
		default:
			return web.BadRequest("dry_run", "dry_run must be true or false, not “%s”", clip(v))
		}
		if dryRun && !auth.From(r.Context()).CanRead(s.ID) {
			// The preview shows the stored figures it would replace.
			return web.Forbidden("This token may send figures but not read them, so it cannot preview: send without dry_run.")
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxUploadBytes))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &web.Error{Status: http.StatusRequestEntityTooLarge, Message: "the body is larger than 8 MiB: send it in parts"}
		}
		if err != nil {
			return web.BadRequest("", "the body could not be read")
		}
		change, err := u.apply(h, r, s, body, f, dryRun)
		var ue *UploadError
		if errors.As(err, &ue) {
			web.WriteJSON(w, http.StatusBadRequest, uploadErrorJSON{Error: ue.Error(), Field: "rows", Problems: ue.Problems, Truncated: ue.Truncated})
			return nil
		}
		if err != nil {
			return err
		}
		if dryRun {
			web.WriteJSON(w, http.StatusOK, map[string]any{"dry_run": true, "change": change.value})
			return nil
		}
		web.WriteJSON(w, http.StatusOK, change.counts)
		return nil
	}
}

// uploadErrorJSON is the 400 of a refused upload.
type uploadErrorJSON struct {
	Error     string    `json:"error"`
	Field     string    `json:"field"`
	Problems  []Problem `json:"problems"`
	Truncated bool      `json:"truncated,omitempty"`
}

// changeView is a Change of either kind, for the API and the preview page.
type changeView struct {
	value     any // the *Change, as JSON
	counts    map[string]int
	added     [][]string // the rows, as the preview's table cells
	replaced  [][2][]string
	unchanged int
}

var transactionsUpload = upload{
	Path: "transactions", What: "transactions", Columns: TransactionColumns,
	Headers: []string{"Date", "Channel", "Started", "Completed"},
	Example: "date,channel,started,completed\n2026-03-31,digital,1200,1044\n2026-03,phone,3400,3150\n",
	apply: func(h *Handler, r *http.Request, s *catalog.Service, body []byte, f Format, dryRun bool) (changeView, error) {
		c, err := h.kpi.ImportTransactions(r.Context(), s, body, f, dryRun)
		if err != nil {
			return changeView{}, err
		}
		v := changeView{value: c, counts: c.Counts(), unchanged: len(c.Unchanged)}
		cells := func(t TransactionFigure) []string {
			return []string{t.Date, t.Channel.Label(), formatCount(float64(t.Started)), formatCount(float64(t.Completed))}
		}
		for _, a := range c.Added {
			v.added = append(v.added, cells(a))
		}
		for _, rp := range c.Replaced {
			v.replaced = append(v.replaced, [2][]string{cells(rp.Old), cells(rp.New)})
		}
		return v, nil
	},
}

var costsUpload = upload{
	Path: "costs", What: "costs", Columns: CostColumns,
	Headers: []string{"From", "To", "Channel", "Amount"},
	Example: "from,to,channel,amount\n2026-01-01,2026-03-31,phone,48200.00\n2026-01-01,2026-03-31,all,125000\n",
	apply: func(h *Handler, r *http.Request, s *catalog.Service, body []byte, f Format, dryRun bool) (changeView, error) {
		c, err := h.kpi.ImportCosts(r.Context(), s, body, f, dryRun)
		if err != nil {
			return changeView{}, err
		}
		v := changeView{value: c, counts: c.Counts(), unchanged: len(c.Unchanged)}
		cells := func(t CostFigure) []string { return []string{t.From, t.To, t.Channel.Label(), t.Amount} }
		for _, a := range c.Added {
			v.added = append(v.added, cells(a))
		}
		for _, rp := range c.Replaced {
			v.replaced = append(v.replaced, [2][]string{cells(rp.Old), cells(rp.New)})
		}
		return v, nil
	},
}
