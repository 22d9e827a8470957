package goals

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/store"
)

// MainFunnelFunc says which funnel is a service's main transaction (0 for
// none): the kpi area keeps that choice, and the app passes it in.
type MainFunnelFunc func(ctx context.Context, serviceID int64) (int64, error)

// Reasons a transactions point is unknown.
const (
	reasonNoMainFunnel   = "No main funnel is chosen: choose one in the service’s KPI settings, or ask for a funnel with funnel=ID."
	reasonMainFunnelGone = "The service’s main funnel was deleted: choose another in its KPI settings."
)

// Metrics declares the goals area's metrics: the started and completed
// digital transactions of a funnel (Transactions), by default the main
// one that mainFunnel names.
func (g *Goals) Metrics(mainFunnel MainFunnelFunc) []metric.Definition {
	params := []metric.Param{{Name: "funnel", Description: "The id of the funnel to count; the service’s main funnel when absent."}}
	days := []metric.Interval{metric.Day, metric.Week, metric.Month}
	return []metric.Definition{
		{
			Name:        "transactions_started",
			Description: "Digital transactions started: visits that reached the first step of the main funnel.",
			Unit:        metric.Unit{Kind: metric.Count}, Intervals: days, Params: params,
			Compute: g.transactionsMetric(mainFunnel, func(d DayCount) int { return d.Started }),
		},
		{
			Name:        "transactions_completed",
			Description: "Digital transactions completed: visits that went on from the main funnel’s first step to its last.",
			Unit:        metric.Unit{Kind: metric.Count}, Intervals: days, Params: params,
			Compute: g.transactionsMetric(mainFunnel, func(d DayCount) int { return d.Completed }),
		},
	}
}

func (g *Goals) transactionsMetric(mainFunnel MainFunnelFunc, value func(DayCount) int) metric.Func {
	return func(ctx context.Context, q metric.Query) (metric.Result, error) {
		funnel, err := g.funnelParam(ctx, q, mainFunnel)
		if err != nil {
			return metric.Result{}, err
		}
		if funnel == 0 {
			return allUnknown(q, reasonNoMainFunnel), nil
		}
		days, err := g.Transactions(ctx, q.Service.ID, funnel, q.From, q.To, q.Service.Zone)
		switch {
		case errors.Is(err, store.ErrNotFound) && q.Param("funnel") == "":
			return allUnknown(q, reasonMainFunnelGone), nil
		case errors.Is(err, store.ErrNotFound):
			return metric.Result{}, &metric.QueryError{Field: "funnel", Message: fmt.Sprintf("the service has no funnel %d", funnel)}
		case err != nil:
			return metric.Result{}, err
		}
		return sumDays(q, days, value), nil
	}
}

// funnelParam is the funnel the query names, or the main one.
func (g *Goals) funnelParam(ctx context.Context, q metric.Query, mainFunnel MainFunnelFunc) (int64, error) {
	if p := q.Param("funnel"); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return 0, &metric.QueryError{Field: "funnel", Message: "funnel must be a funnel's id, a positive whole number"}
		}
		return id, nil
	}
	if mainFunnel == nil {
		return 0, nil
	}
	return mainFunnel(ctx, q.Service.ID)
}

// sumDays adds the days' values into the query's buckets; a bucket with
// an unknown day is unknown.
func sumDays(q metric.Query, days []DayCount, value func(DayCount) int) metric.Result {
	pts := make([]metric.Point, len(q.Buckets))
	for i := range pts {
		pts[i] = metric.Known(0)
	}
	b := 0
	for _, d := range days {
		start := maxTime(d.Day.Start(q.Service.Zone), q.From)
		for b < len(q.Buckets)-1 && !start.Before(q.Buckets[b].End) {
			b++
		}
		switch {
		case !pts[b].Known:
		case d.Unknown != "":
			pts[b] = metric.Unknown(d.Unknown)
		default:
			pts[b].Value += float64(value(d))
		}
	}
	return metric.Result{Points: pts}
}

func allUnknown(q metric.Query, reason string) metric.Result {
	pts := make([]metric.Point, len(q.Buckets))
	for i := range pts {
		pts[i] = metric.Unknown(reason)
	}
	return metric.Result{Points: pts}
}
