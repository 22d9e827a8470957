package kpi_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/brand"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// fixedNow is the tests' clock: 15 June 2026, midday UTC.
var fixedNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// fakes stand in for the goals and feedback areas: funnel figures by day,
// survey answers by time, and the funnels to choose from.
type fakes struct {
	mu      sync.Mutex
	days    map[statsquery.Date]goals.DayCount
	answers []answer
	funnels map[int64][]*goals.Funnel // by service
	calls   int                       // Transactions calls
}

type answer struct {
	service int64
	at      time.Time
	rating  int
}

func newFakes() *fakes {
	return &fakes{days: map[statsquery.Date]goals.DayCount{}, funnels: map[int64][]*goals.Funnel{}}
}

// funnel sets the main funnel's figures on day d.
func (f *fakes) funnel(d string, started, completed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	day := date(d)
	f.days[day] = goals.DayCount{Day: day, Started: started, Completed: completed}
}

// answer adds n answers with rating at time at for the service.
func (f *fakes) answer(s *catalog.Service, at time.Time, rating, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.answers = append(f.answers, answer{s.ID, at, rating})
	}
}

// registry answers the metrics kpi reads as the goals and feedback areas
// do: the funnels' transactions by day, zeros included, for the funnels
// it knows, and the survey answers by time.
func (f *fakes) registry() *metric.Registry {
	reg := metric.NewRegistry()
	count := metric.Unit{Kind: metric.Count}
	funnel := []metric.Param{{Name: "funnel"}}
	err := reg.Register(
		metric.Definition{Name: "transactions_started", Unit: count, Params: funnel, Compute: f.transactions(func(d goals.DayCount) int { return d.Started })},
		metric.Definition{Name: "transactions_completed", Unit: count, Params: funnel, Compute: f.transactions(func(d goals.DayCount) int { return d.Completed })},
		metric.Definition{Name: "satisfaction_answers", Unit: count, Params: []metric.Param{{Name: "rating"}}, Compute: f.answerMetric, Latest: f.lastAnswer},
	)
	if err != nil {
		panic(err)
	}
	return reg
}

func (f *fakes) transactions(value func(goals.DayCount) int) metric.Func {
	return func(ctx context.Context, q metric.Query) (metric.Result, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls++
		id, _ := strconv.ParseInt(q.Param("funnel"), 10, 64)
		if !slices.ContainsFunc(f.funnels[q.Service.ID], func(fn *goals.Funnel) bool { return fn.ID == id }) {
			return metric.Result{}, &metric.QueryError{Field: "funnel", Message: "no such funnel"}
		}
		pts := make([]metric.Point, len(q.Buckets))
		for i, b := range q.Buckets {
			pts[i] = metric.Known(0)
			for t := b.Start; t.Before(b.End); t = t.AddDate(0, 0, 1) {
				y, m, d := t.In(q.Service.Zone).Date()
				dc := f.days[statsquery.Date{Year: y, Month: m, Day: d}]
				if dc.Unknown != "" {
					pts[i] = metric.Unknown(dc.Unknown)
					break
				}
				pts[i].Value += float64(value(dc))
			}
		}
		return metric.Result{Points: pts}, nil
	}
}

// answerMetric counts the answers of a rating in each bucket.
func (f *fakes) answerMetric(ctx context.Context, q metric.Query) (metric.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rating, _ := strconv.Atoi(q.Param("rating"))
	pts := make([]metric.Point, len(q.Buckets))
	for i, b := range q.Buckets {
		pts[i] = metric.Known(0)
		for _, a := range f.answers {
			if a.service == q.Service.ID && (rating == 0 || a.rating == rating) && !a.at.Before(b.Start) && a.at.Before(b.End) {
				pts[i].Value++
			}
		}
	}
	return metric.Result{Points: pts}, nil
}

// lastAnswer is the time of the service's latest answer.
func (f *fakes) lastAnswer(ctx context.Context, s metric.Service) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var last time.Time
	for _, a := range f.answers {
		if a.service == s.ID && a.at.After(last) {
			last = a.at
		}
	}
	return last, nil
}

// Funnels lists the funnels.
func (f *fakes) Funnels(ctx context.Context, serviceID int64) ([]*goals.Funnel, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.funnels[serviceID], nil
}

func (f *fakes) options() kpi.Options {
	return kpi.Options{Metrics: f.registry(), Funnels: f.Funnels}
}

func date(s string) statsquery.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return statsquery.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// harness serves the kpi area over real HTTP behind webtest's fake
// authentication, with fakes for the other areas.
type harness struct {
	*webtest.Server
	t     *testing.T
	db    *store.DB
	cat   *catalog.Catalog
	kpi   *kpi.KPI
	site  *web.Site
	fakes *fakes
	now   time.Time
	mu    sync.Mutex
}

