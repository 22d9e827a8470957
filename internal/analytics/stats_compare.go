package analytics

import (
	"context"
	"encoding/json"
	"math"

	"github.com/liveops/liveops/internal/statsquery"
)

// RowComparison is a result row's figures in the period compared with
// (include.comparisons), as Plausible answers: the row's dimension values
// there (time buckets move to the compared period's), its metrics (zeros
// when the period has no such row) and each metric's change.
type RowComparison struct {
	Dimensions []any `json:"dimensions"`
	Metrics    []any `json:"metrics"`
	Change     []any `json:"change"`
}

// compare runs r's query again over its compared period, on the same
// engine, and gives each of rows its comparison. Plausible narrows the
// compared query to the dimension values on the page with extra filters;
// liveops asks for every row of the compared period instead and looks
// the page's values up, which gives the same figures without a filter per
// row.
func (s *sqlEvents) compare(ctx context.Context, r StatsRequest, rows []ResultRow) error {
	q := r.Query
	cq := *q
	cq.DateRange = q.Include.Comparisons.DateRange
	cq.Include = statsquery.Include{}
	cq.Offset, cq.Limit = 0, math.MaxInt32
	cr := r
	cr.Query = &cq
	res, err := s.Stats(ctx, cr)
	if err != nil {
		return err
	}
	found := make(map[string][]any, len(res.Results))
	for _, row := range res.Results {
		found[rowKey(row.Dimensions)] = row.Metrics
	}
	ti, moved := -1, map[string]any{}
	if td, ok := q.TimeDimension(); ok {
		for i, d := range q.Dimensions {
			if d == td {
				ti = i
			}
		}
		// The i-th bucket of the period stands for the i-th of the query's.
		there := cq.TimeBuckets()
		for i, b := range q.TimeBuckets() {
			moved[b.Label] = nil
			if i < len(there) {
				moved[b.Label] = there[i].Label
			}
		}
	}
	for i := range rows {
		dims := append([]any{}, rows[i].Dimensions...)
		if ti >= 0 {
			label, _ := dims[ti].(string)
			dims[ti] = moved[label]
		}
		metrics, ok := found[rowKey(dims)]
		if !ok {
			metrics = zeroMetrics(len(q.Metrics))
		}
		c := &RowComparison{Dimensions: dims, Metrics: metrics, Change: make([]any, len(q.Metrics))}
		for j, m := range q.Metrics {
			c.Change[j] = metricChange(m, metrics[j], rows[i].Metrics[j])
		}
		rows[i].Comparison = c
	}
	return nil
}

// withEmptyBuckets adds a row of zeros for each bucket of a time series
// (the query's one dimension is time) that has none, so that every bucket
// is compared, as Plausible does.
func withEmptyBuckets(q *statsquery.Query, rows []ResultRow) []ResultRow {
	if len(q.Dimensions) != 1 || !q.Dimensions[0].IsTime() {
		return rows
	}
	have := make(map[any]bool, len(rows))
	for _, row := range rows {
		have[row.Dimensions[0]] = true
	}
	for _, b := range q.TimeBuckets() {
		if !have[b.Label] {
			have[b.Label] = true
			rows = append(rows, ResultRow{Dimensions: []any{b.Label}, Metrics: zeroMetrics(len(q.Metrics))})
		}
	}
	return rows
}

func zeroMetrics(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = int64(0)
	}
	return out
}

func rowKey(dims []any) string {
	b, _ := json.Marshal(dims)
	return string(b)
}

// metricChange is a metric's change from old to now, as Plausible
// computes it: for bounce rate the difference in points (none when there
// was no bounce rate before), for conversion rate the difference to one
// decimal, and for the rest the percentage change, rounded, with 100 for
// a rise from zero. A metric without a value (scroll depth without
// engagement) has no change.
func metricChange(m statsquery.Metric, old, now any) any {
	o, okOld := numeric(old)
	n, okNow := numeric(now)
	if !okOld || !okNow {
		return nil
	}
	switch m {
	case statsquery.BounceRate:
		if o > 0 {
			return int64(math.Round(n - o))
		}
		return nil
	case statsquery.ConversionRate:
		return math.Round((n-o)*10) / 10
	}
	switch {
	case o == 0 && n > 0:
		return int64(100)
	case o == 0:
		return int64(0)
	}
	return int64(math.Round((n - o) / o * 100))
}

func numeric(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}
