package statsquery

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, fails only with an *Error that
// points into the body, and that a query it accepts echoes as a query that
// parses again to the same echo, with time buckets that tile its range.
func FuzzParse(f *testing.F) {
	seeds := []string{
		body(),
		body(`"date_range": "day"`, `"dimensions": ["time"]`, `"include": {"time_labels": true}`),
		body(`"date_range": "all"`, `"dimensions": ["time:week", "visit:source"]`, `"order_by": [["visit:source", "asc"]]`),
		body(`"date_range": ["2024-03-30", "2024-04-01"]`, `"dimensions": ["time:hour"]`),
		body(`"date_range": ["2024-10-27T00:30:00+01:00", "2024-10-27T03:00:00Z"]`, `"dimensions": ["time"]`),
		body(`"metrics": ["conversion_rate", "events"]`, `"dimensions": ["event:goal"]`, `"filters": [["is", "event:goal", ["Signup"]]]`),
		body(`"filters": [["or", [["and", [["contains", "event:page", ["/b"], {"case_sensitive": false}]]], ["not", ["matches", "event:page", ["^/u/\\d+$"]]]]]]`),
		body(`"metrics": ["bounce_rate"]`, `"dimensions": ["event:name"]`),
		body(`"metrics": ["percentage", "visitors"]`, `"dimensions": ["event:props:plan"]`, `"pagination": {"limit": 5, "offset": 5}`),
		body(`"date_range": "12mo"`, `"dimensions": ["time:month"]`, `"order_by": []`),
		body(`"date_range": "month"`, `"dimensions": ["time"]`, `"include": {"time_labels": true}`),
		body(`"date_range": "year"`, `"dimensions": ["time:month"]`),
		body(`"date_range": ["2024-10-27", "2024-10-27"]`, `"dimensions": ["time:hour"]`),
		body(`"date_range": "999999999mo"`, `"pagination": {"limit": 0}`),
		body(`"date_range": ["2021-02-03T00:00:00", "2021-02-03T23:59:59"]`),
		body(`"filters": [["has_done", ["or", [["is", "event:goal", ["Signup"]], ["is", "event:page", ["/"]]]]]]`),
		body(`"filters": [["has_not_done", ["has_done", ["is", "visit:browser", ["Chrome"]]]]]`),
		body(`"filters": [["and", [["is", "segment", [1, 2]], ["is", "segment", ["3"]]]]]`),
		body(`"filters": [["is", "event:page", []], ["matches", "event:page", []], ["is", "visit:os_version", [123]]]`),
		body(`"filters": [["matches", "event:page", ["a"], {"case_sensitive": false}], ["is", "visit:country", ["USA"]]]`),
		body(`"metrics": ["conversion_rate", "group_conversion_rate", "total_revenue"]`, `"dimensions": ["visit:city", "event:goal"]`),
		body(`"metrics": ["events"]`, `"order_by": [["visitors", "asc"]]`, `"filters": [["not", ["is", "event:hostname", ["a"]]]]`),
		body(`"dimensions": ["time:day"]`, `"include": {"comparisons": {"mode": "previous_period", "match_day_of_week": true}}`),
		body(`"include": {"comparisons": {"mode": "custom", "date_range": ["2024-01-01T00:00:00+02:00", "2024-01-02T00:00:00Z"]}}`),
		`{}`, `[]`, `{"site_id": 1}`, `null`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2024, 10, 27, 1, 30, 0, 0, time.UTC) // in London's repeated hour
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := Parse(b, london, now, testStart)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !strings.HasPrefix(e.Field, "#") || e.Message == "" {
				t.Fatalf("Parse(%q) error %#v, want an *Error with a field", b, err)
			}
			if utf8.Valid(b) && !utf8.ValidString(e.Error()) {
				t.Fatalf("Parse(%q) error is not UTF-8: %q", b, e.Error())
			}
			return
		}
		echo := echoJSON(t, q)
		again, err := Parse([]byte(echo), london, now, testStart)
		if err != nil {
			t.Fatalf("Parse(%q) echoes %s, which does not parse: %v", b, echo, err)
		}
		if got := echoJSON(t, again); got != echo {
			t.Fatalf("Parse(%q) echoes\n%s\nwhich echoes\n%s", b, echo, got)
		}
		if _, ok := q.TimeDimension(); ok {
			checkTiling(t, q.DateRange, q.TimeBuckets())
		}
	})
}
