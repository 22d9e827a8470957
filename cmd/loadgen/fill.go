package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/demo"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/store"
)

// cmdFill stores weeks of realistic traffic (the demo's, scaled up) for a
// new service, through the same pipeline that ingestion writes with: the
// database a dashboard benchmark needs, with events spread over days as
// real ones are, which a live load of a few minutes cannot give.
func cmdFill(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("fill")
	dsn := fs.String("db", store.DefaultDSN, "database to fill: a SQLite path or a postgres:// URL (no server may be running on it)")
	domain := fs.String("domain", "dashboard.example.gov", "hostname of the service to create")
	days := fs.Int("days", 30, "days of traffic, ending now")
	scale := fs.Int("scale", 100, "the demo's daily visitors times this (100 gives about 10 million events over 30 days)")
	if err := parseFlags(fs, args, "fill --db DSN [--domain HOST] [--days N] [--scale N]", stdout); err != nil {
		return err
	}
	if *days < 1 || *scale < 1 {
		return usageError{"fill: --days and --scale must be at least 1"}
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	cat := catalog.New(db)
	if _, err := cat.ByHost(ctx, *domain); !errors.Is(err, store.ErrNotFound) {
		if err == nil {
			return usageError{fmt.Sprintf("fill: a service already has the hostname %s: fill a new one", *domain)}
		}
		return fmt.Errorf("fill: %w", err)
	}
	svc, err := cat.Create(ctx, catalog.Input{Name: "Dashboard benchmark", Domains: []string{*domain}, Timezone: "Europe/London", Phase: "live"})
	if err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	if err := demo.Goals(ctx, goals.New(db), svc.ID); err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{})
	start := time.Now()
	sum, err := demo.Traffic(ctx, p, svc, start, demo.Options{Days: *days, Seed: 1, Scale: *scale})
	closeErr := p.Close(context.Background())
	if err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	if closeErr != nil {
		return fmt.Errorf("fill: %w", closeErr)
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "filled service %s (slug %s): %d events, %d visits, %d visitors over %d days in %s (%.0f events/s)\n",
		*domain, svc.Slug, sum.Events, sum.Visits, sum.Visitors, *days, took.Round(time.Second), float64(sum.Events)/took.Seconds())
	return nil
}
