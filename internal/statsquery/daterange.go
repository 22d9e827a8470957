package statsquery

import (
	"regexp"
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
// as in Plausible's Stats API v2 (ApiQueryParser.parse_input_date_range
// and QueryPeriod), with days counted in the service's time zone:
//
//   - "day": today;
//   - "Nd" (7d, 28d, 30d, 91d, … up to 5000d): the N whole days before
//     today, so today is left out;
//   - "month": the current month up to and including today;
//   - "Nmo" (6mo, 12mo, … up to 100mo): the N whole months before the
//     current month;
//   - "year": the current year up to and including today;
//   - "all": from the local day the site started to today;
//   - two dates: from the start of the first to the end of the second;
//   - two RFC 3339 datetimes with offsets: both seconds included.
//
// Plausible's code resolves "month" and "year" to whole calendar periods
// and trims them to today only for its dashboard; its documentation says
// "since the start of the current month", which is what liveops does: the
// counts are the same, and charts do not run into the future.
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

var shorthand = regexp.MustCompile(`^([1-9][0-9]{0,3})(d|mo)$`)

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
		case v == "year":
			first = Date{today.Year, time.January, 1}
		case v == "all":
			if start := dateOf(siteStart, loc); !siteStart.IsZero() && start.Before(today) {
				first = start
			}
		case m != nil && m[2] == "d":
			n, _ := strconv.Atoi(m[1])
			if n > MaxDays {
				return r, errf("#/date_range", "Invalid date range %s", quote(v))
			}
			first, last = today.AddDays(-n), today.AddDays(-1)
		case m != nil:
			n, _ := strconv.Atoi(m[1])
			if n > MaxMonths {
				return r, errf("#/date_range", "Invalid date range %s", quote(v))
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
	r.From, r.To = first.Start(r.Location), last.AddDays(1).Start(r.Location)
	r.FirstDay, r.LastDay = first, last
	return r
}

// fromPair reads two dates (whole local days) or two RFC 3339 datetimes
// with offsets (to the second, both ends included, as Plausible does).
func (r DateRange) fromPair(pair []any) (DateRange, error) {
	bad := errf("#/date_range", "Invalid date range %s", inspect(pair))
	if len(pair) != 2 {
		return r, bad
	}
	a, okA := pair[0].(string)
	b, okB := pair[1].(string)
	if !okA || !okB {
		return r, bad
	}
	if da, err := time.Parse(time.DateOnly, a); err == nil {
		db, err := time.Parse(time.DateOnly, b)
		if err != nil {
			return r, bad
		}
		r = r.fromDays(dateOf(da, time.UTC), dateOf(db, time.UTC))
	} else {
		ta, errA := time.Parse(time.RFC3339, a)
		tb, errB := time.Parse(time.RFC3339, b)
		if errA != nil || errB != nil {
			return r, bad
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
