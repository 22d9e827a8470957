package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/statsquery"
)

// reasonRawPruned is why an hourly (or part-day) point of a traffic
// metric is unknown: only the daily rollups outlive the raw events.
const reasonRawPruned = "The raw events of this period were deleted by the service’s retention setting; ask by day, week or month for the counts the daily rollups keep."

// Metrics declares the analytics area's metrics: the dashboard's traffic
// figures, with the Stats API's meanings (stats.go), read from the
// rollups for whole days and from the raw events otherwise. prunedBefore
// says how far retention has deleted a service's raw events (nil: never),
// so that a point only they could give is unknown, not 0.
func (st *Stats) Metrics(prunedBefore func(ctx context.Context, serviceID int64) (time.Time, error)) []metric.Definition {
	count := metric.Unit{Kind: metric.Count}
	def := func(name string, unit metric.Unit, m statsquery.Metric, desc, none string, scale float64) metric.Definition {
		return metric.Definition{Name: name, Description: desc, Unit: unit, Compute: st.trafficMetric(m, none, scale, prunedBefore)}
	}
	return []metric.Definition{
		def("visitors", count, statsquery.Visitors, "Unique visitors: each counted once a day, as visitor ids change daily.", "", 1),
		def("visits", count, statsquery.Visits, "Visits (sessions): a visitor's page views and events with no gap of 30 minutes.", "", 1),
		def("pageviews", count, statsquery.Pageviews, "Page views.", "", 1),
		def("bounce_rate", metric.Unit{Kind: metric.Ratio}, statsquery.BounceRate,
			"Share of visits with a single page view and no interaction, to the whole percent.", "There were no visits in this period.", 0.01),
		def("visit_duration", metric.Unit{Kind: metric.Seconds}, statsquery.VisitDuration,
			"Mean length of a visit, in whole seconds.", "There were no visits in this period.", 1),
	}
}

// trafficMetric asks the stats engine for m by the query's interval. A
// bucket with no visits is a true 0 for counts, and unknown (none says
// why) for m measured per visit. Values are multiplied by scale.
func (st *Stats) trafficMetric(m statsquery.Metric, none string, scale float64, prunedBefore func(context.Context, int64) (time.Time, error)) metric.Func {
	return func(ctx context.Context, q metric.Query) (metric.Result, error) {
		zone := q.Service.Zone
		body, err := json.Marshal(map[string]any{
			"site_id":    "metric",
			"metrics":    []statsquery.Metric{statsquery.Visits, m},
			"date_range": []string{q.From.Format(time.RFC3339), q.To.Add(-time.Second).Format(time.RFC3339)},
			"dimensions": []string{"time:" + string(q.Interval)},
			"pagination": map[string]int{"limit": statsquery.MaxBuckets},
		})
		if err != nil {
			return metric.Result{}, err
		}
		sq, err := statsquery.Parse(body, zone, time.Now(), q.From)
		if err != nil {
			return metric.Result{}, &metric.QueryError{Field: "from", Message: "the period cannot be asked for: " + err.Error()}
		}
		res, err := st.Run(ctx, q.Service.ID, sq)
		if err != nil {
			return metric.Result{}, fmt.Errorf("query %s: %w", m, err)
		}
		// Results name buckets by label; the registry's buckets are the
		// stats engine's, cut the same way, so they match by start.
		byLabel := map[string]time.Time{}
		for _, b := range sq.TimeBuckets() {
			byLabel[b.Label] = b.From
		}
		type row struct{ visits, value float64 }
		byStart := map[int64]row{}
		for _, r := range res.Results {
			label, _ := r.Dimensions[0].(string)
			if start, ok := byLabel[label]; ok {
				byStart[start.Unix()] = row{number(r.Metrics[0]), number(r.Metrics[1])}
			}
		}
		// Whole days come from the rollups; anything finer is read from raw
		// events, which retention may have deleted.
		raw := q.Interval == metric.Hour || !isMidnight(q.From, zone) || !isMidnight(q.To, zone)
		var pruned time.Time
		if raw && prunedBefore != nil {
			if pruned, err = prunedBefore(ctx, q.Service.ID); err != nil {
				return metric.Result{}, err
			}
		}
		pts := make([]metric.Point, len(q.Buckets))
		for i, b := range q.Buckets {
			r := byStart[b.Start.Truncate(time.Second).Unix()]
			switch {
			case raw && b.Start.Before(pruned):
				pts[i] = metric.Unknown(reasonRawPruned)
			case none != "" && r.visits == 0:
				pts[i] = metric.Unknown(none)
			default:
				pts[i] = metric.Known(r.value * scale)
			}
		}
		return metric.Result{Points: pts}, nil
	}
}

func isMidnight(t time.Time, zone *time.Location) bool {
	y, m, d := t.In(zone).Date()
	return statsquery.Date{Year: y, Month: m, Day: d}.Start(zone).Equal(t)
}

// number reads a result's metric value.
func number(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	case int:
		return float64(n)
	}
	return 0
}
