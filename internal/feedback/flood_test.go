package feedback_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// agentVisitorKey hashes the address and the user agent, as the analytics
// visitor hash does: a new user agent is a new visitor.
func agentVisitorKey(ctx context.Context, s *catalog.Service, r *http.Request) (int64, error) {
	h := fnv.New64a()
	io.WriteString(h, web.ClientIP(ctx).String()+r.UserAgent()+s.Slug)
	return int64(h.Sum64() >> 1), nil
}

// TestFloodWithChangingUserAgents (issue 11, point 9): before, a new user
// agent per request let one address post 300 items in a second, and 200
// survey answers moved a public satisfaction figure. Now what one network
// (an IPv4 /24) sends is judged together: the first ten in ten minutes are
// counted, the next fifty stored but held back from the figures, the rest
// refused with 429; another network is not affected; a person can look at
// the held items and count them; the addresses are stored nowhere.
func TestFloodWithChangingUserAgents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := newHarness(t, db, agentVisitorKey)
		svc := hs.service("Apply", "apply.example.gov")
		satisfaction := func() int {
			c, err := hs.fb.Satisfaction(ctx, svc.ID, fixedNow.Add(-time.Hour), fixedNow.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			return c.Total()
		}

		// 300 JSON answers from one address, each with its own browser.
		codes := map[int]int{}
		for i := range 300 {
			r := hs.postJSON(`{"domain": "apply.example.gov", "kind": "satisfaction", "rating": 1}`, "203.0.113.7",
				"User-Agent", fmt.Sprintf("Mozilla/5.0 (flood %d)", i))
			codes[r.status]++
			if r.status == http.StatusTooManyRequests && r.header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
		if codes[201] != 60 || codes[429] != 240 {
			t.Fatalf("answers %v, want 60 stored and 240 refused", codes)
		}
		if n := hs.count(`service_id = $1 AND held`, svc.ID); n != 50 {
			t.Fatalf("%d items held, want 50", n)
		}
		if n := satisfaction(); n != 10 {
			t.Fatalf("user satisfaction counts %d answers, want 10", n)
		}

		// The hosted survey, from other addresses of the same /24.
		for i := range 200 {
			hs.send("POST", "/survey/apply", "application/x-www-form-urlencoded", url.Values{"rating": {"1"}}.Encode(),
				fmt.Sprintf("203.0.113.%d", 10+i%200), "User-Agent", fmt.Sprintf("survey %d", i))
		}
		if n := satisfaction(); n != 10 {
			t.Fatalf("after 200 survey posts from the network, user satisfaction counts %d, want 10", n)
		}

		// Someone elsewhere is counted as ever.
		if r := hs.postJSON(`{"domain": "apply.example.gov", "kind": "satisfaction", "rating": 5}`, "198.51.100.1"); r.status != 201 {
			t.Fatalf("an answer from another network: %d %s", r.status, r.body)
		}
		if n := satisfaction(); n != 11 {
			t.Fatalf("user satisfaction counts %d, want 11", n)
		}

		// The inbox says what is held and lists it; an editor counts one.
		b := hs.Browser("editor")
		page := b.Get("/services/apply/feedback", http.StatusOK)
		webtest.Contains(t, "inbox", page, "50 items are held back from the figures", `href="/services/apply/feedback?held=yes"`)
		held := b.Get("/services/apply/feedback?held=yes", http.StatusOK)
		webtest.Contains(t, "held inbox", held, `<h2 id="items">50 items match the filters</h2>`, `<span class="tag tag-held">Held back</span>`,
			"Count the held items in the figures")
		items, _, err := hs.fb.List(ctx, feedback.Filter{Services: []int64{svc.ID}, HeldOnly: true}, 0, 1)
		if err != nil || len(items) != 1 || !items[0].Held {
			t.Fatalf("held items: %v %v", items, err)
		}
		id := items[0].ID
		webtest.Contains(t, "held item", b.Get(fmt.Sprintf("/services/apply/feedback/%d?back=%%2Fservices%%2Fapply%%2Ffeedback%%3Fheld%%3Dyes", id), http.StatusOK),
			"Count it in the figures", `<input type="hidden" name="back" value="/services/apply/feedback?held=yes">`)
		b.Post(fmt.Sprintf("/services/apply/feedback/%d/count", id), url.Values{"back": {"/services/apply/feedback?held=yes"}}, http.StatusSeeOther)
		if n := satisfaction(); n != 12 {
			t.Fatalf("after counting one held item, user satisfaction counts %d, want 12", n)
		}
		// The API shows the flag and can clear it.
		status, got := hs.Call("readtoken", "GET", "/api/v1/services/apply/feedback?held=yes&limit=1", "")
		if status != 200 || got["total"] != 49.0 || !strings.Contains(fmt.Sprint(got["feedback"]), "held:true") {
			t.Fatalf("API list of held items: %d %v", status, got)
		}

		// The addresses are in no row.
		if n := hs.count(`search_text LIKE '%203.0.113%' OR url LIKE '%203.0.113%' OR comment LIKE '%203.0.113%' OR note LIKE '%203.0.113%'`); n != 0 {
			t.Errorf("%d items hold the address", n)
		}
		var recent int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM feedback_recent WHERE fingerprint LIKE '%203.0.113%'`).Scan(&recent); err != nil || recent != 0 {
			t.Errorf("feedback_recent holds the address: %d %v", recent, err)
		}
	})
}