// newHarness serves the area on db; opts set up its handler, such as
// presenting the public pages through the brand area (withBrand).
func newHarness(t *testing.T, db *store.DB, opts ...func(*kpi.Handler)) *harness {
	t.Helper()
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{t: t, db: db, cat: catalog.New(db), site: site, fakes: newFakes(), now: fixedNow}
	hs.kpi = kpi.New(db, hs.cat, hs.fakes.options())
	hs.kpi.Now = hs.clock
	h, err := kpi.NewHandler(hs.kpi, site)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(h)
	}
	hs.Server = webtest.NewServer(t, site, h.Routes, func(mux *http.ServeMux) http.Handler {
		mux.HandleFunc("GET /static/{hash}/{name}", site.ServeStatic)
		return web.Chain(site.Mux(mux), web.SecurityHeaders())
	})
	return hs
}

// withBrand presents the public pages as the app does, through b: in the
// organisation's and the service's names, in the reader's language.
func withBrand(b *brand.Brand) func(*kpi.Handler) {
	return func(h *kpi.Handler) { h.Public, h.Name = b.Public, b.PublicName }
}

func (hs *harness) clock() time.Time {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return hs.now
}

// setNow moves the clock.
func (hs *harness) setNow(t time.Time) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	hs.now = t
}

// service adds a service to the catalog, with a real funnel ("Apply",
// from /start to /done) that the fake counts for.
func (hs *harness) service(name, zone string, public bool) *catalog.Service {
	hs.t.Helper()
	ctx := context.Background()
	slug := catalog.Slugify(name)
	s, err := hs.cat.Create(ctx, catalog.Input{Name: name, Domains: []string{slug + ".example.gov"}, Timezone: zone, Public: public})
	if err != nil {
		hs.t.Fatal(err)
	}
	g := goals.New(hs.db)
	var steps []int64
	for _, p := range []string{"/start", "/done"} {
		gl, err := g.CreateGoal(ctx, s.ID, goals.GoalInput{GoalType: goals.KindPage, PagePath: p})
		if err != nil {
			hs.t.Fatal(err)
		}
		steps = append(steps, gl.ID)
	}
	f, err := g.CreateFunnel(ctx, s.ID, goals.FunnelInput{Name: "Apply", Steps: steps})
	if err != nil {
		hs.t.Fatal(err)
	}
	hs.fakes.mu.Lock()
	hs.fakes.funnels[s.ID] = []*goals.Funnel{f}
	hs.fakes.mu.Unlock()
	return s
}

// funnel is the id of the service's funnel.
func (hs *harness) funnel(s *catalog.Service) int64 {
	hs.fakes.mu.Lock()
	defer hs.fakes.mu.Unlock()
	return hs.fakes.funnels[s.ID][0].ID
}

// csv submits transactions (or costs) CSV and fails the test on an error.
func (hs *harness) transactions(s *catalog.Service, csv string) *kpi.Change[kpi.TransactionFigure] {
	hs.t.Helper()
	c, err := hs.kpi.ImportTransactions(context.Background(), s, []byte(csv), kpi.FormatCSV, false)
	if err != nil {
		hs.t.Fatalf("import transactions: %v", err)
	}
	return c
}

func (hs *harness) costs(s *catalog.Service, csv string) *kpi.Change[kpi.CostFigure] {
	hs.t.Helper()
	c, err := hs.kpi.ImportCosts(context.Background(), s, []byte(csv), kpi.FormatCSV, false)
	if err != nil {
		hs.t.Fatalf("import costs: %v", err)
	}
	return c
}

// settings changes the service's settings.
func (hs *harness) settings(s *catalog.Service, change func(*kpi.Settings)) {
	hs.t.Helper()
	ctx := context.Background()
	set, err := hs.kpi.Settings(ctx, s.ID)
	if err != nil {
		hs.t.Fatal(err)
	}
	change(&set)
	if err := hs.kpi.SaveSettings(ctx, s.ID, set); err != nil {
		hs.t.Fatal(err)
	}
}

// report computes the service's KPIs over [from, to] by interval.
func (hs *harness) report(s *catalog.Service, from, to string, iv kpi.Interval) *kpi.Report {
	hs.t.Helper()
	r, err := hs.kpi.Report(context.Background(), s, date(from), date(to), iv)
	if err != nil {
		hs.t.Fatalf("report %s to %s: %v", from, to, err)
	}
	return r
}

// count counts rows.
func (hs *harness) count(q string, args ...any) int {
	hs.t.Helper()
	var n int
	if err := hs.db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		hs.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// lines joins CSV lines.
func lines(l ...string) string { return strings.Join(l, "\n") + "\n" }
