package feedback_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestTextRetention (issue 11, point 8): a new service keeps what people
// write for two years and its raw analytics events for 13 months, as its
// settings pages say; older text is removed while what is counted stays;
// an editor sets another retention on the settings page.
func TestTextRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov")
		var events int
		if err := db.QueryRowContext(ctx, `SELECT event_retention_days FROM services WHERE id = $1`, svc.ID).Scan(&events); err != nil || events != catalog.DefaultEventRetentionDays {
			t.Fatalf("raw events kept %d days (%v), want %d", events, err, catalog.DefaultEventRetentionDays)
		}
		if days, err := hs.fb.TextRetentionDays(ctx, svc.ID); err != nil || days != feedback.DefaultTextRetentionDays {
			t.Fatalf("text kept %d days (%v), want %d", days, err, feedback.DefaultTextRetentionDays)
		}
		submit := func(age time.Duration, comment string) int64 {
			hs.clock.set(fixedNow.Add(-age))
			rc, err := hs.fb.Submit(ctx, svc.ID, 0, feedback.Input{Kind: "satisfaction", Rating: "2", Comment: comment})
			if err != nil {
				t.Fatal(err)
			}
			return rc.ID
		}
		old := submit(800*24*time.Hour, "The form lost my answers twice")
		recent := submit(10*24*time.Hour, "Quick this time")
		hs.clock.set(fixedNow)
		if _, err := hs.fb.Update(ctx, svc.ID, old, feedback.Change{Note: ptr("Called them back")}); err != nil {
			t.Fatal(err)
		}
		n, err := hs.fb.RemoveOldText(ctx)
		if err != nil || n != 1 {
			t.Fatalf("removed the text of %d items (%v), want 1", n, err)
		}
		it, err := hs.fb.Item(ctx, svc.ID, old)
		if err != nil || it.Comment != "" || it.Note != "" || !it.TextRemoved || it.Rating == nil || *it.Rating != 2 {
			t.Fatalf("the old item: %+v %v", it, err)
		}
		if n := hs.count(`search_text LIKE '%answers%'`); n != 0 {
			t.Fatal("the old text is still searchable")
		}
		if it, _ := hs.fb.Item(ctx, svc.ID, recent); it.Comment != "Quick this time" || it.TextRemoved {
			t.Fatalf("the recent item: %+v", it)
		}
		// Still counted in user satisfaction.
		c, err := hs.fb.Satisfaction(ctx, svc.ID, fixedNow.AddDate(-3, 0, 0), fixedNow)
		if err != nil || c.Total() != 2 {
			t.Fatalf("satisfaction counts %d (%v), want 2", c.Total(), err)
		}
		if again, _ := hs.fb.RemoveOldText(ctx); again != 0 {
			t.Fatalf("a second run changed %d items", again)
		}

		// The settings page shows and sets it.
		b := hs.Browser("editor")
		page := b.Get("/services/apply/feedback/settings", http.StatusOK)
		webtest.Contains(t, "settings", page, "How long what people write is kept", `value="730"`)
		b.Post("/services/apply/feedback/settings/retention", url.Values{"retention": {"forever"}}, http.StatusBadRequest)
		b.Post("/services/apply/feedback/settings/retention", url.Values{"retention": {"5"}}, http.StatusSeeOther)
		if n, err := hs.fb.RemoveOldText(ctx); err != nil || n != 1 {
			t.Fatalf("with 5 days, removed %d (%v), want the recent one too", n, err)
		}
		hs.Browser("viewer").Post("/services/apply/feedback/settings/retention", url.Values{"retention": {"0"}}, http.StatusForbidden)
	})
}
