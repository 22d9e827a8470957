package statsquery

import (
	"time"
)

// The modes of include.comparisons.
const (
	ComparePreviousPeriod = "previous_period"
	CompareYearOverYear   = "year_over_year"
	CompareCustom         = "custom"
)

// Comparisons is include.comparisons: the query is run again over another
// period, and each result row carries the other period's figures. Plausible
// takes it in its internal schema (the one its dashboard uses); liveops
// takes it at /api/v2/query.
type Comparisons struct {
	Mode           string
	MatchDayOfWeek bool
	// DateRange is the period compared with, in whole local days: the one
	// asked for (custom), or the one the mode derives from the query's
	// range once the query is parsed (see resolveComparisons).
	DateRange DateRange
}

// oneOfErr is Plausible's schema answer for an include.comparisons object
// of the wrong shape: its schema has one branch for previous_period and
// year_over_year, another for custom with its date_range.
const oneOfErr = "Expected exactly one of the schemata to match, but none of them did."

// parseComparisons reads include.comparisons' shape, and a custom date
// range, which may be two dates or two datetimes (the echo writes
// datetimes); either way it compares whole local days.
func (p *parser) parseComparisons(v any) (*Comparisons, error) {
	const field = "#/include/comparisons"
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, typeErr(field, "Object", v)
	}
	c := &Comparisons{}
	bad := errf(field, oneOfErr)
	mode, _ := obj["mode"].(string)
	switch mode {
	case ComparePreviousPeriod, CompareYearOverYear, CompareCustom:
		c.Mode = mode
	default:
		return nil, bad
	}
	for _, k := range sortedKeys(obj) {
		switch k {
		case "mode":
		case "match_day_of_week":
			b, ok := obj[k].(bool)
			if !ok {
				return nil, bad
			}
			c.MatchDayOfWeek = b
		case "date_range":
			if mode != CompareCustom {
				return nil, bad
			}
		default:
			return nil, bad
		}
	}
	if mode != CompareCustom {
		return c, nil
	}
	pair, ok := obj["date_range"].([]any)
	if !ok {
		return nil, bad
	}
	r, err := DateRange{Input: "custom", Location: p.site.Location}.fromPair(pair)
	if err != nil {
		e := err.(*Error)
		e.Field = field + "/date_range"
		if !e.Pointer {
			return nil, p.keep(e)
		}
		return nil, e
	}
	c.DateRange = r.fromDays(r.FirstDay, r.LastDay)
	return c, nil
}

// resolveComparisons derives the compared period from the query's range,
// as Plausible's Comparisons module does: over whole local days, with a
// range that runs past today cut at today first; previous_period is the
// same number of days just before, year_over_year the same days 365 days
// earlier; match_day_of_week then moves the period to start on the same
// weekday as the query (see matchWeekday). A custom period is taken as
// given. The period must fit the time dimension's bucket bound too.
func (p *parser) resolveComparisons(q *Query) error {
	c := q.Include.Comparisons
	if c == nil {
		return nil
	}
	src := q.DateRange
	if c.Mode != CompareCustom {
		first, last := src.FirstDay, src.LastDay
		if today := dateOf(p.now, src.Location); today.Before(last) && !today.Before(first) {
			last = today
		}
		shift := -365
		if c.Mode == ComparePreviousPeriod {
			shift = -(daysBetween(first, last) + 1)
		}
		cf, cl := first.AddDays(shift), last.AddDays(shift)
		if c.MatchDayOfWeek {
			moved := matchWeekday(cf, first)
			cf, cl = moved, cl.AddDays(daysBetween(cf, moved))
		}
		c.DateRange = DateRange{Input: "custom", Location: src.Location}.fromDays(cf, cl)
	}
	if td, ok := q.TimeDimension(); ok {
		return checkBucketCount(c.DateRange, td.Kind, "#/include/comparisons")
	}
	return nil
}

// matchWeekday moves d to the weekday of source's: to the next such day,
// unless that is source itself, then to the previous one (Plausible's
// shift_to_nearest, which orders the candidates so).
func matchWeekday(d, source Date) Date {
	want, have := weekday(source), weekday(d)
	if want == have {
		return d
	}
	next := d.AddDays((int(want) - int(have) + 7) % 7)
	if next != source {
		return next
	}
	return d.AddDays(-((int(have) - int(want) + 7) % 7))
}

// daysBetween is the number of days from a to b (negative when b is
// earlier).
func daysBetween(a, b Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 12, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 12, 0, 0, 0, time.UTC)
	return int((tb.Unix() - ta.Unix()) / (24 * 3600)) // in seconds: a Duration overflows past 292 years
}

// echoComparisons is include.comparisons as the echo shows it: a custom
// period as its first and last second in the service's zone, as
// Plausible writes it.
func (c *Comparisons) echo() map[string]any {
	out := map[string]any{"mode": c.Mode}
	if c.MatchDayOfWeek {
		out["match_day_of_week"] = true
	}
	if c.Mode == CompareCustom {
		r := c.DateRange
		out["date_range"] = []string{isoTime(r.From, r.Location), isoTime(r.To.Add(-time.Second), r.Location)}
	}
	return out
}
