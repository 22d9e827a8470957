package app

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/area"
	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/brand"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/enrich"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/jobs"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/monitor"
	"github.com/liveops/liveops/internal/web"
)

// declareAreas builds every area and returns their declarations, in the
// order their navigation, links and tiles appear. It is the one list an
// area is added to. An area that needs nothing but the Env declares itself
// in its own package (monitor.Declare(env)); the first four areas also
// pass each other a few typed seams (the goals the stats API counts, the
// visitor key feedback limits by), wired here.
func (a *App) declareAreas(ctx context.Context, env area.Env, dd *dataDir) ([]area.Area, error) {
	an, err := a.analyticsArea(ctx, env, dd)
	if err != nil {
		return nil, err
	}
	gl, err := a.goalsArea(env)
	if err != nil {
		return nil, err
	}
	br, err := a.brandArea(env)
	if err != nil {
		return nil, err
	}
	fb, err := a.feedbackArea(env)
	if err != nil {
		return nil, err
	}
	kp, err := a.kpiArea(env)
	if err != nil {
		return nil, err
	}
	mo, m, err := monitor.Declare(env, a.monitorOptions(env))
	if err != nil {
		return nil, err
	}
	a.Monitor = m
	au, err := a.auditArea(env)
	if err != nil {
		return nil, err
	}
	return []area.Area{an, gl, fb, kp, mo, br, au}, nil
}

// monitorOptions: the demo's checks point at liveops itself, on loopback,
// which only --allow-private-checks permits: the demo turns it on, and
// serves the demo's flaky target. Releases noted on the analytics chart
// are drawn on the response-time chart too.
func (a *App) monitorOptions(env area.Env) monitor.Options {
	opt := monitor.Options{AllowPrivate: a.cfg.AllowPrivateChecks || a.cfg.Demo, DemoTarget: a.cfg.Demo,
		DemoBase: a.cfg.PublicURL, Notes: releaseNotes(env), Public: a.Brand.Public}
	if opt.DemoBase == "" {
		opt.DemoBase = "http://" + cmp.Or(a.cfg.Listen, "127.0.0.1:8080")
	}
	return opt
}

// releaseNotes reads the analytics area's chart notes (releases) for the
// monitor's response-time chart.
func releaseNotes(env area.Env) func(ctx context.Context, serviceID int64, from, to time.Time) ([]monitor.Note, error) {
	notes := analytics.NewAnnotations(env.DB, env.Catalog)
	return func(ctx context.Context, serviceID int64, from, to time.Time) ([]monitor.Note, error) {
		list, err := notes.Between(ctx, serviceID, from, to)
		out := make([]monitor.Note, len(list))
		for i, n := range list {
			out[i] = monitor.Note{At: n.At, Label: n.Label}
		}
		return out, err
	}
}

// brandArea is how public pages look: the organisation's and each
// service's presentation, which feedback and kpi present their public
// pages with.
func (a *App) brandArea(env area.Env) (area.Area, error) {
	a.Brand = brand.New(env.DB)
	h, err := brand.NewHandler(a.Brand, env.Catalog, env.Site)
	if err != nil {
		return area.Area{}, err
	}
	return area.Area{
		Name:         "brand",
		Routes:       h.Routes,
		Nav:          []web.NavItem{{Label: "Public pages", Path: "/branding", AdminOnly: true}},
		ServiceLinks: []catalog.ServiceLink{{Label: "Public pages", Path: "public", Hidden: "of"}},
		Seed:         a.seedDemoBrand,
	}, nil
}

// seedDemoBrand presents the demo's public pages as a council's, once: an
// organisation already named keeps its own.
func (a *App) seedDemoBrand(ctx context.Context, svc *catalog.Service) error {
	o, err := a.Brand.Org(ctx)
	if err != nil {
		return err
	}
	if o.Name == "" && o.Version == 0 {
		o.Name, o.Colour = "Anytown Council", "#1d4d2b"
		o.SupportText, o.SupportURL = "Help and contact", "https://www.parking.example.gov/contact"
		o.PrivacyURL, o.AccessibilityURL = "https://www.parking.example.gov/privacy", "https://www.parking.example.gov/accessibility"
		if err := a.Brand.SaveOrg(ctx, o); err != nil {
			return err
		}
	}
	sb, err := a.Brand.Service(ctx, svc.ID)
	if err != nil || sb.ServiceURL != "" {
		return err
	}
	sb.ServiceURL, sb.WelshName = "https://parking.example.gov/start", "Gwneud cais am drwydded barcio"
	return a.Brand.SaveService(ctx, svc.ID, sb)
}

