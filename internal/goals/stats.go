package goals

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/analytics"
)

// Goals gives the stats API and the dashboard the goals and funnels they
// show; app passes it to analytics.NewStats.
var _ analytics.GoalSource = (*Goals)(nil)

// StatsGoals returns the service's goals resolved to the ids their events
// carry, ordered by display name: the values of the stats API's event:goal
// dimension and the goals behind conversion_rate.
func (g *Goals) StatsGoals(ctx context.Context, serviceID int64) ([]analytics.ResolvedGoal, error) {
	list, err := g.List(ctx, serviceID)
	if err != nil {
		return nil, err
	}
	resolved, err := g.Resolve(ctx, list)
	if err != nil {
		return nil, err
	}
	out := make([]analytics.ResolvedGoal, len(resolved))
	for i, r := range resolved {
		out[i] = analytics.ResolvedGoal{DisplayName: r.Goal.DisplayName, Name: r.Name, Pages: r.Pages,
			Wildcard: strings.Contains(r.Goal.PagePath, "*")}
	}
	return out, nil
}

// FunnelTotals reports each of the service's funnels over [from, to), as
// the dashboard sums them up.
func (g *Goals) FunnelTotals(ctx context.Context, serviceID int64, from, to time.Time) ([]analytics.FunnelTotals, error) {
	list, err := g.Funnels(ctx, serviceID)
	if err != nil {
		return nil, err
	}
	out := make([]analytics.FunnelTotals, 0, len(list))
	for _, f := range list {
		rep, err := g.Funnel(ctx, serviceID, f.ID, from, to)
		if err != nil {
			return nil, fmt.Errorf("sum up funnel %d: %w", f.ID, err)
		}
		out = append(out, analytics.FunnelTotals{ID: f.ID, Name: f.Name, Steps: len(f.Steps),
			Entered: rep.Entered(), Completed: rep.Completed(), ConversionRate: rep.ConversionRate()})
	}
	return out, nil
}
