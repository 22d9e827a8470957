package kpi

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/metric"
)

// funnelDay is the main funnel's transactions on one day, or why they are
// unknown.
type funnelDay struct {
	day                day
	started, completed int64
	unknown            string // "" when known
}

// metricService is the service as the metric registry knows it.
func metricService(svc *catalog.Service) metric.Service {
	return metric.Service{ID: svc.ID, Slug: svc.Slug, Zone: svc.Location()}
}

// series asks the registry for a metric by day over [from, to). found is
// false when the metric is not there to ask (no registry, not registered)
// or its parameter names nothing (a funnel deleted meanwhile).
func (k *KPI) series(ctx context.Context, svc *catalog.Service, name string, from, to time.Time, params map[string]string) (s *metric.Series, found bool, err error) {
	if k.opt.Metrics == nil {
		return nil, false, nil
	}
	s, err = k.opt.Metrics.Series(ctx, name, metric.Query{Service: metricService(svc), From: from, To: to, Interval: metric.Day, Params: params})
	var unknown *metric.UnknownError
	var qe *metric.QueryError
	switch {
	case errors.As(err, &unknown), errors.As(err, &qe) && qe.Field != "from" && qe.Field != "to" && qe.Field != "interval":
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read %s of service %d: %w", name, svc.ID, err)
	}
	return s, true, nil
}

// funnelDays reads the funnel's started and completed transactions for
// each day of [from, to); found is false when there is no such funnel.
func (k *KPI) funnelDays(ctx context.Context, svc *catalog.Service, funnel int64, from, to time.Time) ([]funnelDay, bool, error) {
	params := map[string]string{"funnel": strconv.FormatInt(funnel, 10)}
	started, found, err := k.series(ctx, svc, metricStarted, from, to, params)
	if err != nil || !found {
		return nil, found, err
	}
	completed, found, err := k.series(ctx, svc, metricCompleted, from, to, params)
	if err != nil || !found {
		return nil, found, err
	}
	loc := svc.Location()
	days := make([]funnelDay, len(started.Points))
	for i, p := range started.Points {
		c := completed.Points[i]
		days[i] = funnelDay{day: dayAt(p.Start, loc)}
		switch {
		case !p.Known:
			days[i].unknown = p.Reason
		case !c.Known:
			days[i].unknown = c.Reason
		default:
			days[i].started, days[i].completed = int64(p.Value), int64(c.Value)
		}
	}
	return days, true, nil
}

// ratingsByDay reads the survey's answers of each rating on each day of s:
// out[r-1][i] is the answers with rating r on day s.First+i. connected is
// false when there is no survey to ask.
func (k *KPI) ratingsByDay(ctx context.Context, svc *catalog.Service, s span) (out [5][]int64, connected bool, err error) {
	loc := svc.Location()
	for r := 1; r <= 5; r++ {
		series, found, err := k.series(ctx, svc, metricAnswers, s.First.start(loc), (s.Last + 1).start(loc), map[string]string{"rating": strconv.Itoa(r)})
		if err != nil || !found {
			return out, false, err
		}
		out[r-1] = make([]int64, s.Days())
		for _, p := range series.Points {
			if i := int(dayAt(p.Start, loc) - s.First); p.Known && i >= 0 && i < len(out[r-1]) {
				out[r-1][i] += int64(p.Value)
			}
		}
	}
	return out, true, nil
}

// satisfaction counts the survey's answers in [from, to) by rating;
// connected is false when there is no survey to ask.
func (k *KPI) satisfaction(ctx context.Context, svc *catalog.Service, from, to time.Time) (ratings [5]int, connected bool, err error) {
	for r := 1; r <= 5; r++ {
		s, found, err := k.series(ctx, svc, metricAnswers, from, to, map[string]string{"rating": strconv.Itoa(r)})
		if err != nil || !found {
			return ratings, false, err
		}
		sum, _, _ := s.Sum()
		ratings[r-1] = int(sum)
	}
	return ratings, true, nil
}

// lastAnswer is when the service last had a survey answer, zero for never.
func (k *KPI) lastAnswer(ctx context.Context, svc *catalog.Service) (time.Time, error) {
	if k.opt.Metrics == nil {
		return time.Time{}, nil
	}
	t, err := k.opt.Metrics.Latest(ctx, metricAnswers, metricService(svc))
	var unknown *metric.UnknownError
	if errors.As(err, &unknown) {
		return time.Time{}, nil
	}
	return t, err
}
