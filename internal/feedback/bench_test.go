package feedback_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/themes"
)

// fill writes n items to the service straight into the table, one every
// five minutes back from fixedNow: the four kinds in turn, 70% new, a
// rating on every satisfaction answer, a tag on every tenth, and texts
// drawn from a few recurring ones.
func fill(b *testing.B, db *store.DB, serviceID int64, n int) {
	b.Helper()
	ctx := context.Background()
	texts := []string{"The card payment failed at the last step", "Could not find the opening hours",
		"Parking permit renewal was slow", "The upload page timed out twice", "Great service, thank you", ""}
	statuses := []string{"new", "new", "new", "new", "new", "new", "new", "triaged", "triaged", "actioned"}
	const batch = 500
	for start := 0; start < n; start += batch {
		err := db.Tx(ctx, func(tx store.Querier) error {
			var rows []string
			var args []any
			for i := start; i < min(start+batch, n); i++ {
				kind := feedback.Kinds[i%4]
				var rating, useful any
				if kind == feedback.KindSatisfaction {
					rating = i%5 + 1
				}
				if kind == feedback.KindUseful {
					useful = i%3 != 0
				}
				text := texts[i%len(texts)]
				at := fixedNow.Add(-time.Duration(i) * 5 * time.Minute)
				rows = append(rows, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
					len(args)+1, len(args)+2, len(args)+3, len(args)+4, len(args)+5, len(args)+6, len(args)+7, len(args)+8, len(args)+9, len(args)+10, len(args)+11))
				args = append(args, serviceID, kind, fmt.Sprintf("https://apply.example.gov/page/%d", i%200), fmt.Sprintf("/page/%d", i%200),
					useful, rating, text, themes.Normalize(text), statuses[i%len(statuses)], at, at)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO feedback (service_id, kind, url, page, useful, rating, comment, search_text, status, created_at, updated_at)
				VALUES `+strings.Join(rows, ", "), args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO feedback_tags (feedback_id, service_id, tag)
		SELECT id, service_id, 'payments' FROM feedback WHERE service_id = $1 AND id % 10 = 0`, serviceID); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInbox reports the inbox query — the count and the first page of
// 50, with their tags — with two filters over 100,000 items of one service
// on SQLite (and 20,000 of another). Run with
//
//	go test -run x -bench Inbox -benchtime 20x ./internal/feedback/
func BenchmarkInbox(b *testing.B) {
	db := storetest.SQLite(b)
	cat, fb := catalog.New(db), feedback.New(db)
	svc := newService(b, cat, "Apply", "apply.example.gov")
	other := newService(b, cat, "Renew", "renew.example.gov")
	fill(b, db, svc.ID, 100_000)
	fill(b, db, other.ID, 20_000)
	if _, err := db.ExecContext(context.Background(), `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	london := svc.Location()
	month := time.Date(2026, 3, 1, 0, 0, 0, 0, london)
	for _, bc := range []struct {
		name   string
		flt    feedback.Filter
		offset int
	}{
		{"kind+status", feedback.Filter{Kind: feedback.KindProblem, Status: feedback.StatusNew}, 0},
		{"kind+status/page100", feedback.Filter{Kind: feedback.KindProblem, Status: feedback.StatusNew}, 99 * 50},
		{"rating+dates", feedback.Filter{Rating: 1, From: month, To: month.AddDate(0, 1, 0)}, 0},
		{"tag+kind", feedback.Filter{Tag: "payments", Kind: feedback.KindComment}, 0},
		{"status+text", feedback.Filter{Status: feedback.StatusNew, Text: "card payment"}, 0},
		{"kind+theme", feedback.Filter{Kind: feedback.KindUseful, Theme: "permit renewal"}, 0},
		{"none", feedback.Filter{}, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.flt.Services = []int64{svc.ID}
			ctx := context.Background()
			for b.Loop() {
				items, total, err := fb.List(ctx, bc.flt, bc.offset, 50)
				if err != nil || total == 0 || len(items) == 0 {
					b.Fatalf("%d of %d, %v", len(items), total, err)
				}
			}
		})
	}
}

// BenchmarkSubmit reports public JSON submissions per second through the
// handler, stored on SQLite: each a new comment from one of many visitors,
// so the rate limit and duplicate check run but never refuse. Run with
//
//	go test -run x -bench Submit -benchtime 3s ./internal/feedback/
func BenchmarkSubmit(b *testing.B) {
	db := storetest.SQLite(b)
	cat, fb := catalog.New(db), feedback.New(db)
	newService(b, cat, "Apply", "apply.example.gov")
	var n atomic.Int64
	key := func(ctx context.Context, s *catalog.Service, r *http.Request) (int64, error) {
		return n.Load()/5 + 1, nil
	}
	mux := publicMux(b, fb, cat, feedback.Options{VisitorKey: key})
	send := func() {
		i := n.Add(1)
		body := fmt.Sprintf(`{"domain": "apply.example.gov", "url": "https://apply.example.gov/pay?ref=%d", "kind": "comment",
			"comment": "Comment %d: the card payment failed, email me at someone%d@example.com"}`, i, i, i)
		req := httptest.NewRequest("POST", "/api/feedback", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("submission %d = %d %s", i, rec.Code, rec.Body)
		}
	}
	b.Run("serial", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			send()
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submissions/s")
	})
	b.Run("parallel", func(b *testing.B) {
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				send()
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submissions/s")
	})
}
