package feedback

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/liveops/liveops/internal/metric"
)

// Metrics declares the feedback area's metrics: how many items, problem
// reports and satisfaction survey answers came in. Every item is counted
// whatever its triage status; a bucket with none is a true 0, as the
// inbox holds every item ever sent.
func (f *Feedback) Metrics() []metric.Definition {
	count := metric.Unit{Kind: metric.Count}
	return []metric.Definition{
		{
			Name: "feedback_items", Unit: count,
			Description: "Feedback items received, of every kind: ratings, problem reports, survey answers and comments.",
			Compute:     f.countMetric(`kind IS NOT NULL`),
		},
		{
			Name: "problem_reports", Unit: count,
			Description: "Problem reports received: users telling what went wrong.",
			Compute:     f.countMetric(`kind = 'problem'`),
		},
		{
			Name: "satisfaction_answers", Unit: count,
			Description: "Answers to the satisfaction survey, of one rating when rating is given.",
			Params:      []metric.Param{{Name: "rating", Description: "Count only this rating: 1 (very dissatisfied) to 5 (very satisfied)."}},
			Compute:     f.satisfactionMetric,
			Latest: func(ctx context.Context, s metric.Service) (time.Time, error) {
				return f.LastSatisfaction(ctx, s.ID)
			},
		},
	}
}

func (f *Feedback) satisfactionMetric(ctx context.Context, q metric.Query) (metric.Result, error) {
	p := q.Param("rating")
	if p == "" {
		return f.countMetric(`kind = 'satisfaction' AND rating IS NOT NULL`)(ctx, q)
	}
	r, err := strconv.Atoi(p)
	if err != nil || r < 1 || r > 5 {
		return metric.Result{}, &metric.QueryError{Field: "rating", Message: "rating must be a whole number from 1 to 5"}
	}
	return f.countMetric(`kind = 'satisfaction' AND rating = `+strconv.Itoa(r))(ctx, q)
}

// countMetric counts the items that match cond (a constant SQL condition)
// in each bucket. Feedback comes in by the thousand, not the million, so
// the times are read and put in buckets here, in the service's zone,
// rather than grouped by each dialect's date functions.
func (f *Feedback) countMetric(cond string) metric.Func {
	return func(ctx context.Context, q metric.Query) (metric.Result, error) {
		pts := make([]metric.Point, len(q.Buckets))
		for i := range pts {
			pts[i] = metric.Known(0)
		}
		rows, err := f.db.QueryContext(ctx, `SELECT created_at FROM feedback
			WHERE service_id = $1 AND created_at >= $2 AND created_at < $3 AND `+cond, q.Service.ID, q.From.UTC(), q.To.UTC())
		if err != nil {
			return metric.Result{}, fmt.Errorf("count feedback: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var at time.Time
			if err := rows.Scan(&at); err != nil {
				return metric.Result{}, fmt.Errorf("count feedback: %w", err)
			}
			i := sort.Search(len(q.Buckets), func(i int) bool { return at.Before(q.Buckets[i].End) })
			if i < len(pts) {
				pts[i].Value++
			}
		}
		if err := rows.Err(); err != nil {
			return metric.Result{}, fmt.Errorf("count feedback: %w", err)
		}
		return metric.Result{Points: pts}, nil
	}
}
