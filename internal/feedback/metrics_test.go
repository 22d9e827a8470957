package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestMetrics: the feedback metrics count items by bucket, as the
// satisfaction counts of the kpi area did; the period starts at midday, so
// its first and last days are cut short.
func TestMetrics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, fb := catalog.New(db), feedback.New(db)
		c := &clock{t: fixedNow}
		fb.SetClock(c.now)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		at := func(d time.Duration, in feedback.Input) {
			t.Helper()
			c.set(fixedNow.Add(d))
			if _, err := fb.Submit(ctx, svc.ID, 0, in); err != nil {
				t.Fatal(err)
			}
		}
		sat := func(r string) feedback.Input { return feedback.Input{Kind: "satisfaction", Rating: r} }
		at(0, sat("5"))
		at(time.Hour, sat("4"))
		at(25*time.Hour, sat("5"))
		at(26*time.Hour, feedback.Input{Kind: "problem", Wrong: "The button does nothing"})
		at(49*time.Hour, feedback.Input{Kind: "comment", Comment: "Fine"})

		reg := metric.NewRegistry()
		if err := reg.Register(fb.Metrics()...); err != nil {
			t.Fatal(err)
		}
		q := metric.Query{Service: metric.Service{ID: svc.ID, Zone: time.UTC}, From: fixedNow, To: fixedNow.Add(72 * time.Hour), Interval: metric.Day}
		for _, tc := range []struct {
			name   string
			params map[string]string
			want   string
		}{
			{"feedback_items", nil, "[2 2 1 0]"},
			{"problem_reports", nil, "[0 1 0 0]"},
			{"satisfaction_answers", nil, "[2 1 0 0]"},
			{"satisfaction_answers", map[string]string{"rating": "5"}, "[1 1 0 0]"},
		} {
			q.Params = tc.params
			s, err := reg.Series(ctx, tc.name, q)
			if err != nil {
				t.Fatal(err)
			}
			var got []float64
			for _, p := range s.Points {
				if !p.Known {
					t.Errorf("%s: unknown point %+v", tc.name, p)
				}
				got = append(got, p.Value)
			}
			if fmt.Sprint(got) != tc.want {
				t.Errorf("%s %v: %v, want %s", tc.name, tc.params, got, tc.want)
			}
		}
		q.Params = map[string]string{"rating": "6"}
		var qe *metric.QueryError
		if _, err := reg.Series(ctx, "satisfaction_answers", q); !errors.As(err, &qe) || qe.Field != "rating" {
			t.Errorf("rating 6: %v", err)
		}
		if last, err := reg.Latest(ctx, "satisfaction_answers", metric.Service{ID: svc.ID}); err != nil || !last.Equal(fixedNow.Add(25*time.Hour)) {
			t.Errorf("latest answer %v, %v", last, err)
		}
	})
}
