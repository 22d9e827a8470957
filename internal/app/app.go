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
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/area"
	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/brand"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/embedjs"
	"github.com/liveops/liveops/internal/enrich"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/feedback/widget"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/jobs"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/monitor"
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
	// PublicURL is the origin people and sites reach liveops at
	// (web.ParsePublicURL), for set-up links and snippets; serve always
	// gives one. Empty: the request's own Host (tests).
	PublicURL string

	// Roles are what this node does (jobs.ParseRoles reads --role). With
	// RoleIngest it takes analytics events, durably: each is in the node's
	// journal before it is answered 202. With RoleWorker it runs the
	// cluster's background jobs. Management commands give none: they
	// neither take events nor run jobs.
	Roles []jobs.Role
	// DataDir holds the node's own data (its name and journal); empty
	// takes defaultDataDir. Node names the node; empty takes the name kept
	// in DataDir, made on first start.
	DataDir string
	Node    string
	// NoSync skips the journal's fsync: for tests and benchmarks only.
	NoSync bool
	// GeoIPDB is a city database in MaxMind's format (.mmdb): with it,
	// events get a region and city besides the country.
	GeoIPDB string
	// SSO is single sign-on with an OpenID Connect provider; nil for none.
	SSO *account.SSOConfig
	// AllowPrivateChecks lets synthetic checks reach private and loopback
	// addresses (link-local and cloud metadata ones never).
	AllowPrivateChecks bool
}

// App is a liveops server: its store, its areas and its HTTP handler.
type App struct {
	cfg      Config
	DB       *store.DB
	Brand    *brand.Brand
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
	Monitor    *monitor.Monitor
	// Metrics is every area's named time series, the one way areas read
	// each other's figures.
	Metrics *metric.Registry
	// Audit is the audit log of every change made through pages and API.
	Audit   *audit.Log
	handler http.Handler
	ready   atomic.Bool
	// diskDirs are the directories whose free space /healthz watches.
	diskDirs []string
	// limits caps each client's connections and requests.
	limits *web.ClientLimits
	// flushers run at shutdown, after the last request, so that buffered
	// data reaches the store before it closes.
	flushers []func(context.Context) error
	// Jobs runs every area's background jobs while serving.
	Jobs *jobs.Runner
	// areas are the declared areas, in order.
	areas  []area.Area
	ingest *analytics.Ingest
	stats  *analytics.Stats
	geo    *enrich.GeoDB // nil without Config.GeoIPDB
}

// has reports whether the node has role.
func (c Config) has(role jobs.Role) bool { return slices.Contains(c.Roles, role) }

