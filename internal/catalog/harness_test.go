package catalog_test

import (
	"net/http"
	"testing"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// harness serves the catalog over real HTTP behind webtest's fake
// authentication.
type harness struct {
	*webtest.Server
	cat  *catalog.Catalog
	site *web.Site
}

func newHarness(t *testing.T, db *store.DB, setup ...func(*catalog.Handler)) *harness {
	t.Helper()
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(db)
	h, err := catalog.NewHandler(cat, site)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range setup {
		f(h)
	}
	srv := webtest.NewServer(t, site, h.Routes, func(mux *http.ServeMux) http.Handler {
		return web.Chain(mux, web.SecurityHeaders())
	})
	return &harness{Server: srv, cat: cat, site: site}
}
