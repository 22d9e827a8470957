package catalog_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

func TestAddServiceForm(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, storetest.SQLite(t))
	b := hs.Browser("admin")
	page := b.Get("/services/new", http.StatusOK)
	webtest.Contains(t, "form", page, `<form method="post" action="/services/new"`, `<label for="name">`, `<label for="slug">`,
		`Leave blank to derive from the name`, `aria-describedby="slug-hint`, `<label for="domains">`, `<textarea id="domains"`,
		`list="timezones"`, `<datalist id="timezones">`, `value="UTC"`, `<legend>Phase</legend>`,
		`id="phase-live" name="phase" value="live" checked`, `<input type="checkbox" id="public" name="public" value="yes">`)
	if b.CSRF() == "" {
		t.Fatal("the form has no CSRF token")
	}

	// Without the CSRF field the form is refused.
	b.Post("/services/new", url.Values{"csrf_token": {"forged"}, "name": {"X"}, "domains": {"x.gov"}}, http.StatusForbidden)

	_, page = b.Post("/services/new", url.Values{
		"name": {""}, "slug": {"Bad Slug"}, "domains": {"apply.example.gov/start"}, "timezone": {"Mars/Base"},
		"phase": {"beta"}, "owner": {"Team <b>"},
	}, http.StatusBadRequest)
	webtest.Contains(t, "form with errors", page, "<title>Error: Add a service – liveops</title>", "There is a problem",
		`<a href="#name">Enter a name for the service</a>`, `<a href="#slug">`, `<a href="#domains">“apply.example.gov/start” is not a hostname: enter a hostname such as apply.example.gov, without a path</a>`,
		`<a href="#timezone">`, `id="domains-error"`, `aria-describedby="domains-hint domains-error"`, `aria-invalid="true"`,
		`>apply.example.gov/start</textarea>`, `value="Mars/Base"`, `value="Bad Slug"`, `value="Team &lt;b&gt;"`,
		`id="phase" name="phase" value="beta" checked`)
	webtest.Lacks(t, "form with errors", page, `value="live" checked`)

	resp, _ := b.Post("/services/new", url.Values{
		"name": {"Renew a licence"}, "domains": {"https://Renew.example.gov/\r\nwww.renew.example.gov\r\n\r\n"},
		"timezone": {"Europe/Paris"}, "phase": {"beta"}, "public": {"yes"}, "owner": {"Licensing"}, "description": {"Renewals."},
	}, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/services/renew-a-licence" {
		t.Fatalf("redirect to %q", loc)
	}
	s, err := hs.cat.BySlug(context.Background(), "renew-a-licence")
	if err != nil || s.Name != "Renew a licence" || !slices.Equal(s.Domains, []string{"renew.example.gov", "www.renew.example.gov"}) ||
		s.Timezone != "Europe/Paris" || s.Phase != catalog.PhaseBeta || !s.Public || s.Owner != "Licensing" || s.Description != "Renewals." {
		t.Fatalf("stored %+v, %v", s, err)
	}
	page = b.Get("/services/renew-a-licence", http.StatusOK)
	webtest.Contains(t, "service page", page, `<p>Renew a licence is added to your services.</p>`, `<h1>Renew a licence</h1>`,
		`<dl class="summary">`, `<dd>Europe/Paris</dd>`, `<li>renew.example.gov</li>`, `<li>www.renew.example.gov</li>`,
		`<span class="tag beta">Beta</span>`, `href="/services/renew-a-licence/edit"`, `action="/services/renew-a-licence/archive"`)
	if page = b.Get("/services/renew-a-licence", http.StatusOK); strings.Contains(page, "is added") {
		t.Fatal("the flash message is shown twice")
	}

	// A hostname of another service is a 409, and the summary names it.
	b.Get("/services/new", http.StatusOK)
	_, page = b.Post("/services/new", url.Values{"name": {"Copy"}, "domains": {"WWW.renew.example.gov"}}, http.StatusConflict)
	webtest.Contains(t, "conflict", page, `<a href="#domains">www.renew.example.gov is already used by the service “Renew a licence”</a>`)
	b.Get("/services/new", http.StatusOK)
	_, page = b.Post("/services/new", url.Values{"name": {"Copy"}, "slug": {"renew-a-licence"}, "domains": {"copy.example.gov"}}, http.StatusConflict)
	webtest.Contains(t, "conflict", page, `<a href="#slug">renew-a-licence is already the slug of “Renew a licence”: choose another</a>`)
}

