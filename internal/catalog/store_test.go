package catalog_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

func parking() catalog.Input {
	return catalog.Input{
		Name:        "  Apply for a parking permit ",
		Domains:     []string{"https://Parking.Example.gov/", "www.parking.example.gov", "parking.example.gov"},
		Description: "Permits for residents.",
		Owner:       "Parking team",
		Timezone:    "Europe/London",
		Phase:       catalog.PhaseBeta,
		Public:      true,
	}
}

func mustCreate(t *testing.T, c *catalog.Catalog, in catalog.Input) *catalog.Service {
	t.Helper()
	s, err := c.Create(context.Background(), in)
	if err != nil {
		t.Fatalf("Create(%q): %v", in.Name, err)
	}
	return s
}

// inputError asserts that err is an *InputError with status, whose first
// problem is about field.
func inputError(t *testing.T, err error, status int, field string) *catalog.InputError {
	t.Helper()
	var ie *catalog.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v, want an *InputError", err)
	}
	if ie.Status != status || len(ie.Errors) == 0 || ie.Errors[0].Field != field {
		t.Fatalf("error = %d %+v, want %d on %q", ie.Status, ie.Errors, status, field)
	}
	return ie
}

func TestCreateAndRead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := catalog.New(db)
		before := time.Now().UTC().Add(-time.Second)
		s := mustCreate(t, c, parking())
		want := []string{"parking.example.gov", "www.parking.example.gov"}
		if s.Slug != "apply-for-a-parking-permit" || s.Name != "Apply for a parking permit" ||
			!slices.Equal(s.Domains, want) || s.Timezone != "Europe/London" || s.Phase != catalog.PhaseBeta ||
			!s.Public || s.Owner != "Parking team" || s.Description != "Permits for residents." || s.Archived() {
			t.Fatalf("created %+v", s)
		}
		if s.CreatedAt.Location() != time.UTC || s.CreatedAt.Before(before) || !s.UpdatedAt.Equal(s.CreatedAt) ||
			s.CreatedAt.Nanosecond()%1000 != 0 {
			t.Fatalf("times: created %v updated %v", s.CreatedAt, s.UpdatedAt)
		}
		for name, get := range map[string]func() (*catalog.Service, error){
			"BySlug":        func() (*catalog.Service, error) { return c.BySlug(ctx, s.Slug) },
			"ByID":          func() (*catalog.Service, error) { return c.ByID(ctx, s.ID) },
			"ByHost exact":  func() (*catalog.Service, error) { return c.ByHost(ctx, "PARKING.example.gov") },
			"ByHost www":    func() (*catalog.Service, error) { return c.ByHost(ctx, "www.parking.example.gov") },
			"ByHost dot":    func() (*catalog.Service, error) { return c.ByHost(ctx, "parking.example.gov.") },
			"List archived": func() (*catalog.Service, error) { return only(c.List(ctx, catalog.ListOptions{IncludeArchived: true})) },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got.ID != s.ID || !slices.Equal(got.Domains, want) || !got.CreatedAt.Equal(s.CreatedAt) || got.Phase != s.Phase || got.Public != s.Public {
				t.Fatalf("%s = %+v, want %+v", name, got, s)
			}
		}
		for _, missing := range []func() error{
			func() error { _, err := c.BySlug(ctx, "nope"); return err },
			func() error { _, err := c.ByID(ctx, s.ID+100); return err },
			func() error { _, err := c.ByHost(ctx, "example.gov"); return err },
			func() error { _, err := c.ByHost(ctx, ""); return err },
		} {
			if err := missing(); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing service: err = %v, want store.ErrNotFound", err)
			}
		}
	})
}

func only(list []*catalog.Service, err error) (*catalog.Service, error) {
	if err != nil || len(list) != 1 {
		return nil, errors.Join(err, errors.New("want exactly one service"))
	}
	return list[0], nil
}

func TestByHostWWW(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := catalog.New(db)
		bare := mustCreate(t, c, catalog.Input{Name: "Bare", Domains: []string{"example.gov"}})
		www := mustCreate(t, c, catalog.Input{Name: "WWW", Domains: []string{"www.example.gov", "www.other.gov"}})
		for host, want := range map[string]int64{
			"example.gov":         bare.ID,
			"www.example.gov":     www.ID, // both registered: the exact match wins
			"other.gov":           www.ID, // only www. registered
			"Www.Example.Gov":     www.ID,
			"www.www.example.gov": www.ID, // www. plus a registered host
			"wwwexample.gov":      0,
			"sub.example.gov":     0,
		} {
			s, err := c.ByHost(ctx, host)
			switch {
			case want == 0 && !errors.Is(err, store.ErrNotFound):
				t.Errorf("ByHost(%q) = %v, %v; want not found", host, s, err)
			case want != 0 && (err != nil || s.ID != want):
				t.Errorf("ByHost(%q) = %v, %v; want service %d", host, s, err, want)
			}
		}
	})
}

