package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func TestUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := catalog.New(db)
		orig := mustCreate(t, c, parking())
		other := mustCreate(t, c, catalog.Input{Name: "Other", Domains: []string{"other.example.gov"}})

		// Only the name changes; everything else stays.
		s, err := c.Update(ctx, orig.Slug, catalog.Patch{Name: ptr(" Parking permits "), Slug: ptr(orig.Slug)})
		if err != nil {
			t.Fatal(err)
		}
		if s.Name != "Parking permits" || s.Slug != orig.Slug || !slices.Equal(s.Domains, orig.Domains) ||
			s.Timezone != orig.Timezone || s.Phase != orig.Phase || s.Public != orig.Public ||
			s.Owner != orig.Owner || s.Description != orig.Description || s.UpdatedAt.Before(orig.UpdatedAt) ||
			!s.CreatedAt.Equal(orig.CreatedAt) {
			t.Fatalf("after name patch: %+v\nwas %+v", s, orig)
		}

		// Domains are replaced as a set, in the new order.
		s, err = c.Update(ctx, orig.Slug, catalog.Patch{
			Domains: &[]string{"permits.example.gov", "parking.example.gov"}, Phase: ptr(catalog.PhaseRetiring),
			Public: ptr(false), Timezone: ptr("America/New_York"), Owner: ptr(""), Archived: ptr(true),
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Domains, []string{"permits.example.gov", "parking.example.gov"}) || s.Phase != catalog.PhaseRetiring ||
			s.Public || s.Timezone != "America/New_York" || s.Owner != "" || !s.Archived() {
			t.Fatalf("after patch: %+v", s)
		}
		if _, err := c.ByHost(ctx, "www.parking.example.gov"); err != nil {
			t.Fatalf("www. still finds the bare host: %v", err)
		}
		if got, err := c.ByHost(ctx, "permits.example.gov"); err != nil || got.ID != orig.ID {
			t.Fatalf("ByHost(new domain) = %v, %v", got, err)
		}
		if s, err = c.Update(ctx, orig.Slug, catalog.Patch{Archived: ptr(false)}); err != nil || s.Archived() {
			t.Fatalf("restore by patch: %+v, %v", s, err)
		}

		for name, tc := range map[string]struct {
			p      catalog.Patch
			status int
			field  string
		}{
			"slug changed":          {catalog.Patch{Slug: ptr("parking")}, http.StatusBadRequest, "slug"},
			"name emptied":          {catalog.Patch{Name: ptr("  ")}, http.StatusBadRequest, "name"},
			"no domains":            {catalog.Patch{Domains: &[]string{}}, http.StatusBadRequest, "domains"},
			"bad zone":              {catalog.Patch{Timezone: ptr("Local")}, http.StatusBadRequest, "timezone"},
			"bad phase":             {catalog.Patch{Phase: ptr(catalog.Phase("alpha"))}, http.StatusBadRequest, "phase"},
			"other's domain":        {catalog.Patch{Domains: &[]string{"parking.example.gov", "other.example.gov"}}, http.StatusConflict, "domains"},
			"other.s domain pasted": {catalog.Patch{Domains: &[]string{"https://OTHER.example.gov/"}}, http.StatusConflict, "domains"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := c.Update(ctx, orig.Slug, tc.p)
				inputError(t, err, tc.status, tc.field)
				now, _ := c.BySlug(ctx, orig.Slug)
				if !slices.Equal(now.Domains, s.Domains) || now.Name != s.Name || !now.UpdatedAt.Equal(s.UpdatedAt) {
					t.Fatalf("a refused patch changed the service: %+v", now)
				}
			})
		}
		if o, _ := c.BySlug(ctx, other.Slug); !slices.Equal(o.Domains, []string{"other.example.gov"}) {
			t.Fatalf("other service's domains = %v", o.Domains)
		}
		if _, err := c.Update(ctx, "nope", catalog.Patch{Name: ptr("x")}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Update(missing) = %v", err)
		}
	})
}

// TestConcurrentCreates checks that racing writers never get a 500: on
// PostgreSQL the later transaction hits the unique constraint after its
// checks passed, and must come back as a retry or a 409.
func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := catalog.New(db)
		const n = 6
		run := func(in func(i int) catalog.Input) []error {
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { _, errs[i] = c.Create(ctx, in(i)) })
			}
			wg.Wait()
			return errs
		}
		// Same name, own hostnames: every one succeeds with its own slug.
		for _, err := range run(func(i int) catalog.Input {
			return catalog.Input{Name: "Same name", Domains: []string{fmt.Sprintf("s%d.example.gov", i)}}
		}) {
			if err != nil {
				t.Fatalf("derived slug race: %v", err)
			}
		}
		list, _ := c.List(ctx, catalog.ListOptions{})
		slugs := map[string]bool{}
		for _, s := range list {
			slugs[s.Slug] = true
		}
		if len(slugs) != n || !slugs["same-name"] || !slugs[fmt.Sprintf("same-name-%d", n)] {
			t.Fatalf("slugs = %v", slugs)
		}
		// Same hostname: one wins, the others get a 409 on domains.
		won := 0
		for _, err := range run(func(i int) catalog.Input {
			return catalog.Input{Name: fmt.Sprintf("Racer %d", i), Domains: []string{"race.example.gov"}}
		}) {
			if err == nil {
				won++
				continue
			}
			inputError(t, err, http.StatusConflict, "domains")
		}
		if won != 1 {
			t.Fatalf("%d creates with the same hostname succeeded, want 1", won)
		}
	})
}