// auditArea is the audit log's page and API, and the job that clears its
// addresses once their retention has passed. The log itself is written by
// the router's middleware (web.Router.Audit), for every area.
func (a *App) auditArea(env area.Env) (area.Area, error) {
	h, err := audit.NewHandler(a.Audit, env.Site)
	if err != nil {
		return area.Area{}, err
	}
	return area.Area{
		Name:   "audit",
		Routes: h.Routes,
		Nav:    []web.NavItem{{Label: "Audit log", Path: "/audit", AdminOnly: true}},
		Jobs: []jobs.Job{
			{Name: "audit.addresses", Every: time.Hour, Timeout: 5 * time.Minute, Run: func(ctx context.Context) error {
				n, err := a.Audit.ClearAddresses(ctx, audit.DefaultAddressRetention)
				if n > 0 {
					slog.Info("audit: cleared the addresses of entries past their retention", "entries", n)
				}
				return err
			}},
		},
	}, nil
}

// analyticsArea is the tracker's events: ingestion, the stats API, the
// dashboard, retention. Goals are created first (empty of areas' wiring),
// as the stats API counts their conversions.
func (a *App) analyticsArea(ctx context.Context, env area.Env, dd *dataDir) (area.Area, error) {
	a.EventStore = analytics.NewEventStore(env.DB)
	var err error
	if a.Events, err = openPipeline(ctx, env.DB, env.Prometheus, a.cfg, dd); err != nil {
		return area.Area{}, err
	}
	ingest := analytics.NewIngest(env.DB, env.Catalog, a.Events, enrich.Lazy(a.geo), env.Site, env.Prometheus)
	a.ingest = ingest
	drops := analytics.NewDropLog(env.DB)
	ingest.Drops = drops
	a.Goals = goals.NewWithEvents(env.DB, a.EventStore)
	// Retention keeps the funnels' days before it deletes their raw
	// events, and goals reports the days it could not keep as unknown.
	retention := analytics.NewRetention(env.DB)
	retention.BeforePrune = a.Goals.KeepBeforePrune
	a.Goals.PrunedBefore = retention.PrunedBefore
	stats := analytics.NewStats(a.EventStore, a.Goals)
	stats.Unprepared = func(int64) { a.Jobs.Wake(segmentsJob) }
	a.stats = stats
	annotations := analytics.NewAnnotations(env.DB, env.Catalog)
	dashboard, err := analytics.NewDashboard(env.DB, stats, env.Catalog, annotations, env.Site)
	if err != nil {
		return area.Area{}, err
	}
	if a.geo != nil {
		dashboard.GeoAttribution, dashboard.CityDB = a.geo.Attribution(), true
	}
	dashboard.Drops = drops
	statsAPI := analytics.NewStatsAPI(stats, env.Catalog)
	return area.Area{
		Name: "analytics",
		Routes: func(rt *web.Router) {
			if a.cfg.has(jobs.RoleIngest) || len(a.cfg.Roles) == 0 {
				ingest.Routes(rt)
			} else {
				ingest.RefuseRoutes(rt)
			}
			statsAPI.Routes(rt)
			annotations.Routes(rt)
			dashboard.Routes(rt)
		},
		ServiceLinks: []catalog.ServiceLink{{Label: "View analytics", Path: "analytics", Hidden: "for"}},
		Tiles:        dashboard.Tiles,
		Metrics:      stats.Metrics(retention.PrunedBefore),
		Jobs: []jobs.Job{
			{Name: "analytics.retention", Every: time.Hour, Timeout: 30 * time.Minute, Run: func(ctx context.Context) error {
				n, err := retention.Prune(ctx)
				if n > 0 {
					slog.Info("analytics: pruned raw events past their retention", "rows", n)
				}
				return err
			}},
			{Name: "analytics.salts", Every: time.Hour, Timeout: time.Minute, Run: ingest.PrepareSalts},
			// The days that are over are put in columns ahead of the first
			// filtered view that needs them (a year's worth, newest first).
			{Name: segmentsJob, Every: 15 * time.Minute, Timeout: 10 * time.Minute, Run: func(ctx context.Context) error {
				return a.eachService(ctx, func(s *catalog.Service) error {
					n, err := stats.PrepareDays(ctx, s, 400)
					if n > 0 {
						slog.Info("analytics: put days in columns", "service", s.Slug, "days", n)
					}
					return err
				})
			}},
			// A node saves whom it has counted today every few minutes, so
			// that after a crash a returning visitor is counted again only
			// if they were first counted in those minutes.
			{Name: "analytics.checkpoint", Every: 5 * time.Minute, Timeout: time.Minute, Role: jobs.RoleIngest, PerNode: true,
				Run: a.Events.Checkpoint},
			// Each node adds the events it dropped, by service and reason,
			// for the tracking page of whichever node shows it.
			{Name: "analytics.drops", Every: 30 * time.Second, Timeout: 20 * time.Second, Role: jobs.RoleIngest, PerNode: true,
				Run: drops.Flush},
		},
		Seed:     a.seedDemoTraffic,
		Shutdown: a.Events.Close,
	}, nil
}

