package metric

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Registry holds every area's metric definitions. It is filled once, when
// the app starts, and only read afterwards; reading is safe from many
// goroutines.
type Registry struct {
	defs map[string]Definition
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{defs: map[string]Definition{}} }

var validName = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// ErrDuplicate is the error Register wraps when a name is taken.
var ErrDuplicate = errors.New("metric already registered")

// Register adds definitions. It refuses, adding none of them, a name
// already registered or given twice (ErrDuplicate), a name that is not
// lower-case words joined by "_", a definition without Compute or with an
// unknown unit.
func (r *Registry) Register(defs ...Definition) error {
	seen := map[string]bool{}
	for _, d := range defs {
		switch {
		case !validName.MatchString(d.Name):
			return fmt.Errorf("register metric %q: the name must be lower-case words joined by _", d.Name)
		case seen[d.Name] || r.defs[d.Name].Name != "":
			return fmt.Errorf("register metric %q: %w", d.Name, ErrDuplicate)
		case d.Compute == nil:
			return fmt.Errorf("register metric %q: it has no Compute function", d.Name)
		case !slices.Contains([]UnitKind{Count, Ratio, Seconds, Money}, d.Unit.Kind):
			return fmt.Errorf("register metric %q: unknown unit %q", d.Name, d.Unit.Kind)
		}
		seen[d.Name] = true
	}
	for _, d := range defs {
		r.defs[d.Name] = d
	}
	return nil
}

// Definitions lists every registered metric, by name, for pickers and the
// API.
func (r *Registry) Definitions() []Definition {
	out := make([]Definition, 0, len(r.defs))
	for _, d := range r.defs {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Definition) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Definition returns the metric called name, or an *UnknownError.
func (r *Registry) Definition(name string) (Definition, error) {
	d, ok := r.defs[name]
	if !ok {
		return Definition{}, &UnknownError{Name: name}
	}
	return d, nil
}

// UnknownError is the error for a metric name nobody registered.
type UnknownError struct{ Name string }

func (e *UnknownError) Error() string { return fmt.Sprintf("there is no metric %q", e.Name) }

// QueryError is a query the registry or a metric cannot answer as asked:
// Field names the part at fault (from, to, interval, or a parameter).
type QueryError struct {
	Field   string
	Message string
}

func (e *QueryError) Error() string { return e.Message }

// MaxBuckets bounds the points one series may have: a year of hours fits.
const MaxBuckets = 9000

// Series computes the metric called name for q. Its errors are an
// *UnknownError for a name not registered, a *QueryError for a period,
// interval or parameter the metric cannot take, or the metric's own.
func (r *Registry) Series(ctx context.Context, name string, q Query) (*Series, error) {
	d, err := r.Definition(name)
	if err != nil {
		return nil, err
	}
	if q.Service.Zone == nil {
		q.Service.Zone = time.UTC
	}
	if err := d.check(q); err != nil {
		return nil, err
	}
	q.Buckets, err = Buckets(q.From, q.To, q.Interval, q.Service.Zone)
	if err != nil {
		return nil, err
	}
	res, err := d.Compute(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("compute %s of service %d: %w", name, q.Service.ID, err)
	}
	if len(res.Points) != len(q.Buckets) {
		return nil, fmt.Errorf("compute %s of service %d: %d points for %d buckets", name, q.Service.ID, len(res.Points), len(q.Buckets))
	}
	s := &Series{Name: d.Name, Description: d.Description, Unit: d.Unit, Interval: q.Interval, Points: res.Points}
	if s.Unit.Currency == "" {
		s.Unit.Currency = res.Currency
	}
	for i, b := range q.Buckets {
		p := &s.Points[i]
		p.Start, p.End = b.Start, b.End
		if !p.Known && p.Reason == "" {
			p.Reason = "The value was not computed."
		}
		if p.Known {
			p.Reason = ""
		}
	}
	return s, nil
}

// Latest says when the metric called name last had new data for s, the
// zero time when never or when the metric cannot say.
func (r *Registry) Latest(ctx context.Context, name string, s Service) (time.Time, error) {
	d, err := r.Definition(name)
	if err != nil || d.Latest == nil {
		return time.Time{}, err
	}
	if s.Zone == nil {
		s.Zone = time.UTC
	}
	return d.Latest(ctx, s)
}

// check refuses an interval the metric cannot be cut into and parameters
// it does not take.
func (d *Definition) check(q Query) error {
	if !slices.Contains(Intervals, q.Interval) {
		return &QueryError{Field: "interval", Message: fmt.Sprintf("the interval %q is not one of hour, day, week or month", q.Interval)}
	}
	if d.Intervals != nil && !slices.Contains(d.Intervals, q.Interval) {
		names := make([]string, len(d.Intervals))
		for i, iv := range d.Intervals {
			names[i] = string(iv)
		}
		return &QueryError{Field: "interval", Message: fmt.Sprintf("%s is counted by %s only", d.Name, strings.Join(names, ", "))}
	}
	for name := range q.Params {
		if !slices.ContainsFunc(d.Params, func(p Param) bool { return p.Name == name }) {
			return &QueryError{Field: name, Message: fmt.Sprintf("%s takes no parameter %q", d.Name, name)}
		}
	}
	return nil
}