func TestDerivedSlugs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := catalog.New(db)
		for i, want := range []string{"renew-a-licence", "renew-a-licence-2", "renew-a-licence-3"} {
			s := mustCreate(t, c, catalog.Input{Name: "Renew a licence", Domains: []string{"r" + string(rune('a'+i)) + ".example.gov"}})
			if s.Slug != want {
				t.Fatalf("slug %d = %q, want %q", i, s.Slug, want)
			}
		}
		if s := mustCreate(t, c, catalog.Input{Name: "New", Domains: []string{"new.example.gov"}}); s.Slug != "new-2" {
			t.Fatalf("slug of a service named New = %q, want new-2 (new is a route)", s.Slug)
		}
		if s := mustCreate(t, c, catalog.Input{Name: "Renew a licence", Slug: "renew-a-licence-3-x", Domains: []string{"x.example.gov"}}); s.Slug != "renew-a-licence-3-x" {
			t.Fatalf("explicit slug = %q", s.Slug)
		}
	})
}

func TestCreateConflicts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := catalog.New(db)
		mustCreate(t, c, parking())
		_, err := c.Create(ctx, catalog.Input{Name: "Other", Slug: "apply-for-a-parking-permit", Domains: []string{"other.example.gov"}})
		ie := inputError(t, err, http.StatusConflict, "slug")
		if want := "apply-for-a-parking-permit is already the slug of “Apply for a parking permit”: choose another"; ie.Errors[0].Message != want {
			t.Fatalf("message = %q, want %q", ie.Errors[0].Message, want)
		}
		_, err = c.Create(ctx, catalog.Input{Name: "Other", Domains: []string{"other.example.gov", "WWW.parking.example.gov"}})
		ie = inputError(t, err, http.StatusConflict, "domains")
		if want := "www.parking.example.gov is already used by the service “Apply for a parking permit”"; ie.Errors[0].Message != want {
			t.Fatalf("message = %q, want %q", ie.Errors[0].Message, want)
		}
		_, err = c.Create(ctx, catalog.Input{Name: "", Domains: []string{"a.example.gov/x"}})
		ie = inputError(t, err, http.StatusBadRequest, "name")
		if len(ie.Errors) != 2 || ie.Errors[1].Field != "domains" {
			t.Fatalf("errors = %+v, want name and domains", ie.Errors)
		}
		// Nothing of the refused services was written.
		list, err := c.List(ctx, catalog.ListOptions{IncludeArchived: true})
		if err != nil || len(list) != 1 {
			t.Fatalf("List = %d services, %v; want 1", len(list), err)
		}
		if _, err := c.ByHost(ctx, "other.example.gov"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a refused service's hostname was stored: %v", err)
		}
	})
}

func TestListOrderAndArchive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := catalog.New(db)
		for _, n := range []string{"charlie", "Bravo", "alpha", "Delta"} {
			mustCreate(t, c, catalog.Input{Name: n, Domains: []string{n + ".example.gov", "www." + n + ".example.gov"}})
		}
		names := func(opt catalog.ListOptions) []string {
			t.Helper()
			list, err := c.List(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, s := range list {
				if len(s.Domains) != 2 || s.Domains[0] != strings.ToLower(s.Name)+".example.gov" {
					t.Fatalf("%s has domains %v", s.Name, s.Domains)
				}
				out = append(out, s.Name)
			}
			return out
		}
		if got := names(catalog.ListOptions{}); !slices.Equal(got, []string{"alpha", "Bravo", "charlie", "Delta"}) {
			t.Fatalf("List = %v", got)
		}
		for range 2 { // archiving twice is harmless
			if err := c.Archive(ctx, "bravo"); err != nil {
				t.Fatal(err)
			}
		}
		s, _ := c.BySlug(ctx, "bravo")
		if !s.Archived() || s.ArchivedAt.Location() != time.UTC || s.UpdatedAt.Before(s.CreatedAt) {
			t.Fatalf("archived service: %+v", s)
		}
		if got := names(catalog.ListOptions{}); !slices.Equal(got, []string{"alpha", "charlie", "Delta"}) {
			t.Fatalf("List without archived = %v", got)
		}
		if got := names(catalog.ListOptions{IncludeArchived: true}); len(got) != 4 {
			t.Fatalf("List with archived = %v", got)
		}
		for range 2 {
			if err := c.Restore(ctx, "bravo"); err != nil {
				t.Fatal(err)
			}
		}
		if got := names(catalog.ListOptions{}); len(got) != 4 {
			t.Fatalf("List after restore = %v", got)
		}
		if err := c.Archive(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Archive(missing) = %v", err)
		}
		if err := c.Restore(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Restore(missing) = %v", err)
		}
	})
}
