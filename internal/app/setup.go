package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/demo"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
)

// FirstSetupLink returns the path of a one-time link for the first admin
// when the database has no users yet, or "".
func (a *App) FirstSetupLink(ctx context.Context) (string, error) {
	return a.Accounts.FirstSetupLink(ctx)
}

// DemoEmail is the demo administrator's sign-in.
const DemoEmail = "demo@liveops.example"

// DemoCredentials are what --demo prints.
type DemoCredentials struct {
	Email, Password string
}

// demoPasswordSetting keeps the demo administrator's password, so that
// every start can print it without changing it (which would sign the demo
// out). It is a demo account: its password is printed on the console anyway.
const demoPasswordSetting = "demo_admin_password"

// SeedDemo creates, once, a demo service and the demo administrator, and
// returns the administrator's sign-in. If the password was changed since,
// it is reset to a new one.
func (a *App) SeedDemo(ctx context.Context) (*DemoCredentials, error) {
	svc, err := a.Catalog.BySlug(ctx, demoService.Slug)
	if errors.Is(err, store.ErrNotFound) {
		if svc, err = a.Catalog.Create(ctx, demoService); err != nil {
			return nil, fmt.Errorf("create demo service: %w", err)
		}
		slog.Info("demo: created service", "slug", demoService.Slug)
	} else if err != nil {
		return nil, err
	}
	for _, ar := range a.areas {
		if ar.Seed == nil {
			continue
		}
		if err := ar.Seed(ctx, svc); err != nil {
			return nil, fmt.Errorf("demo %s: %w", ar.Name, err)
		}
	}
	u, err := a.Accounts.UserByEmail(ctx, DemoEmail)
	if errors.Is(err, store.ErrNotFound) {
		pw := demoPassword()
		if _, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: DemoEmail, Role: auth.Admin, Password: pw, AllServices: true}); err != nil {
			return nil, fmt.Errorf("create demo admin: %w", err)
		}
		return &DemoCredentials{Email: DemoEmail, Password: pw}, a.DB.SetSetting(ctx, demoPasswordSetting, pw)
	}
	if err != nil {
		return nil, err
	}
	if pw, err := a.DB.Setting(ctx, demoPasswordSetting); err == nil {
		if ok, _ := a.Accounts.PasswordMatches(ctx, u, pw); ok {
			return &DemoCredentials{Email: DemoEmail, Password: pw}, nil
		}
	}
	pw := demoPassword()
	if err := a.Accounts.SetPassword(ctx, u.ID, pw); err != nil {
		return nil, fmt.Errorf("reset demo admin password: %w", err)
	}
	return &DemoCredentials{Email: DemoEmail, Password: pw}, a.DB.SetSetting(ctx, demoPasswordSetting, pw)
}

func demoPassword() string {
	var b [12]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

var demoService = catalog.Input{
	Name:        "Apply for a parking permit",
	Slug:        "parking-permits",
	Domains:     []string{"parking.example.gov", "www.parking.example.gov"},
	Description: "Residents and businesses apply for, renew and pay for on-street parking permits.",
	Owner:       "Parking services team",
	Timezone:    "Europe/London",
	Phase:       "live",
	Public:      true,
}

// seedDemoTraffic gives the demo service, once, 90 days of realistic visits
// ending now, so that its dashboard shows something true to life.
func (a *App) seedDemoTraffic(ctx context.Context, svc *catalog.Service) error {
	has, err := demo.HasTraffic(ctx, a.EventStore, svc.ID)
	if err != nil || has {
		return err
	}
	start := time.Now()
	sum, err := demo.Traffic(ctx, a.Events, svc, start, demo.Options{Days: 90, Seed: 1})
	if err != nil {
		return fmt.Errorf("demo traffic: %w", err)
	}
	slog.Info("demo: generated 90 days of traffic", "events", sum.Events, "visitors", sum.Visitors,
		"visits", sum.Visits, "took", time.Since(start).Round(time.Millisecond))
	// As the segments job would, so that the demo's filtered views are
	// fast from the first click.
	start = time.Now()
	days, err := a.stats.PrepareDays(ctx, svc, 400)
	if err != nil {
		return fmt.Errorf("demo traffic: %w", err)
	}
	slog.Info("demo: put days in columns", "days", days, "took", time.Since(start).Round(time.Millisecond))
	return demo.Goals(ctx, a.Goals, svc.ID)
}

// seedDemoFeedback gives the demo service, once, 90 days of feedback with
// recurring themes and a few pages that do badly.
func (a *App) seedDemoFeedback(ctx context.Context, svc *catalog.Service) error {
	if _, total, err := a.Feedback.List(ctx, feedback.Filter{Services: []int64{svc.ID}}, 0, 1); err != nil || total > 0 {
		return err
	}
	start := time.Now()
	n, err := demo.Feedback(ctx, a.Feedback, svc, start, 90, 1)
	if err != nil {
		return err
	}
	slog.Info("demo: generated 90 days of feedback", "items", n, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// seedDemoKPIs gives the demo service a year of transactions over every
// channel, costs, targets and its application funnel as the main
// transaction (demo.SeedDemo adds nothing on later starts).
func (a *App) seedDemoKPIs(ctx context.Context, svc *catalog.Service) error {
	funnels, err := a.Goals.Funnels(ctx, svc.ID)
	if err != nil {
		return err
	}
	for _, f := range funnels {
		if f.Name == demo.FunnelName {
			return demo.SeedDemo(ctx, a.KPI, svc, f.ID, time.Now())
		}
	}
	return nil // the demo's funnel was deleted: leave the KPIs to the user
}
