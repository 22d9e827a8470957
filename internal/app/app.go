// Package app wires configuration, the store and every area into one
// liveops server. It is the one place that knows all the areas.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/embedjs"
	"github.com/liveops/liveops/internal/enrich"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/feedback/widget"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/tracker"
	"github.com/liveops/liveops/internal/web"
)

// Config is how a liveops server is set up.
type Config struct {
	Listen         string // host:port
	DB             string // SQLite path or postgres:// URL
	Demo           bool   // create the demo service and admin
	TLSCert        string // certificate and key files: serve HTTPS
	TLSKey         string
	TrustedProxies web.TrustedProxies
	Version        string
}

// App is a liveops server: its store, its areas and its HTTP handler.
type App struct {
	cfg      Config
	DB       *store.DB
	Site     *web.Site
	Accounts *account.Accounts
	Catalog  *catalog.Catalog
	Events   *analytics.Pipeline
	// EventStore holds the raw events, visits and rollups; only analytics
	// has SQL against them.
	EventStore analytics.EventStore
	Goals      *goals.Goals
	Feedback   *feedback.Feedback
	KPI        *kpi.KPI
	handler    http.Handler
	ready      atomic.Bool
	// flushers run at shutdown, after the last request, so that buffered
	// data reaches the store before it closes.
	flushers []func(context.Context) error
	// jobs run in the background while serving, until shutdown.
	jobs []func(context.Context)
}

