package kpi

import (
	"context"
	"fmt"
	"time"

	"github.com/liveops/liveops/internal/metric"
)

// MainFunnel is the funnel the service counts its digital transactions
// with, 0 for none: the goals area's transactions metrics count it when
// asked for no funnel in particular.
func (k *KPI) MainFunnel(ctx context.Context, serviceID int64) (int64, error) {
	s, err := k.Settings(ctx, serviceID)
	if err != nil {
		return 0, err
	}
	return s.MainFunnelID, nil
}

// Metrics declares the four KPIs of DESIGN.md, and the satisfaction
// score, as metrics, computed exactly as the KPI pages compute them: a
// point is unknown, with the pages' reason, wherever the page would say
// so.
func (k *KPI) Metrics() []metric.Definition {
	ratio := metric.Unit{Kind: metric.Ratio}
	days := []metric.Interval{metric.Day, metric.Week, metric.Month}
	def := func(n Name, unit metric.Unit, desc string) metric.Definition {
		return metric.Definition{Name: string(n), Description: desc, Unit: unit, Intervals: days, Compute: k.kpiMetric(n)}
	}
	return []metric.Definition{
		def(CompletionRate, ratio, "Completed digital transactions as a share of those started."),
		def(DigitalTakeUp, ratio, "Completed digital transactions as a share of those completed through every channel."),
		def(UserSatisfaction, ratio, "Share of satisfaction survey answers that are satisfied or very satisfied."),
		def(SatisfactionScore, ratio, "Mean satisfaction survey rating from 0 (all very dissatisfied) to 1 (all very satisfied)."),
		def(CostPerTransaction, metric.Unit{Kind: metric.Money}, "Cost of providing the service divided by the transactions completed on the days the costs cover."),
	}
}

func (k *KPI) kpiMetric(n Name) metric.Func {
	return func(ctx context.Context, q metric.Query) (metric.Result, error) {
		svc, err := k.cat.ByID(ctx, q.Service.ID)
		if err != nil {
			return metric.Result{}, fmt.Errorf("read service %d: %w", q.Service.ID, err)
		}
		settings, err := k.Settings(ctx, svc.ID)
		if err != nil {
			return metric.Result{}, err
		}
		loc := svc.Location()
		last := func(t time.Time) day { return dayAt(t.Add(-time.Nanosecond), loc) }
		d, err := k.load(ctx, svc, settings, span{dayAt(q.From, loc), last(q.To)})
		if err != nil {
			return metric.Result{}, err
		}
		digits := minorDigits(settings.Currency)
		pts := make([]metric.Point, len(q.Buckets))
		for i, b := range q.Buckets {
			c := d.counts(span{dayAt(b.Start, loc), last(b.End)})
			all := c.kpis(d.funnel, digits)
			m := all.Get(n)
			if m.Known {
				pts[i] = metric.Known(m.Value)
			} else {
				pts[i] = metric.Unknown(m.Reason)
			}
		}
		res := metric.Result{Points: pts}
		if n == CostPerTransaction {
			res.Currency = settings.Currency
		}
		return res, nil
	}
}