// segmentsJob puts the days that are over in columns.
const segmentsJob = "analytics.segments"

// goalsArea is goals and funnels; its goals object is made with analytics.
func (a *App) goalsArea(env area.Env) (area.Area, error) {
	pages, err := goals.NewHandler(a.Goals, env.Catalog, env.Site)
	if err != nil {
		return area.Area{}, err
	}
	return area.Area{
		Name:         "goals",
		Routes:       pages.Routes,
		ServiceLinks: []catalog.ServiceLink{{Label: "Goals and funnels", Path: "goals", Hidden: "of"}},
		// Transactions count the main funnel, which the kpi area keeps (it
		// is built later, before any metric is asked for).
		Metrics: a.Goals.Metrics(func(ctx context.Context, serviceID int64) (int64, error) {
			return a.KPI.MainFunnel(ctx, serviceID)
		}),
		Jobs: []jobs.Job{
			// The days that are over are counted once, ahead of the first
			// report that needs them.
			{Name: "goals.funnel_days", Every: time.Hour, Timeout: 20 * time.Minute, Run: func(ctx context.Context) error {
				return a.eachService(ctx, func(s *catalog.Service) error {
					now := time.Now()
					return a.Goals.KeepBeforePrune(ctx, s.ID, now.Add(-48*time.Hour), now)
				})
			}},
		},
	}, nil
}

// feedbackArea is the feedback forms, the triage inbox and its summaries.
func (a *App) feedbackArea(env area.Env) (area.Area, error) {
	a.Feedback = feedback.New(env.DB)
	a.Feedback.SetTeam(a.feedbackTeam)
	pages, err := feedback.NewHandler(a.Feedback, env.Catalog, env.Site, feedback.Options{VisitorKey: a.ingest.VisitorKey, Public: a.Brand.Public})
	if err != nil {
		return area.Area{}, err
	}
	return area.Area{
		Name:         "feedback",
		Routes:       pages.Routes,
		Nav:          []web.NavItem{{Label: "Feedback", Path: "/feedback/inbox"}},
		ServiceLinks: []catalog.ServiceLink{{Label: "Feedback", Path: "feedback", Hidden: "about"}},
		Metrics:      a.Feedback.Metrics(),
		Seed:         a.seedDemoFeedback,
		Jobs: []jobs.Job{
			// What people wrote goes after the service's retention.
			{Name: "feedback.retention", Every: time.Hour, Timeout: 10 * time.Minute, Run: func(ctx context.Context) error {
				n, err := a.Feedback.RemoveOldText(ctx)
				if n > 0 {
					slog.Info("feedback: removed what people wrote past its retention", "items", n)
				}
				return err
			}},
		},
	}, nil
}

// feedbackTeam is whom feedback can be assigned to: the users, with the
// services they may see.
func (a *App) feedbackTeam(ctx context.Context) ([]feedback.Member, error) {
	users, err := a.Accounts.Users(ctx)
	team := make([]feedback.Member, len(users))
	for i, u := range users {
		team[i] = feedback.Member{ID: u.ID, Email: u.Email, AllServices: u.AllServices, Services: u.ServiceIDs, Disabled: u.DisabledAt != nil}
	}
	return team, err
}

// kpiArea is the four KPIs; it reads its inputs through the metric
// registry (the main funnel's transactions, the survey's answers).
func (a *App) kpiArea(env area.Env) (area.Area, error) {
	a.KPI = kpi.New(env.DB, env.Catalog, kpi.Options{Metrics: env.Metrics, Funnels: a.Goals.Funnels})
	pages, err := kpi.NewHandler(a.KPI, env.Site)
	if err != nil {
		return area.Area{}, err
	}
	pages.Public, pages.Name = a.Brand.Public, a.Brand.PublicName
	return area.Area{
		Name:         "kpi",
		Routes:       pages.Routes,
		ServiceLinks: []catalog.ServiceLink{{Label: "KPIs", Path: "kpis", Hidden: "of"}},
		Tiles:        a.KPI.Tiles,
		Metrics:      a.KPI.Metrics(),
		Seed:         a.seedDemoKPIs,
	}, nil
}

// eachService runs fn for every service that is not archived, stopping at
// the first error.
func (a *App) eachService(ctx context.Context, fn func(s *catalog.Service) error) error {
	list, err := a.Catalog.List(ctx, catalog.ListOptions{})
	if err != nil {
		return err
	}
	for _, s := range list {
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}
