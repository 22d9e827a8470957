// Package area is how an area of liveops plugs into the server. An area
// (analytics, goals, feedback, kpi, and monitor, alert, security… to come)
// builds its parts from an Env and returns one Area declaring everything it
// brings: routes, background jobs, navigation, links on a service's page,
// figures on the home page's service tiles, demo data, named metrics, and
// what must happen at shutdown. internal/app loops over the declared areas;
// no other package needs to know an area exists.
//
// Areas read each other's figures only through the metric registry
// (Env.Metrics) and never query each other's tables.
package area

import (
	"context"
	"fmt"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/jobs"
	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Area is one area's declaration. Only Name is required.
type Area struct {
	// Name is the area's package name: "analytics". Job and metric names
	// are the area's own; jobs are named "<area>.<job>".
	Name string
	// Routes registers the area's pages and API on the router.
	Routes func(rt *web.Router)
	// Jobs are the area's background jobs, run by the node's job runner.
	Jobs []jobs.Job
	// Nav are entries in the main navigation, in order.
	Nav []web.NavItem
	// ServiceLinks are the area's entries on a service's page.
	ServiceLinks []catalog.ServiceLink
	// Tiles gives the area's figures on each service's home page tile.
	Tiles catalog.TileSource
	// Metrics are the named time series the area offers every other.
	Metrics []metric.Definition
	// Seed fills a demo service with the area's demo data, once: a second
	// call on the same service adds nothing.
	Seed func(ctx context.Context, svc *catalog.Service) error
	// Shutdown writes what the area buffers, after the last request.
	Shutdown func(ctx context.Context) error
}

// Check reports what is wrong with a list of declarations: a missing or
// repeated name, or a job not named after its area.
func Check(areas []Area) error {
	seen := map[string]bool{}
	for _, a := range areas {
		if a.Name == "" {
			return fmt.Errorf("an area has no name")
		}
		if seen[a.Name] {
			return fmt.Errorf("area %q is declared twice", a.Name)
		}
		seen[a.Name] = true
		for _, j := range a.Jobs {
			if !strings.HasPrefix(j.Name, a.Name+".") {
				return fmt.Errorf("area %s: job %q must be named %s.<job>", a.Name, j.Name, a.Name)
			}
		}
	}
	return nil
}

// Env is what the server gives every area to build itself from: the
// database, the site its pages render on, the service catalog, the
// Prometheus registry for its own counters, and the metric registry through
// which it reads other areas' figures.
type Env struct {
	DB         *store.DB
	Site       *web.Site
	Catalog    *catalog.Catalog
	Prometheus prometheus.Registerer
	Metrics    *metric.Registry
}
