// Package metric is the one registry through which any area asks any other
// for a named time series of a service: "visitors" from analytics,
// "transactions_completed" from goals, "problem_reports" from feedback,
// "completion_rate" from kpi, and later "uptime" or "lcp_p75". Alerts,
// benefits, reports and forecasts read every figure they show through it,
// so no area queries another's tables.
//
// A metric is a Definition: a name (lower case, words joined by "_"), a
// short description, a Unit, the intervals it can be cut into, the
// parameters it takes (at most a few, such as which funnel), and the
// function that computes it. Each area declares its definitions once, in a
// Metrics function of its own, and the app registers them all in one
// Registry, which refuses a name given twice.
//
// A series is asked for by service, period [From, To) and Interval (hour,
// day, week or month, cut in the service's time zone; weeks start on
// Monday). The registry cuts the period into buckets — the first and last
// cut short where the period starts or ends inside one — and the metric
// answers one Point per bucket.
//
// Units say how to read a value: a Count of things, a Ratio from 0 to 1
// (pages multiply by 100), Seconds, or Money in the Currency the series
// names (an amount in major units, 12.5 is £12.50).
//
// A point is either known, with a value, or unknown, with a reason a
// person can act on ("Raw events for these days were deleted by the
// retention setting", "No main funnel is chosen", "No one answered the
// survey in this period"). Unknown is never reported as zero, and zero is
// never a stand-in for unknown: the zero Point is unknown, so a metric that
// forgets a bucket says so rather than inventing a 0.
package metric

import (
	"context"
	"encoding/json"
	"time"
)

// UnitKind is what a metric's values measure.
type UnitKind string

// The kinds of unit.
const (
	Count   UnitKind = "count"   // a number of things: visitors, transactions
	Ratio   UnitKind = "ratio"   // a share from 0 to 1: bounce rate, completion rate
	Seconds UnitKind = "seconds" // a duration
	Money   UnitKind = "money"   // an amount in major units of Unit.Currency
)

// Unit is how a metric's values are read. Currency is the ISO 4217 code of
// a Money unit; a definition may leave it empty when it depends on the
// service, and its series then names it.
type Unit struct {
	Kind     UnitKind `json:"kind"`
	Currency string   `json:"currency,omitempty"`
}

// Interval is the length of the buckets a series is cut into.
type Interval string

// The intervals, shortest first.
const (
	Hour  Interval = "hour"
	Day   Interval = "day"
	Week  Interval = "week"
	Month Interval = "month"
)

// Intervals lists every interval, shortest first.
var Intervals = []Interval{Hour, Day, Week, Month}

// Param is a parameter a metric takes, such as the funnel to count.
type Param struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Func computes a metric for q: one Point per bucket of q.Buckets, in
// order, or an error. Errors a caller can fix (a parameter naming no
// funnel) are *QueryError; others are the store's.
type Func func(ctx context.Context, q Query) (Result, error)

// Result is what a Func answers: a point per bucket, and the currency of
// a Money series whose definition leaves it to the service.
type Result struct {
	Points   []Point
	Currency string
}

// Definition declares one metric.
type Definition struct {
	Name        string
	Description string // one sentence, for pickers and the API
	Unit        Unit
	// Intervals are those the metric can be cut into; nil means all.
	Intervals []Interval
	Params    []Param
	Compute   Func
	// Latest, when set, says when the series last had new data (the zero
	// time for never): inputs' freshness is judged by it.
	Latest func(ctx context.Context, s Service) (time.Time, error)
}

// Service is what a metric needs to know of the service it is asked
// about; the app fills it from the catalog.
type Service struct {
	ID   int64
	Slug string
	Zone *time.Location // never nil once the registry hands it to a Func
}

// Query asks for a series.
type Query struct {
	Service  Service
	From, To time.Time // the period, half-open
	Interval Interval
	Params   map[string]string // by Param.Name; only declared names are allowed
	// Buckets are the periods a Func answers a point for, in order; the
	// registry fills them (a caller's are ignored).
	Buckets []Bucket
}

// Param is the value of the parameter name, "" when not given.
func (q Query) Param(name string) string { return q.Params[name] }

// Bucket is one period of a series, half-open.
type Bucket struct {
	Start, End time.Time
}

// Point is a series' value over one bucket, or why it is unknown. The zero
// Point is unknown.
type Point struct {
	Start, End time.Time
	Value      float64 // meaningful only when Known
	Known      bool
	Reason     string // why the value is unknown; "" when Known
}

// Known is a point with value v.
func Known(v float64) Point { return Point{Value: v, Known: true} }

// Unknown is a point whose value is not known, for reason.
func Unknown(reason string) Point { return Point{Reason: reason} }

// MarshalJSON writes {"start", "end", "value", "reason"}: a value and a
// null reason, or a null value and the reason.
func (p Point) MarshalJSON() ([]byte, error) {
	out := struct {
		Start  time.Time `json:"start"`
		End    time.Time `json:"end"`
		Value  *float64  `json:"value"`
		Reason *string   `json:"reason"`
	}{Start: p.Start.UTC(), End: p.End.UTC()}
	if p.Known {
		out.Value = &p.Value
	} else {
		out.Reason = &p.Reason
	}
	return json.Marshal(out)
}

// Series is a metric's answer to a Query.
type Series struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Unit        Unit     `json:"unit"`
	Interval    Interval `json:"interval"`
	Points      []Point  `json:"points"`
}

// Sum adds up the known points, and says how many points were unknown and
// the first unknown one's reason.
func (s *Series) Sum() (sum float64, unknown int, reason string) {
	for _, p := range s.Points {
		if !p.Known {
			if unknown == 0 {
				reason = p.Reason
			}
			unknown++
			continue
		}
		sum += p.Value
	}
	return sum, unknown, reason
}
