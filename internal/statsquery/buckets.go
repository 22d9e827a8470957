package statsquery

import (
	"time"
)

// MaxBuckets bounds the time buckets one query may ask for, so a century
// of hours cannot be requested; Plausible has no such bound.
const MaxBuckets = 10000

// Bucket is one time bucket of a query's range.
type Bucket struct {
	// Label is the bucket's value in results, as Plausible writes it:
	// "2024-01-31" for days, weeks (their Monday, or the range's first day
	// when that is later) and months (their first day), and
	// "2024-01-31 13:00:00" for hours. When a DST change repeats an hour,
	// two hour buckets share a label; tell them apart by From.
	Label string
	// From and To bound the bucket, half-open and in UTC, clipped to the
	// query's range.
	From, To time.Time
}

// TimeBuckets lists every bucket of the query's time dimension over its
// range, in order, so the executor and charts can fill empty ones. It is
// nil when the query has no time dimension.
func (q *Query) TimeBuckets() []Bucket {
	d, ok := q.TimeDimension()
	if !ok {
		return nil
	}
	return q.DateRange.Buckets(d.Kind)
}

// Buckets lists the buckets of interval (KindTimeHour, KindTimeDay,
// KindTimeWeek or KindTimeMonth; any other kind gives days) that tile
// [r.From, r.To) in r.Location (UTC when nil).
func (r DateRange) Buckets(interval Kind) []Bucket {
	if r.Location == nil {
		r.Location = time.UTC
	}
	if interval == KindTimeHour {
		return r.hours()
	}
	out := make([]Bucket, 0, min(bucketCount(r, interval), MaxBuckets))
	start := r.FirstDay.Start(r.Location)
	for cur := r.FirstDay; !r.LastDay.Before(cur); {
		next, label := cur.AddDays(1), cur
		switch interval {
		case KindTimeWeek:
			next = cur.AddDays(7 - (int(weekday(cur))+6)%7) // the next Monday
		case KindTimeMonth:
			label = Date{cur.Year, cur.Month, 1}
			next = Date{cur.Year, cur.Month, 1}.AddDays(32)
			next.Day = 1
		}
		end := next.Start(r.Location)
		if from, to := later(start, r.From), earlier(end, r.To); from.Before(to) {
			out = append(out, Bucket{Label: label.String(), From: from, To: to})
		}
		cur, start = next, end
	}
	return out
}

func (r DateRange) hours() []Bucket {
	out := make([]Bucket, 0, min(bucketCount(r, KindTimeHour), MaxBuckets))
	for t := r.floorHour(r.From); t.Before(r.To); {
		next := r.floorHour(t.Add(time.Hour))
		if !next.After(t) {
			next = t.Add(time.Hour)
		}
		out = append(out, Bucket{
			Label: t.In(r.Location).Format(time.DateTime),
			From:  later(t, r.From),
			To:    earlier(next, r.To),
		})
		t = next
	}
	return out
}

// floorHour is the start of t's local hour, which in zones with
// half-hour offsets is not a whole UTC hour.
func (r DateRange) floorHour(t time.Time) time.Time {
	lt := t.In(r.Location)
	return t.Add(-time.Duration(lt.Minute())*time.Minute - time.Duration(lt.Second())*time.Second -
		time.Duration(lt.Nanosecond())).UTC()
}

func weekday(d Date) time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// autoInterval is the bucket Plausible's QueryOptimizer picks for "time":
// hours up to 48 hours, days up to 40 days, weeks up to 52 weeks, else
// months, measured from the first to the last second of the range.
func autoInterval(r DateRange) Kind {
	span := r.To.Sub(r.From) - time.Second
	switch {
	case span/time.Hour <= 48:
		return KindTimeHour
	case span/(24*time.Hour) <= 40:
		return KindTimeDay
	case span/(7*24*time.Hour) <= 52:
		return KindTimeWeek
	}
	return KindTimeMonth
}

// checkBucketCount refuses a time dimension with more than about
// MaxBuckets buckets, counted without listing them: partial buckets at
// the ends and DST hours make the count off by a few at most.
func checkBucketCount(r DateRange, k Kind, field string) error {
	if n := bucketCount(r, k); n > MaxBuckets {
		return errf(field, "Too many time buckets: %s over this date_range gives about %d; a query may have at most %d", k, n, MaxBuckets)
	}
	return nil
}

// bucketCount counts in seconds, not time.Duration, which overflows past
// 292 years and would let a range of millennia through.
func bucketCount(r DateRange, k Kind) int {
	size := int64(3600)
	switch k {
	case KindTimeDay:
		size = 24 * 3600
	case KindTimeWeek:
		size = 7 * 24 * 3600
	case KindTimeMonth:
		size = 30 * 24 * 3600
	}
	return int((r.To.Unix()-r.From.Unix())/size) + 1
}
