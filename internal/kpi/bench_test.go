package kpi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// BenchmarkKPIAPI times GET /api/v1/services/{slug}/kpis over real HTTP
// for five years (1 June 2021 to 31 May 2026) of daily figures of one
// service: a submitted figure a day for each of the six channels (10,956
// rows), costs by quarter for each channel and for all (140 rows), the
// main funnel's figures a day from a fake (as fast as goals' kept days)
// and answers from a fake. Run with
//
//	go test ./internal/kpi/ -run '^$' -bench KPIAPI -benchtime 50x
//
// and LIVEOPS_TEST_POSTGRES set for the PostgreSQL half.
func BenchmarkKPIAPI(b *testing.B) {
	for engine, open := range map[string]func(testing.TB) *store.DB{"sqlite": storetest.SQLite, "postgres": storetest.Postgres} {
		b.Run(engine, func(b *testing.B) {
			srv, slug := fiveYears(b, open(b))
			for _, q := range []string{"interval=month", "interval=week", "interval=year", "interval=day&from=2025-06-01"} {
				query := q
				if !strings.Contains(q, "from=") {
					query += "&from=2021-06-01"
				}
				query += "&to=2026-05-31"
				b.Run(strings.SplitN(q, "&", 2)[0], func(b *testing.B) {
					url := srv.URL + "/api/v1/services/" + slug + "/kpis?" + query
					for b.Loop() {
						req, _ := http.NewRequest(http.MethodGet, url, nil)
						req.Header.Set("Authorization", "Bearer readtoken")
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							b.Fatal(err)
						}
						n, _ := io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK || n < 1000 {
							b.Fatalf("GET %s: %d, %d bytes", url, resp.StatusCode, n)
						}
					}
				})
			}
		})
	}
}

// fiveYears serves the kpi area over db with five years of daily figures.
func fiveYears(b *testing.B, db *store.DB) (*webtest.Server, string) {
	b.Helper()
	ctx := context.Background()
	site, err := web.NewSite()
	if err != nil {
		b.Fatal(err)
	}
	cat := catalog.New(db)
	s, err := cat.Create(ctx, catalog.Input{Name: "Busy", Domains: []string{"busy.example.gov"}, Timezone: "Europe/London"})
	if err != nil {
		b.Fatal(err)
	}
	g := goals.New(db)
	var steps []int64
	for _, p := range []string{"/start", "/done"} {
		gl, err := g.CreateGoal(ctx, s.ID, goals.GoalInput{GoalType: goals.KindPage, PagePath: p})
		if err != nil {
			b.Fatal(err)
		}
		steps = append(steps, gl.ID)
	}
	funnel, err := g.CreateFunnel(ctx, s.ID, goals.FunnelInput{Name: "Apply", Steps: steps})
	if err != nil {
		b.Fatal(err)
	}
	// The other areas' metrics answer at once, so that the benchmark
	// measures the kpi area's own work.
	perDay := func(v func(statsquery.Date) int) metric.Func {
		return func(_ context.Context, q metric.Query) (metric.Result, error) {
			pts := make([]metric.Point, len(q.Buckets))
			for i, bk := range q.Buckets {
				y, m, d := bk.Start.In(q.Service.Zone).Date()
				pts[i] = metric.Known(float64(v(statsquery.Date{Year: y, Month: m, Day: d})))
			}
			return metric.Result{Points: pts}, nil
		}
	}
	reg := metric.NewRegistry()
	count := metric.Unit{Kind: metric.Count}
	if err := reg.Register(
		metric.Definition{Name: "transactions_started", Unit: count, Params: []metric.Param{{Name: "funnel"}}, Compute: perDay(func(d statsquery.Date) int { return 100 + d.Day })},
		metric.Definition{Name: "transactions_completed", Unit: count, Params: []metric.Param{{Name: "funnel"}}, Compute: perDay(func(d statsquery.Date) int { return 80 + d.Day })},
		metric.Definition{Name: "satisfaction_answers", Unit: count, Params: []metric.Param{{Name: "rating"}}, Compute: perDay(func(statsquery.Date) int { return 2 })},
	); err != nil {
		b.Fatal(err)
	}
	k := kpi.New(db, cat, kpi.Options{Metrics: reg, Funnels: g.Funnels})
	k.Now = func() time.Time { return time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC) }
	set, _ := k.Settings(ctx, s.ID)
	set.MainFunnelID = funnel.ID
	if err := k.SaveSettings(ctx, s.ID, set); err != nil {
		b.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("date,channel,started,completed\n")
	first := time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		for i, ch := range kpi.Channels {
			fmt.Fprintf(&csv, "%s,%s,%d,%d\n", d.Format(time.DateOnly), ch, 200-i*20+d.Day(), 150-i*20+d.Day())
		}
	}
	if _, err := k.ImportTransactions(ctx, s, []byte(csv.String()), kpi.FormatCSV, false); err != nil {
		b.Fatal(err)
	}
	var costs strings.Builder
	costs.WriteString("from,to,channel,amount\n")
	for q := first; q.Before(last); q = q.AddDate(0, 3, 0) {
		end := q.AddDate(0, 3, -1).Format(time.DateOnly)
		for _, ch := range append(kpi.Channels[:], kpi.AllChannels) {
			fmt.Fprintf(&costs, "%s,%s,%s,%d.%02d\n", q.Format(time.DateOnly), end, ch, 10000+q.Month()*100, q.Year()%100)
		}
	}
	if _, err := k.ImportCosts(ctx, s, []byte(costs.String()), kpi.FormatCSV, false); err != nil {
		b.Fatal(err)
	}
	h, err := kpi.NewHandler(k, site)
	if err != nil {
		b.Fatal(err)
	}
	srv := webtest.NewServer(b, site, h.Routes, func(mux *http.ServeMux) http.Handler { return site.Mux(mux) })
	return srv, s.Slug
}
