package statsquery

import (
	"time"
)

// Echo is the "query" object of a Stats API v2 response: the query as run,
// after normalisation. Its fields marshal in Plausible's order.
type Echo struct {
	SiteID     string         `json:"site_id"`
	Metrics    []string       `json:"metrics"`
	DateRange  [2]string      `json:"date_range"`
	Filters    []any          `json:"filters"`
	Dimensions []string       `json:"dimensions"`
	OrderBy    [][2]string    `json:"order_by"`
	Include    map[string]any `json:"include"`
	Pagination EchoPagination `json:"pagination"`
}

// EchoPagination is the echo's "pagination" object.
type EchoPagination struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// Echo returns the normalised query as Plausible's response shows it: the
// range as its first and last second in the service's zone, "time"
// resolved to its bucket, the default order_by filled in, and only the
// include options that are set. The marshalled echo is itself a query,
// which parses to the same echo.
func (q *Query) Echo() Echo {
	e := Echo{
		SiteID:     q.SiteID,
		Metrics:    make([]string, 0, len(q.Metrics)),
		Filters:    []any{},
		Dimensions: make([]string, 0, len(q.Dimensions)),
		OrderBy:    make([][2]string, 0, len(q.OrderBy)),
		Include:    map[string]any{},
		Pagination: EchoPagination{Limit: q.Limit, Offset: q.Offset},
	}
	for _, m := range q.Metrics {
		e.Metrics = append(e.Metrics, string(m))
	}
	r := q.DateRange
	e.DateRange = [2]string{isoTime(r.From, r.Location), isoTime(r.To.Add(-time.Second), r.Location)}
	if root, ok := q.Filters.(*And); ok {
		for _, f := range root.Filters {
			e.Filters = append(e.Filters, echoFilter(f))
		}
	}
	for _, d := range q.Dimensions {
		e.Dimensions = append(e.Dimensions, d.String())
	}
	for _, o := range q.OrderBy {
		dir := "asc"
		if o.Desc {
			dir = "desc"
		}
		e.OrderBy = append(e.OrderBy, [2]string{o.Key(), dir})
	}
	for k, on := range map[string]bool{"imports": q.Include.Imports, "time_labels": q.Include.TimeLabels, "total_rows": q.Include.TotalRows} {
		if on {
			e.Include[k] = true
		}
	}
	if c := q.Include.Comparisons; c != nil {
		e.Include["comparisons"] = c.echo()
	}
	return e
}

func echoFilter(f Filter) any {
	switch f := f.(type) {
	case *And:
		return []any{"and", echoFilters(f.Filters)}
	case *Or:
		return []any{"or", echoFilters(f.Filters)}
	case *Not:
		return []any{"not", echoFilter(f.Filter)}
	case *Behavioral:
		return []any{f.Op(), echoFilter(f.Filter)}
	case *Leaf:
		leaf := []any{string(f.Op), f.Dimension.String(), append([]string{}, f.Values...)}
		if !f.CaseSensitive {
			leaf = append(leaf, map[string]bool{"case_sensitive": false})
		}
		return leaf
	}
	return nil
}

func echoFilters(fs []Filter) []any {
	out := make([]any, 0, len(fs))
	for _, f := range fs {
		out = append(out, echoFilter(f))
	}
	return out
}

// isoTime writes t in loc as ISO 8601 with its offset, "Z" in UTC as
// Elixir writes it. Old local mean times have offsets with seconds, which
// ISO 8601 cannot carry, so those are written in UTC.
func isoTime(t time.Time, loc *time.Location) string {
	lt := t.In(loc)
	if name, off := lt.Zone(); name == "UTC" && off == 0 || off%60 != 0 {
		return t.UTC().Format("2006-01-02T15:04:05Z")
	}
	return lt.Format("2006-01-02T15:04:05-07:00")
}
