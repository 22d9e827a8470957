package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/liveops/liveops/internal/area"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/jobs"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Options are the server's settings for the monitor.
type Options struct {
	// AllowPrivate lets checks reach private and loopback addresses
	// (--allow-private-checks).
	AllowPrivate bool
	// ResultRetention is how long raw results are kept; default 30 days.
	ResultRetention time.Duration
	// Prober runs a probe; default probe.Run.
	Prober Prober
	// DemoBase is where liveops listens: the demo's checks point at it.
	DemoBase string
	// DemoTarget serves the demo's flaky payment provider.
	DemoTarget bool
	// Notes reads a service's chart notes (releases) in [from, to), drawn
	// on the response-time chart; nil draws none. The app reads them from
	// the analytics area's annotations.
	Notes func(ctx context.Context, serviceID int64, from, to time.Time) ([]Note, error)
	// Public, when set, presents the public status page in the
	// organisation's and the service's name and in the reader's language
	// (brand.Brand.Public), returning the page's language; without it the
	// page is plain and in English.
	Public func(r *http.Request, s *catalog.Service) (*http.Request, string, error)
}

// Note is a moment marked on the charts, such as a release.
type Note struct {
	At    time.Time
	Label string
}

// Monitor is the monitor area's parts.
type Monitor struct {
	DB          *store.DB
	Checks      *Checks
	Incidents   *Incidents
	Maintenance *Maintenance
	Scheduler   *Scheduler

	cat          *catalog.Catalog
	site         *web.Site
	pages        *web.Pages
	probeOptions probe.Options
	retention    time.Duration
	notes        func(ctx context.Context, serviceID int64, from, to time.Time) ([]Note, error)
	public       func(r *http.Request, s *catalog.Service) (*http.Request, string, error)
	now          func() time.Time
}

// New builds the monitor on the area's Env.
func New(env area.Env, opt Options) (*Monitor, error) {
	if opt.ResultRetention <= 0 {
		opt.ResultRetention = 30 * 24 * time.Hour
	}
	if opt.Prober == nil {
		opt.Prober = probe.Run
	}
	m := &Monitor{DB: env.DB, Checks: NewChecks(env.DB), Incidents: NewIncidents(env.DB), Maintenance: NewMaintenance(env.DB, env.Catalog),
		cat: env.Catalog, site: env.Site, probeOptions: probe.Options{AllowPrivate: opt.AllowPrivate}, retention: opt.ResultRetention,
		notes: opt.Notes, public: opt.Public, now: time.Now}
	var err error
	m.Scheduler, err = NewScheduler(env.DB, m.Checks, m.Maintenance, opt.Prober, SchedulerOptions{Probe: m.probeOptions}, env.Prometheus)
	if err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	m.Scheduler.after = m.Incidents.Apply
	if env.Prometheus != nil {
		if err := env.Prometheus.Register(newCheckCollector(env.DB)); err != nil {
			return nil, fmt.Errorf("monitor: %w", err)
		}
	}
	if m.pages, err = env.Site.Pages(templateFS, "templates"); err != nil {
		return nil, fmt.Errorf("monitor pages: %w", err)
	}
	return m, nil
}

// Declare builds the monitor area.
func Declare(env area.Env, opt Options) (area.Area, *Monitor, error) {
	m, err := New(env, opt)
	if err != nil {
		return area.Area{}, nil, err
	}
	return area.Area{
		Name: "monitor",
		Routes: func(rt *web.Router) {
			m.apiRoutes(rt)
			m.pageRoutes(rt)
			if opt.DemoTarget {
				rt.Open("GET "+demoPayments, http.HandlerFunc(serveDemoPayments))
			}
		},
		ServiceLinks: []catalog.ServiceLink{{Label: "Monitoring", Path: "monitor", Hidden: "of"}},
		Jobs: []jobs.Job{
			// Every node of the worker role schedules; the claims keep each
			// interval to one run. A run lasts its minute, ending just
			// before its timeout, and the next, due at once, carries on the
			// same queue.
			{Name: "monitor.scheduler", Every: time.Minute, Timeout: time.Minute, PerNode: true, Run: m.Scheduler.Run},
			{Name: "monitor.retention", Every: time.Hour, Timeout: 10 * time.Minute, Run: func(ctx context.Context) error {
				n, err := prune(ctx, m.DB, time.Now(), m.retention)
				if n > 0 {
					slog.Info("monitor: deleted results and rollups past their keeping", "rows", n)
				}
				return err
			}},
		},
		Shutdown: m.Scheduler.Stop,
		Seed: func(ctx context.Context, svc *catalog.Service) error {
			return m.SeedDemo(ctx, svc, opt.DemoBase)
		},
	}, m, nil
}

// Prepare reads a document into a check of a service and validates it as
// it is saved: its settings (Check.Validate) and its target, which must be
// one the server may probe. The API and liveops checks apply both take
// this one path.
func Prepare(d CheckDoc, serviceID int64, opts probe.Options) (*Check, error) {
	c, err := d.Check(serviceID)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := targetAllowed(c.Spec, opts); err != nil {
		field := "target"
		if c.Spec.Type == probe.HTTP {
			field = "url"
		}
		return nil, fault.Invalidf(field, "%s", err.Error())
	}
	return c, nil
}

// HeartbeatPath is the path a heartbeat check's job calls.
func HeartbeatPath(token string) string { return "/api/v1/heartbeat/" + token }

// targetAllowed refuses a target the server would never probe when its
// host is an address (a name is checked where it resolves, at each run).
func targetAllowed(s probe.Spec, opts probe.Options) error {
	host := s.Target
	switch s.Type {
	case probe.Heartbeat, probe.DNS:
		return nil
	case probe.HTTP:
		u, err := url.Parse(s.Target)
		if err != nil {
			return nil // Validate says what is wrong with it
		}
		host = u.Hostname()
	default:
		if h, _, err := net.SplitHostPort(s.Target); err == nil {
			host = h
		}
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return nil
	}
	return probe.CheckAddress(ip, opts)
}