func TestEditArchiveRestore(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, storetest.SQLite(t))
	ctx := context.Background()
	orig := mustCreate(t, hs.cat, catalog.Input{Name: "Renew", Domains: []string{"renew.example.gov", "www.renew.example.gov"}, Phase: catalog.PhaseBeta, Public: true})
	b := hs.Browser("editor")
	page := b.Get("/services/renew/edit", http.StatusOK)
	webtest.Contains(t, "edit form", page, "<h1>Edit Renew</h1>", "<code>renew</code>", ">renew.example.gov\nwww.renew.example.gov</textarea>",
		`value="beta" checked`, `value="yes" checked`)
	webtest.Lacks(t, "edit form", page, `<label for="slug">`)
	b.Get("/services/new", http.StatusOK) // an editor who sees every service may add one

	_, page = b.Post("/services/renew/edit", url.Values{"name": {"Renew"}, "domains": {""}, "phase": {"live"}}, http.StatusBadRequest)
	webtest.Contains(t, "edit with errors", page, "<title>Error: Edit Renew – liveops</title>", `<a href="#domains">Enter at least one hostname`)

	resp, _ := b.Post("/services/renew/edit", url.Values{"name": {"Renew your licence"}, "domains": {"renew.example.gov"},
		"phase": {"retiring"}, "timezone": {"Asia/Tokyo"}, "owner": {"Licensing"}}, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/services/renew" {
		t.Fatalf("redirect to %q", loc)
	}
	s, _ := hs.cat.BySlug(ctx, "renew")
	if s.Name != "Renew your licence" || !slices.Equal(s.Domains, []string{"renew.example.gov"}) || s.Public ||
		s.Phase != catalog.PhaseRetiring || s.Timezone != "Asia/Tokyo" || s.Owner != "Licensing" || s.ID != orig.ID {
		t.Fatalf("after edit: %+v", s)
	}
	webtest.Contains(t, "service page", b.Get("/services/renew", http.StatusOK), "Your changes to Renew your licence are saved.")

	b.Post("/services/renew/archive", nil, http.StatusSeeOther)
	if s, _ = hs.cat.BySlug(ctx, "renew"); !s.Archived() {
		t.Fatal("not archived")
	}
	page = b.Get("/services/renew", http.StatusOK)
	webtest.Contains(t, "archived service", page, "is archived", `<span class="tag archived">Archived</span>`, `action="/services/renew/restore"`)
	page = b.Get("/", http.StatusOK)
	webtest.Lacks(t, "home", page, "/services/renew\"")
	webtest.Contains(t, "home", page, `<a href="/services/archived">Archived services (1)</a>`)
	page = b.Get("/services/archived", http.StatusOK)
	webtest.Contains(t, "archived list", page, `<a href="/services/renew">Renew your licence</a>`, `action="/services/renew/restore"`,
		`Restore<span class="visually-hidden"> Renew your licence</span>`)

	v := hs.Browser("viewer")
	page = v.Get("/services/archived", http.StatusOK)
	webtest.Contains(t, "archived list for a viewer", page, "Renew your licence")
	webtest.Lacks(t, "archived list for a viewer", page, "/restore")
	webtest.Contains(t, "viewer", v.Get("/services/renew/edit", http.StatusForbidden), "You can see this service but not change it.")
	v.Get("/", http.StatusOK)
	v.Post("/services/renew/restore", nil, http.StatusForbidden)
	webtest.Contains(t, "viewer", v.Get("/services/new", http.StatusForbidden), "You cannot add services.")
	v.Post("/services/new", url.Values{"name": {"X"}, "domains": {"x.gov"}}, http.StatusForbidden)
	webtest.Lacks(t, "service page for a viewer", v.Get("/services/renew", http.StatusOK), "/edit", "/restore")

	b.Post("/services/renew/restore", nil, http.StatusSeeOther)
	if s, _ = hs.cat.BySlug(ctx, "renew"); s.Archived() {
		t.Fatal("not restored")
	}
	webtest.Contains(t, "home", b.Get("/", http.StatusOK), `<a href="/services/renew">Renew your licence</a>`)
	webtest.Contains(t, "missing", b.Get("/services/nope", http.StatusNotFound), "service not found")
	b.Post("/services/nope/archive", nil, http.StatusNotFound)

	// Every catalog page has now been rendered at least once.
	for _, name := range hs.site.NeverExecuted() {
		if strings.HasPrefix(name, "catalog/") {
			t.Errorf("page %s was never rendered by the tests", name)
		}
	}
}

