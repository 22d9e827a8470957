package statsquery

import (
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Date is a calendar day in the service's time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// String is the ISO 8601 form, 2024-01-31.
func (d Date) String() string {
	b := make([]byte, 0, 10)
	b = appendPadded(b, d.Year, 4)
	b = appendPadded(append(b, '-'), int(d.Month), 2)
	return string(appendPadded(append(b, '-'), d.Day, 2))
}

// appendPadded appends n with leading zeros to width digits; buckets
// format many dates, and this is several times faster than fmt.
func appendPadded(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// AddDays is the day n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date {
	return dateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC), time.UTC)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	return d.Year < e.Year || d.Year == e.Year && (d.Month < e.Month || d.Month == e.Month && d.Day < e.Day)
}

func dateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// Start is the first instant, in UTC, whose local date in loc is d or
// later. Where a DST change skips or repeats midnight, that is the first
// instant of the local day, so consecutive days tile time with no gap or
// overlap.
func (d Date) Start(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	if lt := t.In(loc); dateOf(t, loc) == d && lt.Hour() == 0 && lt.Minute() == 0 && lt.Second() == 0 &&
		dateOf(t.Add(-time.Second), loc).Before(d) {
		return t.UTC()
	}
	// Binary search, in whole seconds, for the first instant on or after d.
	lo, hi := t.Add(-6*time.Hour), t.Add(6*time.Hour)
	for !dateOf(lo, loc).Before(d) {
		lo = lo.Add(-24 * time.Hour)
	}
	for dateOf(hi, loc).Before(d) {
		hi = hi.Add(24 * time.Hour)
	}
	for n := hi.Sub(lo) / time.Second; n > 1; n = hi.Sub(lo) / time.Second {
		mid := lo.Add(n / 2 * time.Second)
		if dateOf(mid, loc).Before(d) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi.UTC()
}

// DateRange is the resolved period of a query. Shorthands are resolved
// as in Plausible's Stats API v2 (its QueryParser and QueryBuilder), with
// days counted in the service's time zone:
//
//   - "day": today;
//   - "Nd" (7d, 10d, 30d, … up to 5000d): the N whole days before today,
//     so today is left out;
//   - "month": the current calendar month, to its last day;
//   - "Nmo" (3mo, 6mo, 12mo, … up to 100mo): the N whole months before
//     the current month;
//   - "year": the current calendar year, to 31 December;
//   - "all": from the local day the site started to today;
//   - two dates: from the start of the first to the end of the second;
//   - two ISO 8601 datetimes with offsets: both seconds included.
//
// A range of dates starts at local midnight of its first day and ends at
// 23:59:59 of its last, as Plausible resolves them: where a DST change
// skips midnight the range starts when the clock comes back, where it
// repeats midnight the range starts at the later one, and where it repeats
// the last hour of the day the range ends at the first 23:59:59.
type DateRange struct {
	// Input is the requested shorthand ("7d", "month", …), or "custom".
	Input string
	// From and To bound the period as a half-open UTC interval [From, To).
	From, To time.Time
	// FirstDay and LastDay are the local dates of From and of the last
	// second before To.
	FirstDay, LastDay Date
	// Location is the service's time zone, in which days are counted.
	Location *time.Location
}

// Limits on relative shorthands, as in Plausible's parser.
const (
	MaxDays   = 5000
	MaxMonths = 100
)

// shorthand is the form of "Nd" and "Nmo" that Plausible's schema lets
// through; its parser then bounds N.
var shorthand = regexp.MustCompile(`^([0-9]+)(d|mo)$`)

// The forms of ISO 8601 dates and datetimes Plausible's schema lets
// through; the offset of a datetime is checked by its parser.
var (
	isoDate     = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)
	isoDateTime = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$`)
)

// parseDateRange resolves date_range as the DateRange type describes.
func parseDateRange(v any, loc *time.Location, now, siteStart time.Time) (DateRange, error) {
	today := dateOf(now, loc)
	r := DateRange{Input: "custom", Location: loc}
	switch v := v.(type) {
	case string:
		r.Input = v
		first, last := today, today
		switch m := shorthand.FindStringSubmatch(v); {
		case v == "day":
		case v == "month":
			first = Date{today.Year, today.Month, 1}
			last = Date{today.Year, today.Month + 1, 1}.AddDays(-1)
		case v == "year":
			first, last = Date{today.Year, time.January, 1}, Date{today.Year, time.December, 31}
		case v == "all":
			if start := dateOf(siteStart, loc); !siteStart.IsZero() && start.Before(today) {
				first = start
			}
		case m != nil:
			n, err := strconv.Atoi(m[1])
			limit := MaxDays
			if m[2] == "mo" {
				limit = MaxMonths
			}
			if err != nil || n < 1 || n > limit {
				return r, invalidf("#/date_range", "Invalid date_range %s", quote(v))
			}
			if m[2] == "d" {
				first, last = today.AddDays(-n), today.AddDays(-1)
				break
			}
			thisMonth := time.Date(today.Year, today.Month, 1, 12, 0, 0, 0, time.UTC)
			first = dateOf(thisMonth.AddDate(0, -n, 0), time.UTC)
			last = Date{today.Year, today.Month, 1}.AddDays(-1)
		default:
			return r, errf("#/date_range", "Invalid date range %s", quote(v))
		}
		return r.fromDays(first, last), nil
	case []any:
		return r.fromPair(v)
	}
	return r, errf("#/date_range", "Invalid date range %s", inspect(v))
}

func (r DateRange) fromDays(first, last Date) DateRange {
	r.From, r.To = rangeStart(first, r.Location), rangeEnd(last, r.Location)
	r.FirstDay, r.LastDay = first, last
	return r
}

// rangeStart is the first instant of a range starting on d: local
// midnight, the later one if the clock shows it twice, or the end of the
// gap if the clock skips it.
func rangeStart(d Date, loc *time.Location) time.Time {
	if ts := wallTimes(d, 0, 0, 0, loc); len(ts) > 0 {
		return ts[len(ts)-1]
	}
	return d.Start(loc)
}

// rangeEnd is the end, exclusive, of a range ending on d: just after
// 23:59:59, the first one if the clock shows it twice, or the start of
// the gap if the clock skips it.
func rangeEnd(d Date, loc *time.Location) time.Time {
	if ts := wallTimes(d, 23, 59, 59, loc); len(ts) > 0 {
		return ts[0].Add(time.Second)
	}
	return d.AddDays(1).Start(loc)
}

// wallTimes lists, earliest first, the instants (in UTC) at which the
// clock in loc shows the given time on d: none in a DST gap, two in an
// overlap.
func wallTimes(d Date, hour, minute, second int, loc *time.Location) []time.Time {
	wall := time.Date(d.Year, d.Month, d.Day, hour, minute, second, 0, time.UTC)
	var out []time.Time
	var offsets []int
	// Every offset in use within a day either side of the wall time.
	for h := -26; h <= 26; h++ {
		_, off := wall.Add(time.Duration(h) * time.Hour).In(loc).Zone()
		if slices.Contains(offsets, off) {
			continue
		}
		offsets = append(offsets, off)
		t := wall.Add(-time.Duration(off) * time.Second)
		lt := t.In(loc)
		if _, lo := lt.Zone(); lo == off && !slices.ContainsFunc(out, t.Equal) {
			out = append(out, t.UTC())
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// fromPair reads two dates (whole local days) or two ISO 8601 datetimes
// with offsets (to the second, both ends included, as Plausible does).
func (r DateRange) fromPair(pair []any) (DateRange, error) {
	bad := errf("#/date_range", "Invalid date range %s", inspect(pair))
	if len(pair) != 2 {
		return r, bad
	}
	a, okA := pair[0].(string)
	b, okB := pair[1].(string)
	dates := okA && okB && isoDate.MatchString(a) && isoDate.MatchString(b)
	if !dates && !(okA && okB && isoDateTime.MatchString(a) && isoDateTime.MatchString(b)) {
		return r, bad
	}
	// The schema lets these through; Plausible's parser then refuses them.
	unparsed := invalidf("#/date_range", "Invalid date_range '%s'.", inspect(pair))
	if dates {
		da, errA := time.Parse(time.DateOnly, a)
		db, errB := time.Parse(time.DateOnly, b)
		if errA != nil || errB != nil {
			return r, unparsed
		}
		r = r.fromDays(dateOf(da, time.UTC), dateOf(db, time.UTC))
	} else {
		ta, errA := time.Parse(time.RFC3339, a)
		tb, errB := time.Parse(time.RFC3339, b)
		if errA != nil || errB != nil {
			return r, unparsed
		}
		r.From, r.To = ta.Truncate(time.Second).UTC(), tb.Truncate(time.Second).Add(time.Second).UTC()
		r.FirstDay, r.LastDay = dateOf(r.From, r.Location), dateOf(r.To.Add(-time.Second), r.Location)
	}
	if !r.From.Before(r.To) {
		return r, errf("#/date_range", "Invalid date range %s: the end is before the start", inspect(pair))
	}
	// Beyond these years the echo's ISO 8601 datetimes would not parse back.
	for _, t := range []time.Time{r.From, r.To.Add(-time.Second)} {
		if y, ly := t.Year(), t.In(r.Location).Year(); y < 1 || y > 9999 || ly < 1 || ly > 9999 {
			return r, errf("#/date_range", "Invalid date range %s: it must lie within the years 0001 to 9999", inspect(pair))
		}
	}
	return r, nil
}
