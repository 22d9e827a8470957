package metric

import (
	"fmt"
	"time"
)

// Buckets cuts [from, to) into the interval's periods in zone: local
// hours, days, weeks from Monday, or calendar months; the first and last
// are cut short where the period starts or ends inside one. Where a DST
// change skips or repeats midnight, a day starts at its first instant. It
// answers a *QueryError for an empty or reversed period or more than
// MaxBuckets buckets.
func Buckets(from, to time.Time, iv Interval, zone *time.Location) ([]Bucket, error) {
	switch {
	case from.IsZero():
		return nil, &QueryError{Field: "from", Message: "from is required"}
	case to.IsZero():
		return nil, &QueryError{Field: "to", Message: "to is required"}
	case !from.Before(to):
		return nil, &QueryError{Field: "to", Message: "to must be after from"}
	}
	size := map[Interval]time.Duration{Hour: time.Hour, Day: 24 * time.Hour, Week: 7 * 24 * time.Hour, Month: 28 * 24 * time.Hour}[iv]
	n := MaxBuckets
	if size > 0 && to.Sub(from)/size < MaxBuckets {
		n = int(to.Sub(from)/size) + 2
	}
	out := make([]Bucket, 0, n)
	for start := from; start.Before(to); {
		if len(out) == MaxBuckets {
			return nil, &QueryError{Field: "interval", Message: fmt.Sprintf("the period has more than %d %ss: ask for a shorter period or a longer interval", MaxBuckets, iv)}
		}
		end := next(start, iv, zone)
		if end.After(to) {
			end = to
		}
		out = append(out, Bucket{Start: start, End: end})
		start = end
	}
	return out, nil
}

// next is the start of the interval period after the one t is in.
func next(t time.Time, iv Interval, zone *time.Location) time.Time {
	lt := t.In(zone)
	if iv == Hour {
		floor := t.Add(-time.Duration(lt.Minute())*time.Minute - time.Duration(lt.Second())*time.Second - time.Duration(lt.Nanosecond()))
		return floor.Add(time.Hour)
	}
	y, m, d := lt.Date()
	switch iv {
	case Week:
		d += 7 - (int(lt.Weekday())+6)%7
	case Month:
		m, d = m+1, 1
	default:
		d++
	}
	n := dayStart(y, m, d, zone)
	if !n.After(t) { // a DST change that repeats midnight: never step back
		n = dayStart(y, m, d+1, zone)
	}
	return n
}

// dayStart is the first instant whose local date in zone is y-m-d or
// later: midnight, or where DST skips midnight, the first instant after.
func dayStart(y int, m time.Month, d int, zone *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, zone)
	want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	ly, lm, ld := t.Date()
	if time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC).Before(want) {
		// time.Date normalised a skipped midnight back into the day before.
		for t.In(zone).Day() != want.Day() {
			t = t.Add(15 * time.Minute)
		}
		return t.Truncate(15 * time.Minute)
	}
	// A repeated midnight: the first of the two.
	if e := t.Add(-time.Hour).In(zone); e.Hour() == 0 && e.Minute() == 0 && e.Day() == ld {
		return e
	}
	return t
}
