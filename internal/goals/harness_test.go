package goals_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// harness serves the goals area over real HTTP behind webtest's fake
// authentication.
type harness struct {
	*webtest.Server
	t     *testing.T
	cat   *catalog.Catalog
	goals *goals.Goals
	site  *web.Site
}

// fixedNow is the harness's clock: 15 June 2026, midday UTC.
var fixedNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, db *store.DB) *harness {
	t.Helper()
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(db)
	g := goals.New(db)
	h, err := goals.NewHandler(g, cat, site)
	if err != nil {
		t.Fatal(err)
	}
	h.Now = func() time.Time { return fixedNow }
	srv := webtest.NewServer(t, site, h.Routes, func(mux *http.ServeMux) http.Handler {
		return web.Chain(site.Mux(mux), web.SecurityHeaders())
	})
	return &harness{Server: srv, t: t, cat: cat, goals: g, site: site}
}

// service adds a service to the catalog.
func (hs *harness) service(name, host, zone string) *catalog.Service {
	hs.t.Helper()
	return newService(hs.t, hs.cat, name, host, zone)
}

func newService(t *testing.T, cat *catalog.Catalog, name, host, zone string) *catalog.Service {
	t.Helper()
	s, err := cat.Create(context.Background(), catalog.Input{Name: name, Domains: []string{host}, Timezone: zone})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