// New opens and migrates the database and builds the server.
func New(ctx context.Context, cfg Config) (*App, error) {
	db, err := openWaiting(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	var geo *enrich.GeoDB
	if cfg.GeoIPDB != "" {
		if geo, err = enrich.OpenGeoDB(cfg.GeoIPDB); err != nil {
			db.Close()
			return nil, err
		}
	}
	a, err := build(ctx, db, cfg, geo)
	if err != nil {
		if geo != nil {
			geo.Close()
		}
		db.Close()
		return nil, err
	}
	return a, nil
}

// openPipeline opens the event pipeline: on an ingest node with its
// journal, replaying what the last run accepted and did not write.
func openPipeline(ctx context.Context, db *store.DB, reg prometheus.Registerer, cfg Config, dd *dataDir) (*analytics.Pipeline, error) {
	if !cfg.has(jobs.RoleIngest) {
		return analytics.NewPipeline(db, reg, analytics.PipelineOptions{}), nil
	}
	return analytics.OpenPipeline(ctx, db, reg, analytics.PipelineOptions{
		JournalDir: filepath.Join(dd.path, journalDirName), Node: dd.node, NoSync: cfg.NoSync,
	})
}

// nodeDataDir opens the node's data directory when it serves; management
// commands have none.
func nodeDataDir(ctx context.Context, db *store.DB, cfg Config) (*dataDir, error) {
	if len(cfg.Roles) == 0 {
		return &dataDir{node: cfg.Node}, nil
	}
	dir := cfg.DataDir
	if dir == "" {
		dir = defaultDataDir(cfg.DB)
	}
	return openDataDir(ctx, dir, cfg.Node, db)
}

func build(ctx context.Context, db *store.DB, cfg Config, geo *enrich.GeoDB) (*App, error) {
	site, err := web.NewSite()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, DB: db, Site: site, Accounts: account.New(db), Catalog: catalog.New(db), Metrics: metric.NewRegistry(), geo: geo,
		Audit: audit.New(db)}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := web.NewMetrics(reg)

	accounts, err := account.NewHandler(a.Accounts, site, a.serviceRefs)
	if err != nil {
		return nil, err
	}
	if cfg.SSO != nil {
		accounts.EnableSSO(*cfg.SSO)
	}
	services, err := catalog.NewHandler(a.Catalog, site)
	if err != nil {
		return nil, err
	}
	dd, err := nodeDataDir(ctx, db, cfg)
	if err != nil {
		return nil, err
	}
	if a.Jobs, err = jobs.New(db, jobs.Options{Node: dd.node, Roles: cfg.Roles, Registerer: reg}); err != nil {
		return nil, err
	}
	a.diskDirs = writtenDirs(cfg.DB, dd.path)
	env := area.Env{DB: db, Site: site, Catalog: a.Catalog, Prometheus: reg, Metrics: a.Metrics}
	if a.areas, err = a.declareAreas(ctx, env, dd); err != nil {
		return nil, err
	}
	if err := area.Check(a.areas); err != nil {
		return nil, err
	}

	site.Fallback = accounts.Session
	mux := http.NewServeMux()
	rt := &web.Router{Mux: mux, Site: site, Session: accounts.Session, RequireSignIn: accounts.RequireSignIn, Bearer: accounts.Bearer,
		Audit: a.Audit.Middleware}
	accounts.Routes(rt)
	services.Routes(rt)
	for _, ar := range a.areas {
		if err := a.Metrics.Register(ar.Metrics...); err != nil {
			return nil, fmt.Errorf("area %s: %w", ar.Name, err)
		}
		if err := a.Jobs.Add(ar.Jobs...); err != nil {
			return nil, fmt.Errorf("area %s: %w", ar.Name, err)
		}
		site.AddNav(ar.Nav...)
		services.AddServiceLinks(ar.ServiceLinks...)
		if ar.Tiles != nil {
			services.AddTileSource(ar.Tiles)
		}
		if ar.Shutdown != nil {
			a.OnShutdown(ar.Shutdown)
		}
		if ar.Routes != nil {
			ar.Routes(rt)
		}
	}
	metric.NewHandler(a.Metrics, a.metricService).Routes(rt)
	embedjs.Set{tracker.Script(), widget.Script()}.Routes(rt)
	rt.Open("GET /healthz", http.HandlerFunc(a.healthz))
	rt.Open("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	rt.Open("GET /static/{hash}/{name}", http.HandlerFunc(site.ServeStatic))

	// SecurityHeaders needs ClientIPs's verdict on HTTPS; Observe must hand
	// the mux the very *http.Request it holds, as the mux records the matched
	// pattern there, which names the metrics' route.
	a.limits = web.NewClientLimits(cfg.TrustedProxies, reg)
	a.handler = web.Chain(site.Mux(mux),
		web.PublicOrigin(cfg.PublicURL),
		web.ClientIPs(cfg.TrustedProxies),
		web.SecurityHeaders(),
		a.limits.Middleware(site),
		site.Observe(metrics),
	)
	return a, nil
}

// metricService is the service a metrics API request names, when its
// principal may read it.
func (a *App) metricService(r *http.Request) (metric.Service, error) {
	s, err := a.Catalog.Readable(r)
	if err != nil {
		return metric.Service{}, err
	}
	return metric.Service{ID: s.ID, Slug: s.Slug, Zone: s.Location()}, nil
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

// openWaiting opens and migrates the database. While another process
// holds it locked (a backup, a migration run by hand, PostgreSQL starting)
// it waits, saying so now and then, until ctx ends: a service manager
// restarting a node that exits would only add noise.
func openWaiting(ctx context.Context, dsn string) (*store.DB, error) {
	wait := 500 * time.Millisecond
	for {
		db, err := store.Open(ctx, dsn)
		if err == nil {
			if err = db.Migrate(ctx); err != nil {
				db.Close()
			}
		}
		if err == nil || !store.IsLocked(err) {
			return db, err
		}
		slog.Warn("waiting for the database: another process holds it", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the database: %w", err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
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
	if err := a.Events.Health(); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "events are not being written:", err)
		return
	}
	if full := diskFull(a.diskDirs); full != "" {
		// Reads still work, but nothing can be saved: take the node out
		// of rotation and get someone to free space.
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "disk full:", full)
		return
	}
	fmt.Fprintln(w, "ok")
}

// ShutdownTimeout is the whole of a graceful stop: requests in flight get
// up to RequestDrainTimeout of it to finish, then buffered data the rest to
// be written (the event writer drains its whole queue in about a second).
// With what the process needs after it to exit, a stop stays under 25 s,
// inside the 30 s a service manager typically waits (see README); what the
// event writer cannot write in time stays in the journal for the next
// start.
const (
	ShutdownTimeout     = 22 * time.Second
	RequestDrainTimeout = 10 * time.Second
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
		ConnState:         a.limits.ConnState,
	}
	ln = a.limits.Listener(ln)
	if a.cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(a.cfg.TLSCert, a.cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
			// TLS 1.2 with forward secrecy and authenticated encryption
			// only (no CBC or RSA key exchange); TLS 1.3's are all AEAD.
			CipherSuites: []uint16{
				tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
				tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
				tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
			}}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if len(a.cfg.Roles) > 0 {
		a.Jobs.Start(context.Background())
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
	slog.Info("shutting down: finishing requests in flight")
	budget, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	drain, cancelDrain := context.WithTimeout(budget, RequestDrainTimeout)
	defer cancelDrain()
	// Jobs are cancelled while requests drain: a job cut short is run
	// again at its next period (on another node, on PostgreSQL).
	jobsDone := make(chan error, 1)
	go func() { jobsDone <- a.Jobs.Stop(drain) }()
	err := srv.Shutdown(drain)
	if err != nil {
		err = fmt.Errorf("shut down HTTP server: %w", err)
	}
	if jerr := <-jobsDone; jerr != nil {
		err = errors.Join(err, fmt.Errorf("stop jobs: %w", jerr))
	}
	return errors.Join(err, a.flush(budget), a.closeWithin(budget))
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

// Close writes what the event pipeline holds, then closes the database,
// within ShutdownTimeout.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	return a.closeWithin(ctx)
}

// closeWithin closes the pipeline (at once when a shutdown's flush has
// already closed it) and the database.
func (a *App) closeWithin(ctx context.Context) error {
	err := errors.Join(a.Events.Close(ctx), a.DB.Close())
	if a.geo != nil {
		err = errors.Join(err, a.geo.Close())
	}
	return err
}
