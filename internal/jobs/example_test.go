package jobs_test

import (
	"context"
	"log/slog"
	"time"

	"github.com/liveops/liveops/internal/jobs"
	"github.com/liveops/liveops/internal/store"
)

// An area declares its jobs; app adds them to the node's runner, starts it
// and stops it at shutdown.
func Example() {
	ctx := context.Background()
	db, err := store.Open(ctx, "liveops.db")
	if err != nil {
		slog.Error("open", "err", err)
		return
	}
	roles, _ := jobs.ParseRoles("all") // from --role
	r, err := jobs.New(db, jobs.Options{Node: "node-1", Roles: roles})
	if err != nil {
		slog.Error("jobs", "err", err)
		return
	}
	err = r.Add(
		jobs.Job{Name: "analytics.retention", Every: time.Hour, Timeout: 10 * time.Minute,
			Run: func(ctx context.Context) error { return nil }},
		jobs.Job{Name: "analytics.salt", Cron: "0 0 * * *", Timeout: time.Minute,
			Run: func(ctx context.Context) error { return nil }},
		jobs.Job{Name: "analytics.checkpoint", Every: time.Minute, Timeout: 30 * time.Second,
			Role: jobs.RoleIngest, PerNode: true,
			Run: func(ctx context.Context) error { return nil }},
	)
	if err != nil {
		slog.Error("jobs", "err", err)
		return
	}
	r.Start(ctx)
	// … serve until asked to stop, then:
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := r.Stop(stop); err != nil {
		slog.Error("stop jobs", "err", err)
	}
}
