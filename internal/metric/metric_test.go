package metric_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/metric"
)

func constant(v float64) metric.Func {
	return func(_ context.Context, q metric.Query) (metric.Result, error) {
		pts := make([]metric.Point, len(q.Buckets))
		for i := range pts {
			pts[i] = metric.Known(v)
		}
		return metric.Result{Points: pts}, nil
	}
}

func TestRegister(t *testing.T) {
	reg := metric.NewRegistry()
	if err := reg.Register(metric.Definition{Name: "visitors", Unit: metric.Unit{Kind: metric.Count}, Compute: constant(1)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		defs []metric.Definition
		dup  bool
	}{
		{"taken", []metric.Definition{{Name: "visitors", Unit: metric.Unit{Kind: metric.Count}, Compute: constant(1)}}, true},
		{"twice in one call", []metric.Definition{
			{Name: "a", Unit: metric.Unit{Kind: metric.Count}, Compute: constant(1)},
			{Name: "a", Unit: metric.Unit{Kind: metric.Count}, Compute: constant(1)}}, true},
		{"bad name", []metric.Definition{{Name: "Bounce Rate", Unit: metric.Unit{Kind: metric.Ratio}, Compute: constant(1)}}, false},
		{"no compute", []metric.Definition{{Name: "b", Unit: metric.Unit{Kind: metric.Count}}}, false},
		{"no unit", []metric.Definition{{Name: "c", Compute: constant(1)}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := reg.Register(tc.defs...)
			if err == nil {
				t.Fatal("registered")
			}
			if errors.Is(err, metric.ErrDuplicate) != tc.dup {
				t.Errorf("err %v: duplicate %v, want %v", err, !tc.dup, tc.dup)
			}
		})
	}
	if n := len(reg.Definitions()); n != 1 {
		t.Errorf("%d definitions after refusals, want 1", n)
	}
}

func TestSeries(t *testing.T) {
	ctx := context.Background()
	london, _ := time.LoadLocation("Europe/London")
	reg := metric.NewRegistry()
	err := reg.Register(
		metric.Definition{Name: "visitors", Unit: metric.Unit{Kind: metric.Count}, Compute: constant(3)},
		metric.Definition{Name: "transactions", Unit: metric.Unit{Kind: metric.Count}, Intervals: []metric.Interval{metric.Day, metric.Week},
			Params: []metric.Param{{Name: "funnel"}},
			Compute: func(_ context.Context, q metric.Query) (metric.Result, error) {
				// Forgets every point: each must come back unknown, not 0.
				return metric.Result{Points: make([]metric.Point, len(q.Buckets))}, nil
			}},
		metric.Definition{Name: "broken", Unit: metric.Unit{Kind: metric.Count}, Compute: func(context.Context, metric.Query) (metric.Result, error) {
			return metric.Result{}, nil
		}},
	)
	if err != nil {
		t.Fatal(err)
	}
	svc := metric.Service{ID: 1, Zone: london}
	day := func(s string) time.Time { d, _ := time.ParseInLocation(time.DateOnly, s, london); return d }

	s, err := reg.Series(ctx, "visitors", metric.Query{Service: svc, From: day("2026-03-28"), To: day("2026-04-01"), Interval: metric.Day})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 4 || s.Points[1].End.Sub(s.Points[1].Start) != 23*time.Hour || !s.Points[3].Known || s.Points[3].Value != 3 {
		t.Errorf("days over the clock change: %+v", s.Points)
	}

	s, err = reg.Series(ctx, "transactions", metric.Query{Service: svc, From: day("2026-03-01"), To: day("2026-03-03"), Interval: metric.Day, Params: map[string]string{"funnel": "4"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Points {
		if p.Known || p.Reason == "" {
			t.Errorf("a forgotten point is %+v, want unknown with a reason", p)
		}
	}
	b, _ := json.Marshal(s.Points[0])
	if !strings.Contains(string(b), `"value":null`) || !strings.Contains(string(b), `"reason":"`) {
		t.Errorf("unknown point as JSON: %s", b)
	}

	errTests := []struct {
		name, metric string
		q            metric.Query
		field        string
	}{
		{"unknown name", "nope", metric.Query{Service: svc, From: day("2026-03-01"), To: day("2026-03-02"), Interval: metric.Day}, ""},
		{"interval it cannot take", "transactions", metric.Query{Service: svc, From: day("2026-03-01"), To: day("2026-03-02"), Interval: metric.Hour}, "interval"},
		{"no such interval", "visitors", metric.Query{Service: svc, From: day("2026-03-01"), To: day("2026-03-02"), Interval: "fortnight"}, "interval"},
		{"parameter it does not take", "visitors", metric.Query{Service: svc, From: day("2026-03-01"), To: day("2026-03-02"), Interval: metric.Day, Params: map[string]string{"funnel": "1"}}, "funnel"},
		{"reversed", "visitors", metric.Query{Service: svc, From: day("2026-03-02"), To: day("2026-03-01"), Interval: metric.Day}, "to"},
		{"too many buckets", "visitors", metric.Query{Service: svc, From: day("2000-01-01"), To: day("2026-01-01"), Interval: metric.Hour}, "interval"},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := reg.Series(ctx, tc.metric, tc.q)
			var qe *metric.QueryError
			var ue *metric.UnknownError
			switch {
			case tc.field == "" && !errors.As(err, &ue):
				t.Errorf("err %v, want an UnknownError", err)
			case tc.field != "" && (!errors.As(err, &qe) || qe.Field != tc.field):
				t.Errorf("err %v, want a QueryError on %s", err, tc.field)
			}
		})
	}
	if _, err := reg.Series(ctx, "broken", metric.Query{Service: svc, From: day("2026-03-01"), To: day("2026-03-02"), Interval: metric.Day}); err == nil {
		t.Error("a metric answering too few points was accepted")
	}
}

func TestBuckets(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	utc := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	tests := []struct {
		name     string
		from, to time.Time
		iv       metric.Interval
		zone     *time.Location
		starts   []string
	}{
		{"weeks from Monday, cut at the ends", utc("2026-03-04T00:00:00Z"), utc("2026-03-20T00:00:00Z"), metric.Week, time.UTC,
			[]string{"2026-03-04T00:00:00Z", "2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z"}},
		{"months in a zone", utc("2026-01-15T00:00:00Z"), utc("2026-03-10T00:00:00Z"), metric.Month, london,
			[]string{"2026-01-15T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"}},
		{"local hours at half past", utc("2026-03-01T00:10:00Z"), utc("2026-03-01T02:00:00Z"), metric.Hour, kolkata,
			[]string{"2026-03-01T00:10:00Z", "2026-03-01T00:30:00Z", "2026-03-01T01:30:00Z"}},
		{"summer time starts", utc("2026-03-28T00:00:00Z"), utc("2026-03-30T00:00:00Z"), metric.Day, london,
			[]string{"2026-03-28T00:00:00Z", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bs, err := metric.Buckets(tc.from, tc.to, tc.iv, tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, b := range bs {
				got = append(got, b.Start.UTC().Format(time.RFC3339))
			}
			if strings.Join(got, " ") != strings.Join(tc.starts, " ") {
				t.Errorf("starts %v, want %v", got, tc.starts)
			}
			if !bs[len(bs)-1].End.Equal(tc.to) {
				t.Errorf("last bucket ends %v, want %v", bs[len(bs)-1].End, tc.to)
			}
		})
	}
}

func TestParseQuery(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	svc := metric.Service{ID: 1, Zone: london}
	q, err := metric.ParseQuery(url.Values{"from": {"2026-06-01"}, "to": {"2026-06-08T00:00:00Z"}, "interval": {"week"}, "funnel": {"3"}}, svc)
	if err != nil {
		t.Fatal(err)
	}
	if !q.From.Equal(time.Date(2026, 5, 31, 23, 0, 0, 0, time.UTC)) || q.Interval != metric.Week || q.Param("funnel") != "3" {
		t.Errorf("parsed %+v", q)
	}
	for _, v := range []url.Values{{"to": {"2026-06-01"}}, {"from": {"yesterday"}, "to": {"2026-06-01"}}} {
		var qe *metric.QueryError
		if _, err := metric.ParseQuery(v, svc); !errors.As(err, &qe) {
			t.Errorf("%v: err %v, want a QueryError", v, err)
		}
	}
}
