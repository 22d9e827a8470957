package monitor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// Summary is a check's runs over a period, from the rollups.
type Summary struct {
	Up, Down, Maintenance int64
	DurationMS            int64 // the sum, of runs out of maintenance
	H                     [histogramBuckets]int64
}

// Runs counts the runs that count for uptime.
func (s Summary) Runs() int64 { return s.Up + s.Down }

// Uptime is the share of runs up, in per cent; ok is false with no runs.
func (s Summary) Uptime() (pct float64, ok bool) {
	if s.Runs() == 0 {
		return 0, false
	}
	return float64(s.Up) / float64(s.Runs()) * 100, true
}

// Mean is the mean response time.
func (s Summary) Mean() time.Duration {
	var n int64
	for _, c := range s.H {
		n += c
	}
	if n == 0 {
		return 0
	}
	return time.Duration(s.DurationMS/n) * time.Millisecond
}

// Percentile estimates the q-th quantile (0.5, 0.95, 0.99) of the response
// times from the buckets, interpolating within the bucket it falls in.
func (s Summary) Percentile(q float64) time.Duration {
	var n int64
	for _, c := range s.H {
		n += c
	}
	if n == 0 {
		return 0
	}
	rank := q * float64(n)
	var seen float64
	for i, c := range s.H {
		if c == 0 {
			continue
		}
		if seen+float64(c) >= rank {
			lo := int64(0)
			if i > 0 {
				lo = histogramBounds[i-1]
			}
			hi := lo * 2 // the last bucket has no bound: twice its floor
			if i < len(histogramBounds) {
				hi = histogramBounds[i]
			}
			frac := (rank - seen) / float64(c)
			return time.Duration(float64(lo)+frac*float64(hi-lo)) * time.Millisecond
		}
		seen += float64(c)
	}
	return time.Duration(histogramBounds[len(histogramBounds)-1]) * time.Millisecond
}

func (s *Summary) add(o Summary) {
	s.Up += o.Up
	s.Down += o.Down
	s.Maintenance += o.Maintenance
	s.DurationMS += o.DurationMS
	for i := range s.H {
		s.H[i] += o.H[i]
	}
}

// grainFor is the rollup a period reaching back to from is summed from:
// minutes up to three hours, hours up to eight days, days beyond. A page
// of a hundred checks' uptime over 24 hours, 30 and 90 days then reads
// about fifteen thousand rows, not a third of a million; the period starts
// at the start of the bucket it falls in (24 hours from the hour before,
// 30 days from the start of the UTC day).
func grainFor(from, now time.Time) string {
	switch {
	case now.Sub(from) <= 3*time.Hour:
		return "minute"
	case now.Sub(from) <= 8*24*time.Hour:
		return "hour"
	}
	return "day"
}

var sumColumns = func() string {
	var b strings.Builder
	b.WriteString("SUM(up), SUM(down), SUM(maintenance), SUM(duration_ms)")
	for i := range histogramBuckets {
		fmt.Fprintf(&b, ", SUM(h%d)", i)
	}
	return b.String()
}()

func scanSummary(row interface{ Scan(...any) error }, lead ...any) (Summary, error) {
	var s Summary
	var nulls [4 + histogramBuckets]*int64
	dst := append([]any{}, lead...)
	for i := range nulls {
		dst = append(dst, &nulls[i])
	}
	if err := row.Scan(dst...); err != nil {
		return s, err
	}
	get := func(i int) int64 {
		if nulls[i] == nil {
			return 0
		}
		return *nulls[i]
	}
	s.Up, s.Down, s.Maintenance, s.DurationMS = get(0), get(1), get(2), get(3)
	for i := range s.H {
		s.H[i] = get(4 + i)
	}
	return s, nil
}

// Summaries sums the rollups of some checks from a time until now, a
// Summary per check (absent for a check with no runs).
func Summaries(ctx context.Context, db *store.DB, checkIDs []int64, from, now time.Time) (map[int64]Summary, error) {
	out := map[int64]Summary{}
	if len(checkIDs) == 0 {
		return out, nil
	}
	grain := grainFor(from, now)
	// From the start of the bucket from falls in: a little more than the
	// period rather than less.
	for _, g := range grains {
		if g.Name == grain {
			from = from.Truncate(g.Size)
		}
	}
	args := []any{grain, from.UnixMilli()}
	for _, id := range checkIDs {
		args = append(args, id)
	}
	rows, err := db.QueryContext(ctx, `SELECT check_id, `+sumColumns+` FROM monitor_rollups
		WHERE grain = $1 AND bucket_ms >= $2 AND check_id IN (`+store.Placeholders(3, len(checkIDs))+`) GROUP BY check_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		s, err := scanSummary(rows, &id)
		if err != nil {
			return nil, err
		}
		out[id] = s
	}
	return out, rows.Err()
}

// Point is one bucket of a check's history.
type Point struct {
	At time.Time
	Summary
}

// Series returns a check's rollups of one grain from a time, bucket by
// bucket (buckets with no runs are absent).
func Series(ctx context.Context, db *store.DB, checkID int64, grain string, from time.Time) ([]Point, error) {
	all, err := SeriesOf(ctx, db, []int64{checkID}, grain, from)
	return all[checkID], err
}

// SeriesOf is Series for many checks in one query: each check's buckets
// in time order (a check with no runs is absent).
func SeriesOf(ctx context.Context, db *store.DB, checkIDs []int64, grain string, from time.Time) (map[int64][]Point, error) {
	return seriesOf(ctx, db, checkIDs, grain, from, strings.ReplaceAll(sumColumns, "SUM(", "("))
}

// countColumns are a rollup's counts without its response times: all the
// status page's 90 daily bars need.
const countColumns = "up, down, maintenance"

// seriesOf reads the columns of each bucket (sumColumns' order, cut
// short): scanning only the counts makes the status page's read of 9,000
// buckets four times faster.
func seriesOf(ctx context.Context, db *store.DB, checkIDs []int64, grain string, from time.Time, columns string) (map[int64][]Point, error) {
	out := map[int64][]Point{}
	if len(checkIDs) == 0 {
		return out, nil
	}
	args := []any{grain, from.UnixMilli()}
	for _, id := range checkIDs {
		args = append(args, id)
	}
	rows, err := db.QueryContext(ctx, `SELECT check_id, bucket_ms, `+columns+`
		FROM monitor_rollups WHERE grain = $1 AND bucket_ms >= $2 AND check_id IN (`+store.Placeholders(3, len(checkIDs))+`)
		ORDER BY check_id, bucket_ms`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	full := columns != countColumns
	for rows.Next() {
		var id, ms int64
		var s Summary
		if full {
			s, err = scanSummary(rows, &id, &ms)
		} else {
			err = rows.Scan(&id, &ms, &s.Up, &s.Down, &s.Maintenance)
		}
		if err != nil {
			return nil, err
		}
		out[id] = append(out[id], Point{At: time.UnixMilli(ms).UTC(), Summary: s})
	}
	return out, rows.Err()
}