// New opens and migrates the database and builds the server.
func New(ctx context.Context, cfg Config) (*App, error) {
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a, err := build(db, cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func build(db *store.DB, cfg Config) (*App, error) {
	site, err := web.NewSite()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, DB: db, Site: site, Accounts: account.New(db), Catalog: catalog.New(db)}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := web.NewMetrics(reg)

	accounts, err := account.NewHandler(a.Accounts, site, a.serviceRefs)
	if err != nil {
		return nil, err
	}
	services, err := catalog.NewHandler(a.Catalog, site)
	if err != nil {
		return nil, err
	}
	enricher, err := enrich.New()
	if err != nil {
		return nil, err
	}
	a.EventStore = analytics.NewEventStore(db)
	a.Events = analytics.NewPipeline(db, reg, analytics.PipelineOptions{})
	a.OnShutdown(a.Events.Close)
	a.jobs = append(a.jobs, func(ctx context.Context) { analytics.NewRetention(db).Run(ctx, time.Hour) })
	ingest := analytics.NewIngest(db, a.Catalog, a.Events, enricher, site, reg)
	a.Goals = goals.NewWithEvents(db, a.EventStore)
	stats := analytics.NewStats(a.EventStore, a.Goals)
	statsAPI := analytics.NewStatsAPI(stats, a.Catalog)
	annotations := analytics.NewAnnotations(db, a.Catalog)
	dashboard, err := analytics.NewDashboard(db, stats, a.Catalog, annotations, site)
	if err != nil {
		return nil, err
	}
	goalPages, err := goals.NewHandler(a.Goals, a.Catalog, site)
	if err != nil {
		return nil, err
	}
	a.Feedback = feedback.New(db)
	feedbackPages, err := feedback.NewHandler(a.Feedback, a.Catalog, site, feedback.Options{VisitorKey: ingest.VisitorKey})
	if err != nil {
		return nil, err
	}
	a.KPI = kpi.New(db, a.Catalog, kpi.Options{
		Transactions: a.Goals.Transactions,
		Funnels:      a.Goals.Funnels,
		LastAnswer:   a.Feedback.LastSatisfaction,
		Satisfaction: func(ctx context.Context, serviceID int64, from, to time.Time) ([5]int, error) {
			c, err := a.Feedback.Satisfaction(ctx, serviceID, from, to)
			return c.Ratings, err
		},
	})
	kpiPages, err := kpi.NewHandler(a.KPI, site)
	if err != nil {
		return nil, err
	}
	services.AddTileSource(a.KPI.Tiles)

	site.Fallback = accounts.Session
	mux := http.NewServeMux()
	rt := &web.Router{Mux: mux, Site: site, Session: accounts.Session, RequireSignIn: accounts.RequireSignIn, Bearer: accounts.Bearer}
	accounts.Routes(rt)
	services.Routes(rt)
	ingest.Routes(rt)
	statsAPI.Routes(rt)
	annotations.Routes(rt)
	dashboard.Routes(rt)
	goalPages.Routes(rt)
	feedbackPages.Routes(rt)
	kpiPages.Routes(rt)
	embedjs.Set{tracker.Script(), widget.Script()}.Routes(rt)
	rt.Open("GET /healthz", http.HandlerFunc(a.healthz))
	rt.Open("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	rt.Open("GET /static/{hash}/{name}", http.HandlerFunc(site.ServeStatic))

	// SecurityHeaders needs ClientIPs's verdict on HTTPS; Observe must hand
	// the mux the very *http.Request it holds, as the mux records the matched
	// pattern there, which names the metrics' route.
	a.handler = web.Chain(site.Mux(mux),
		web.ClientIPs(cfg.TrustedProxies),
		web.SecurityHeaders(),
		site.Observe(metrics),
	)
	return a, nil
}

// serviceRefs lists every service, archived ones marked, for the account
// pages.
func (a *App) serviceRefs(ctx context.Context) ([]account.ServiceRef, error) {
	list, err := a.Catalog.List(ctx, catalog.ListOptions{IncludeArchived: true})
	if err != nil {
		return nil, err
	}
	refs := make([]account.ServiceRef, len(list))
	for i, s := range list {
		refs[i] = account.ServiceRef{ID: s.ID, Slug: s.Slug, Name: s.Name, Archived: s.Archived()}
	}
	return refs, nil
}

// Handler is the whole liveops HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !a.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "shutting down")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		slog.Error("health check: database", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	fmt.Fprintln(w, "ok")
}

// Shutdown budgets. Requests in flight get RequestDrainTimeout to finish;
// then buffered data gets FlushTimeout of its own to be written (the event
// writer drains its whole queue in about a second). Together they stay
// under the 30 s a service manager typically waits (see README).
const (
	RequestDrainTimeout = 10 * time.Second
	FlushTimeout        = 15 * time.Second
)

// Serve answers requests on ln until ctx is done, then shuts down
// gracefully: it stops accepting, lets in-flight requests finish, flushes
// every buffer and closes the database. ready is called once serving.
func (a *App) Serve(ctx context.Context, ln net.Listener, ready func(addr string)) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(serverLog{}, "", 0),
	}
	if a.cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(a.cfg.TLSCert, a.cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	jobs, stopJobs := context.WithCancel(context.Background())
	defer stopJobs()
	for _, job := range a.jobs {
		go job(jobs)
	}
	a.ready.Store(true)
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case err := <-errc:
		a.ready.Store(false)
		return errors.Join(fmt.Errorf("serve: %w", err), a.Close())
	case <-ctx.Done():
	}
	a.ready.Store(false)
	stopJobs()
	slog.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), RequestDrainTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		err = fmt.Errorf("shut down HTTP server: %w", err)
	}
	fctx, cancelFlush := context.WithTimeout(context.Background(), FlushTimeout)
	defer cancelFlush()
	return errors.Join(err, a.flush(fctx), a.Close())
}

// serverLog passes net/http's own messages to the log, except failed TLS
// handshakes, whose message names the client's address: liveops stores and
// logs no visitor's address.
type serverLog struct{}

func (serverLog) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(string(p))
	if strings.Contains(msg, "TLS handshake error") {
		slog.Debug("http server: a TLS handshake failed")
	} else {
		slog.Warn("http server", "msg", msg)
	}
	return len(p), nil
}

// OnShutdown registers a buffer flush to run after the last request.
func (a *App) OnShutdown(f func(context.Context) error) { a.flushers = append(a.flushers, f) }

func (a *App) flush(ctx context.Context) error {
	var errs []error
	for _, f := range a.flushers {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}

// Close writes what the event pipeline holds, then closes the database.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), FlushTimeout)
	defer cancel()
	return errors.Join(a.Events.Close(ctx), a.DB.Close())
}
