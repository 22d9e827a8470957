package metric

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/web"
)

// Handler serves the registry's JSON API. Which service a request names,
// and whether its principal may read it, is the app's to say (the catalog
// knows), so the registry depends on no area.
type Handler struct {
	reg     *Registry
	service func(r *http.Request) (Service, error)
}

// NewHandler serves reg; service resolves the request's {slug} to a
// service the principal may read, or answers the error to send (a 404).
func NewHandler(reg *Registry, service func(r *http.Request) (Service, error)) *Handler {
	return &Handler{reg: reg, service: service}
}

// Routes registers the API, which needs a token with read scope.
func (h *Handler) Routes(rt *web.Router) {
	rt.API("GET /api/v1/services/{slug}/metrics", h.list)
	rt.API("GET /api/v1/services/{slug}/metrics/{name}", h.series)
}

type apiDefinition struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Unit        Unit       `json:"unit"`
	Intervals   []Interval `json:"intervals"`
	Params      []Param    `json:"params"`
}

// list answers GET /api/v1/services/{slug}/metrics: every metric a series
// may be asked for.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.service(r); err != nil {
		return err
	}
	defs := h.reg.Definitions()
	out := make([]apiDefinition, len(defs))
	for i, d := range defs {
		out[i] = apiDefinition{Name: d.Name, Description: d.Description, Unit: d.Unit, Intervals: d.Intervals, Params: d.Params}
		if out[i].Intervals == nil {
			out[i].Intervals = Intervals
		}
		if out[i].Params == nil {
			out[i].Params = []Param{}
		}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"metrics": out})
	return nil
}

// series answers GET /api/v1/services/{slug}/metrics/{name}?from=&to=&interval=
// with the series; every other query parameter is the metric's own.
func (h *Handler) series(w http.ResponseWriter, r *http.Request) error {
	svc, err := h.service(r)
	if err != nil {
		return err
	}
	q, err := ParseQuery(r.URL.Query(), svc)
	if err != nil {
		return apiError(err)
	}
	s, err := h.reg.Series(r.Context(), r.PathValue("name"), q)
	if err != nil {
		return apiError(err)
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

// ParseQuery reads from, to and interval (day when absent) from v, and
// every other value as a parameter of the metric. from and to are dates
// (2026-03-01, midnight in the service's zone; to is excluded) or RFC 3339
// times. Its errors are *QueryError.
func ParseQuery(v url.Values, svc Service) (Query, error) {
	if svc.Zone == nil {
		svc.Zone = time.UTC
	}
	q := Query{Service: svc, Interval: Day}
	if iv := v.Get("interval"); iv != "" {
		q.Interval = Interval(iv)
	}
	var err error
	if q.From, err = parseTime(v.Get("from"), "from", svc.Zone); err != nil {
		return q, err
	}
	if q.To, err = parseTime(v.Get("to"), "to", svc.Zone); err != nil {
		return q, err
	}
	for k, vals := range v {
		if k == "from" || k == "to" || k == "interval" {
			continue
		}
		if q.Params == nil {
			q.Params = map[string]string{}
		}
		q.Params[k] = vals[0]
	}
	return q, nil
}

func parseTime(s, field string, zone *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, &QueryError{Field: field, Message: field + " is required: a date such as 2026-03-01, or an RFC 3339 time"}
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return dayStart(d.Year(), d.Month(), d.Day(), zone), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, &QueryError{Field: field, Message: field + " must be a date such as 2026-03-01, or an RFC 3339 time such as 2026-03-01T09:00:00Z"}
	}
	return t, nil
}

// apiError turns the registry's typed errors into domain faults, which
// web answers as 404 and 400.
func apiError(err error) error {
	var unknown *UnknownError
	var qe *QueryError
	switch {
	case errors.As(err, &unknown):
		return &fault.Error{Kind: fault.NotFound, Field: "name", Message: unknown.Error()}
	case errors.As(err, &qe):
		return fault.Invalidf(qe.Field, "%s", qe.Message)
	}
	return err
}
