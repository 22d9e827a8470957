package analytics

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// StatsAPI answers POST /api/v2/query, Plausible's Stats API v2.
type StatsAPI struct {
	stats *Stats
	cat   *catalog.Catalog
	now   func() time.Time
}

// NewStatsAPI serves stats queries.
func NewStatsAPI(stats *Stats, cat *catalog.Catalog) *StatsAPI {
	return &StatsAPI{stats: stats, cat: cat, now: time.Now}
}

// Routes registers the endpoint, which needs a token with read scope.
func (a *StatsAPI) Routes(rt *web.Router) {
	rt.API("POST /api/v2/query", a.query)
}

const maxQueryBody = 64 << 10

func (a *StatsAPI) query(w http.ResponseWriter, r *http.Request) error {
	audit.NotAChange(r.Context()) // a query, sent with POST as Plausible's is
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxQueryBody))
	if err != nil {
		return &web.Error{Status: http.StatusRequestEntityTooLarge, Message: "a query may be at most 64 KiB"}
	}
	var head struct {
		SiteID any `json:"site_id"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return web.BadRequest("", "the body must be a JSON object: %v", err)
	}
	site, _ := head.SiteID.(string)
	if site == "" {
		return web.BadRequest("site_id", "site_id is required: the domain of the service, such as apply.example.gov")
	}
	if !web.ValidText(site) {
		return web.BadRequest("site_id", "site_id must not contain a NUL character or invalid UTF-8: it is the domain of the service, such as apply.example.gov")
	}
	svc, err := a.cat.ByHost(r.Context(), site)
	p := auth.From(r.Context())
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.CanRead(svc.ID)) {
		return &web.Error{Status: http.StatusNotFound, Field: "site_id", Message: "no service you can read has the site_id " + site}
	}
	if err != nil {
		return err
	}
	start, err := a.stats.Start(r.Context(), svc)
	if err != nil {
		return err
	}
	siteInfo := statsquery.Site{Location: svc.Location(), StatsStart: start}
	if a.stats.goals != nil {
		// An "is" filter on event:goal must name a goal of the service.
		siteInfo.GoalNames = func() ([]string, error) {
			goals, err := a.stats.goals.StatsGoals(r.Context(), svc.ID)
			names := make([]string, 0, len(goals))
			for _, g := range goals {
				names = append(names, g.DisplayName)
			}
			return names, err
		}
	}
	q, err := statsquery.ParseSite(body, siteInfo, a.now())
	var qe *statsquery.Error
	if errors.As(err, &qe) {
		// Plausible's body is the error alone; pointers are in its text.
		return web.BadRequest("", "%s", qe.Error())
	}
	if err != nil {
		return err
	}
	if err := a.stats.CheckGoals(r.Context(), svc.ID, q); err != nil {
		return err
	}
	res, err := a.stats.Run(r.Context(), svc.ID, q)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, res)
	return nil
}
