package kpi

import (
	"time"

	"github.com/liveops/liveops/internal/statsquery"
)

// day is a civil date as the store keeps it: days since 1970-01-01. Which
// instants it covers depends on the service's time zone.
type day int

const secondsPerDay = 24 * 60 * 60

// dayOf is the day number of a civil date.
func dayOf(d statsquery.Date) day {
	return day(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// dayAt is the date of instant t in zone.
func dayAt(t time.Time, zone *time.Location) day {
	y, m, d := t.In(zone).Date()
	return dayOf(statsquery.Date{Year: y, Month: m, Day: d})
}

// date is the civil date of d.
func (d day) date() statsquery.Date {
	y, m, dd := time.Unix(int64(d)*secondsPerDay, 0).UTC().Date()
	return statsquery.Date{Year: y, Month: m, Day: dd}
}

// String is the ISO 8601 date, 2026-01-31.
func (d day) String() string { return d.date().String() }

// start is the first instant of d in zone.
func (d day) start(zone *time.Location) time.Time { return d.date().Start(zone) }

// monthOf is the first and last day of the month d is in.
func monthOf(d day) span {
	t := d.date()
	first := dayOf(statsquery.Date{Year: t.Year, Month: t.Month, Day: 1})
	next := statsquery.Date{Year: t.Year, Month: t.Month + 1, Day: 1}
	if t.Month == time.December {
		next = statsquery.Date{Year: t.Year + 1, Month: time.January, Day: 1}
	}
	return span{first, dayOf(next) - 1}
}

// Dates users may give: figures before 2000 or after 2099 are typing errors.
const (
	minYear = 2000
	maxYear = 2099
)

// parseDay reads an ISO date, 2026-01-31, within minYear and maxYear.
func parseDay(s string) (day, bool) {
	if len(s) != len(time.DateOnly) {
		return 0, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < minYear || t.Year() > maxYear {
		return 0, false
	}
	return dayOf(statsquery.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}), true
}

// parseMonth reads a month, 2026-01, as the span of its days.
func parseMonth(s string) (span, bool) {
	if len(s) != len("2006-01") {
		return span{}, false
	}
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < minYear || t.Year() > maxYear {
		return span{}, false
	}
	return monthOf(dayOf(statsquery.Date{Year: t.Year(), Month: t.Month(), Day: 1})), true
}

// span is the days from First to Last, both included.
type span struct{ First, Last day }

// Days is the number of days in s.
func (s span) Days() int { return int(s.Last-s.First) + 1 }

// overlap is the number of days s and o share.
func (s span) overlap(o span) int {
	return max(0, int(min(s.Last, o.Last)-max(s.First, o.First))+1)
}

// isMonth reports whether s is exactly one calendar month.
func (s span) isMonth() bool { return monthOf(s.First) == s }

// String is the span as CSV and pages show a transactions period: the date
// of one day, or the month (2026-01) of a whole month.
func (s span) String() string {
	if s.First == s.Last {
		return s.First.String()
	}
	if s.isMonth() {
		return s.First.String()[:7]
	}
	return s.First.String() + " to " + s.Last.String()
}

// previous is the span of the same length just before s.
func (s span) previous() span {
	// Whole calendar months compare with as many whole months before
	// (March with February, a quarter with the quarter before), not with
	// the same number of days, which would cut a month's figures.
	if months := s.months(); months > 0 {
		first := s.First.date()
		start := time.Date(first.Year, first.Month-time.Month(months), 1, 0, 0, 0, 0, time.UTC)
		return span{dayOf(statsquery.Date{Year: start.Year(), Month: start.Month(), Day: 1}), s.First - 1}
	}
	n := day(s.Days())
	return span{s.First - n, s.Last - n}
}

// months is how many whole calendar months s is, 0 when it does not
// start on a month's first day and end on one's last.
func (s span) months() int {
	first, last := s.First.date(), (s.Last + 1).date()
	if first.Day != 1 || last.Day != 1 {
		return 0
	}
	return (last.Year-first.Year)*12 + int(last.Month) - int(first.Month)
}

// Interval is the length of the periods a series is cut into.
type Interval string

// The intervals a series may have. Weeks start on Monday (ISO 8601).
const (
	Daily     Interval = "day"
	Weekly    Interval = "week"
	Monthly   Interval = "month"
	Quarterly Interval = "quarter"
	Yearly    Interval = "year"
)

// Intervals lists the intervals, shortest first.
var Intervals = []Interval{Daily, Weekly, Monthly, Quarterly, Yearly}

// Label is the interval as the period picker names it.
func (iv Interval) Label() string {
	switch iv {
	case Daily:
		return "Day"
	case Weekly:
		return "Week"
	case Quarterly:
		return "Quarter"
	case Yearly:
		return "Year"
	}
	return "Month"
}

// validInterval reports whether s names an interval.
func validInterval(s string) bool {
	for _, iv := range Intervals {
		if string(iv) == s {
			return true
		}
	}
	return false
}

// next is the first day of the interval period after the one d is in.
func (iv Interval) next(d day) day {
	switch iv {
	case Daily:
		return d + 1
	case Weekly:
		// 1970-01-01, day 0, was a Thursday: Monday is weekday 0 here.
		weekday := (int(d)%7 + 7 + 3) % 7
		return d + day(7-weekday)
	}
	t := d.date()
	switch iv {
	case Quarterly:
		m := (t.Month-1)/3*3 + 4
		if m > 12 {
			return dayOf(statsquery.Date{Year: t.Year + 1, Month: time.January, Day: 1})
		}
		return dayOf(statsquery.Date{Year: t.Year, Month: m, Day: 1})
	case Yearly:
		return dayOf(statsquery.Date{Year: t.Year + 1, Month: time.January, Day: 1})
	}
	return monthOf(d).Last + 1
}

// buckets cuts s into the interval's periods; the first and the last are
// cut short where s starts or ends inside one. It stops after limit+1
// buckets, so that a caller can refuse too many without making them all.
func (iv Interval) buckets(s span, limit int) []span {
	var out []span
	for d := s.First; d <= s.Last && len(out) <= limit; {
		n := iv.next(d)
		out = append(out, span{d, min(n-1, s.Last)})
		d = n
	}
	return out
}