func TestHomeTiles(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	hs := newHarness(t, db, func(h *catalog.Handler) {
		h.AddTileSource(func(ctx context.Context, s *catalog.Service) []catalog.TileFigure {
			if s.Slug == "alpha" {
				return []catalog.TileFigure{{Label: "Visitors today", Value: "1,204", Note: "+8% on last week"}}
			}
			return nil
		})
	})
	webtest.Contains(t, "empty home for a viewer", hs.Browser("viewer").Get("/", http.StatusOK), "There are no services for you to see yet.")
	page := hs.Browser("admin").Get("/", http.StatusOK)
	webtest.Contains(t, "empty home for an admin", page, "There are no services here yet.", `<a class="button" href="/services/new">Add a service</a>`)
	webtest.Lacks(t, "empty home", page, `<ul class="tiles">`)

	alpha := mustCreate(t, hs.cat, catalog.Input{Name: "Alpha", Domains: []string{"alpha.example.gov", "www.alpha.example.gov"}, Owner: "Team A", Phase: catalog.PhaseRetiring})
	mustCreate(t, hs.cat, catalog.Input{Name: "Bravo", Domains: []string{"bravo.example.gov"}})
	mustCreate(t, hs.cat, catalog.Input{Name: "Charlie", Domains: []string{"charlie.example.gov"}})
	if err := hs.cat.Archive(context.Background(), "charlie"); err != nil {
		t.Fatal(err)
	}
	hs.Allow("limited", alpha.ID)

	page = hs.Browser("admin").Get("/", http.StatusOK)
	a, b := strings.Index(page, `<h2><a href="/services/alpha">Alpha</a></h2>`), strings.Index(page, `<h2><a href="/services/bravo">Bravo</a></h2>`)
	if a < 0 || b < a || strings.Count(page, `<li class="tile">`) != 2 {
		t.Fatalf("admin's tiles are not Alpha then Bravo:\n%s", page)
	}
	webtest.Contains(t, "alpha tile", page[a:b], `<span class="tag retiring">Retiring</span>`, "<p>alpha.example.gov, www.alpha.example.gov</p>",
		"<p>Owner: Team A</p>", `<dt>Visitors today</dt><dd>1,204 <span class="muted">&#43;8% on last week</span></dd>`)
	webtest.Lacks(t, "bravo tile", page[b:], "<dl", "Owner:")
	webtest.Contains(t, "admin home", page, "Add a service", "Archived services (1)")

	page = hs.Browser("limited").Get("/", http.StatusOK)
	webtest.Contains(t, "limited editor's home", page, `<a href="/services/alpha">Alpha</a>`, `<a href="/services/archived">Archived services</a>`)
	webtest.Lacks(t, "limited editor's home", page, "Bravo", "Charlie", "Add a service")
	l := hs.Browser("limited")
	l.Get("/services/bravo", http.StatusNotFound)
	l.Get("/services/bravo/edit", http.StatusNotFound)
	webtest.Lacks(t, "limited editor's archive", l.Get("/services/archived", http.StatusOK), "Charlie")
	webtest.Contains(t, "limited editor's service", l.Get("/services/alpha", http.StatusOK), `href="/services/alpha/edit"`)

	// Someone not signed in is sent to sign in.
	resp, _ := hs.Browser("").Do(http.MethodGet, "/", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("anonymous home = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
