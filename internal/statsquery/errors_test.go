package statsquery

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	deep := `["is", "event:page", ["/"]]`
	for range MaxFilterDepth + 1 {
		deep = `["not", ` + deep + `]`
	}
	tests := []struct {
		name, body, field, message string
	}{
		// The body as a whole.
		{"not JSON", `{`, "#", "Invalid JSON: unexpected EOF"},
		{"data after the object", body() + ` {}`, "#", "Invalid JSON: unexpected data after the query object"},
		{"not an object", `[]`, "#", "Type mismatch. Expected Object but got Array."},
		{"unknown key", body(`"date": "2024-01-01"`), "#/date", "Schema does not allow additional properties."},
		{"nothing required", `{}`, "#", "Required properties site_id, metrics, date_range were not present."},
		{"no date_range", body(`-date_range`), "#", "Required property date_range was not present."},
		{"site_id a number", body(`"site_id": 5`), "#/site_id", "Type mismatch. Expected String but got Integer."},
		{"site_id empty", body(`"site_id": ""`), "#/site_id", "Must not be empty."},

		// metrics
		{"metrics a string", body(`"metrics": "visitors"`), "#/metrics", "Type mismatch. Expected Array but got String."},
		{"no metrics", body(`"metrics": []`), "#/metrics", "Expected a minimum of 1 items but got 0."},
		{"unknown metric", body(`"metrics": ["visitors", "visitorz"]`), "#/metrics/1", `Invalid metric "visitorz"`},
		{"metric a number", body(`"metrics": [5]`), "#/metrics/0", `Invalid metric 5`},
		{"metric twice", body(`"metrics": ["events", "visitors", "visitors"]`), "#/metrics", "Expected items to be unique but they were not."},
		{"revenue metric", body(`"metrics": ["total_revenue"]`), "#/metrics/0", `Metric "total_revenue" is not supported by liveops`},

		// date_range
		{"unknown shorthand", body(`"date_range": "foo"`), "#/date_range", `Invalid date range "foo"`},
		{"realtime is internal", body(`"date_range": "realtime"`), "#/date_range", `Invalid date range "realtime"`},
		{"too many days", body(`"date_range": "5001d"`), "#/date_range", `Invalid date range "5001d"`},
		{"too many months", body(`"date_range": "101mo"`), "#/date_range", `Invalid date range "101mo"`},
		{"zero days", body(`"date_range": "0d"`), "#/date_range", `Invalid date range "0d"`},
		{"a number", body(`"date_range": 7`), "#/date_range", `Invalid date range 7`},
		{"three dates", body(`"date_range": ["2024-01-01", "2024-01-02", "2024-01-03"]`), "#/date_range",
			`Invalid date range ["2024-01-01", "2024-01-02", "2024-01-03"]`},
		{"datetimes without offset", body(`"date_range": ["2021-02-03T00:00:00", "2021-02-03T23:59:59"]`), "#/date_range",
			`Invalid date range ["2021-02-03T00:00:00", "2021-02-03T23:59:59"]`},
		{"date and datetime", body(`"date_range": ["2021-02-03T00:00:00Z", "2021-02-04"]`), "#/date_range",
			`Invalid date range ["2021-02-03T00:00:00Z", "2021-02-04"]`},
		{"offset out of range", body(`"date_range": ["2021-02-03T00:00:00-25:00", "2021-02-03T23:59:59-25:00"]`), "#/date_range",
			`Invalid date range ["2021-02-03T00:00:00-25:00", "2021-02-03T23:59:59-25:00"]`},
		{"no such day", body(`"date_range": ["2023-02-29", "2023-03-01"]`), "#/date_range", `Invalid date range ["2023-02-29", "2023-03-01"]`},
		{"end before start", body(`"date_range": ["2024-02-01", "2024-01-01"]`), "#/date_range",
			`Invalid date range ["2024-02-01", "2024-01-01"]: the end is before the start`},
		{"year zero", body(`"date_range": ["0000-01-01", "2024-01-01"]`), "#/date_range",
			`Invalid date range ["0000-01-01", "2024-01-01"]: it must lie within the years 0001 to 9999`},

		// dimensions
		{"dimensions a string", body(`"dimensions": "event:page"`), "#/dimensions", "Type mismatch. Expected Array but got String."},
		{"a metric as dimension", body(`"dimensions": ["visitors"]`), "#/dimensions/0", `Invalid dimension "visitors"`},
		{"empty property name", body(`"dimensions": ["event:props:"]`), "#/dimensions/0", `Invalid dimension "event:props:"`},
		{"city", body(`"dimensions": ["visit:city"]`), "#/dimensions/0", `Dimension "visit:city" is not supported by liveops`},
		{"dimension twice", body(`"dimensions": ["event:name", "event:name"]`), "#/dimensions", "Expected items to be unique but they were not."},
		{"two time dimensions", body(`"dimensions": ["time", "time:day"]`), "#/dimensions/1",
			`Invalid dimension "time:day": "time" is already a time dimension; use at most one`},
		{"a century of hours", body(`"date_range": ["2000-01-01", "2024-01-01"]`, `"dimensions": ["time:hour"]`), "#/dimensions/0",
			"Too many time buckets: time:hour over this date_range gives about 210409; the most is 10000"},
		{"millennia of weeks, past time.Duration's range", body(`"date_range": ["0001-01-01", "9999-12-31"], "dimensions": ["time:week"]`), "#/dimensions/0",
			"Too many time buckets: time:week over this date_range gives about 521723; the most is 10000"},

		// filters
		{"filters an object", body(`"filters": {}`), "#/filters", "Type mismatch. Expected Array but got Object."},
		{"filter a string", body(`"filters": ["x"]`), "#/filters/0", `Invalid filter "x": expected an array starting with an operator`},
		{"filter empty", body(`"filters": [[]]`), "#/filters/0", `Invalid filter []: expected an array starting with an operator`},
		{"unknown operator", body(`"filters": [["exists?", "event:name", ["foo"]]]`), "#/filters/0/0", `Unknown filter operator "exists?"`},
		{"behavioural filter", body(`"filters": [["has_done", ["is", "event:name", ["x"]]]]`), "#/filters/0/0",
			`Filter operator "has_done" is not supported by liveops`},
		{"leaf too short", body(`"filters": [["is_not", "event:name"]]`), "#/filters/0",
			`Invalid filter ["is_not", "event:name"]: expected [operator, dimension, clauses] and optional modifiers`},
		{"leaf too long", body(`"filters": [["is", "event:name", ["a"], {}, true]]`), "#/filters/0",
			`Invalid filter ["is", "event:name", ["a"], {}, true]: expected [operator, dimension, clauses] and optional modifiers`},
		{"long value cut short in the message", body(`"filters": [["is_not", "x` + strings.Repeat("é", 150) + `"]]`), "#/filters/0",
			`Invalid filter ["is_not", "x` + strings.Repeat("é", 93) + `…: expected [operator, dimension, clauses] and optional modifiers`},
		{"clauses a string", body(`"filters": [["is", "event:name", "foo"]]`), "#/filters/0/2", "Clauses must be a non-empty array of strings"},
		{"clauses empty", body(`"filters": [["is", "event:name", []]]`), "#/filters/0/2", "Clauses must be a non-empty array of strings"},
		{"clause a number", body(`"filters": [["is", "event:name", ["a"]], ["is", "visit:os_version", [123]]]`), "#/filters/1/2/0",
			"Clauses must be a non-empty array of strings"},
		{"event:device", body(`"filters": [["is", "event:device", ["foo"]]]`), "#/filters/0/1", `Invalid filter dimension "event:device"`},
		{"region filter", body(`"filters": [["is", "visit:region", ["US-MD"]]]`), "#/filters/0/1", `Dimension "visit:region" is not supported by liveops`},
		{"segment filter", body(`"filters": [["is", "segment", [1]]]`), "#/filters/0/1", `Dimension "segment" is not supported by liveops`},
		{"time filter", body(`"filters": [["is", "time:day", ["2024-01-01"]]]`), "#/filters/0/1",
			"Time dimensions cannot be filtered on; set date_range instead"},
		{"goal with is_not", body(`"filters": [["is_not", "event:goal", ["Signup"]]]`), "#/filters/0/0",
			"Only the is and contains operators can be used with event:goal"},
		{"three-letter country", body(`"filters": [["is", "visit:country", ["GB", "USA"]]]`), "#/filters/0/2/1",
			"Invalid visit:country filter, visit:country needs to be a valid 2-letter country code."},
		{"bad regexp", body(`"filters": [["matches", "event:page", ["^/a", "("]]]`), "#/filters/0/2/1",
			"Invalid regular expression \"(\": error parsing regexp: missing closing ): `(`"},
		{"long regexp", body(`"filters": [["matches", "event:page", ["` + strings.Repeat("a", MaxPattern+1) + `"]]]`), "#/filters/0/2/0",
			"Regular expression is too long: 1025 bytes; the most is 1024"},
		{"modifiers on matches", body(`"filters": [["matches", "event:page", ["^/a"], {"case_sensitive": false}]]`), "#/filters/0/3",
			"Modifiers cannot be used with the matches operator; write (?i) in the pattern instead"},
		{"modifiers a list", body(`"filters": [["is", "event:page", ["/a"], []]]`), "#/filters/0/3", "Type mismatch. Expected Object but got Array."},
		{"unknown modifier", body(`"filters": [["is", "event:page", ["/a"], {"foo": 1}]]`), "#/filters/0/3/foo",
			"Schema does not allow additional properties."},
		{"case_sensitive a string", body(`"filters": [["is", "event:page", ["/a"], {"case_sensitive": "no"}]]`), "#/filters/0/3/case_sensitive",
			"Type mismatch. Expected Boolean but got String."},
		{"and of nothing", body(`"filters": [["and", []]]`), "#/filters/0/1", "Expected a non-empty array of filters"},
		{"or with extra", body(`"filters": [["or", [["is", "event:name", ["a"]]], "extra"]]`), "#/filters/0",
			`Invalid filter ["or", [["is", "event:name", ["a"]]], "extra"]: "or" takes one array of filters`},
		{"not of two", body(`"filters": [["not", ["is", "event:name", ["a"]], 1]]`), "#/filters/0",
			`Invalid filter ["not", ["is", "event:name", ["a"]], 1]: "not" takes one filter`},
		{"deep bad clause", body(`"filters": [["or", [["is", "event:page", ["/"]], ["not", ["is", "event:page", []]]]]]`),
			"#/filters/0/1/1/1/2", "Clauses must be a non-empty array of strings"},
		{"too deep", body(`"filters": [` + deep + `]`), "#/filters/0" + strings.Repeat("/1", MaxFilterDepth),
			"Filters are nested too deeply; the most is 16 levels"},
		{"goal inside or", body(`"filters": [["or", [["is", "event:goal", ["Signup"]], ["is", "event:name", ["pageview"]]]]]`),
			"#/filters/0/1/0/1", "Invalid filters. Dimension `event:goal` can only be filtered at the top level."},
		{"hostname inside not", body(`"filters": [["not", ["is", "event:hostname", ["a.example.gov"]]]]`), "#/filters/0/1/1",
			"Invalid filters. Dimension `event:hostname` can only be filtered at the top level."},
		{"conversion_rate with nested property", body(`"metrics": ["conversion_rate"]`,
			`"filters": [["is", "event:goal", ["Signup"]], ["not", ["is", "event:props:plan", ["free"]]]]`), "#/filters/1/1/1",
			"Invalid filters. When `conversion_rate` is queried, custom property filters can only be used at the top level."},

		// order_by
		{"order_by a string", body(`"order_by": "visitors"`), "#/order_by", "Type mismatch. Expected Array but got String."},
		{"order_by entry not a pair", body(`"order_by": [["visitors"]]`), "#/order_by/0", `Invalid value in order_by ["visitors"]`},
		{"order_by unknown", body(`"order_by": [["visssss", "desc"]]`), "#/order_by/0/0", `Invalid value in order_by "visssss"`},
		{"order_by direction", body(`"order_by": [["visitors", "up"]]`), "#/order_by/0/1", `Invalid order_by direction "up"; expected "asc" or "desc"`},
		{"order_by metric not queried", body(`"order_by": [["events", "desc"]]`), "#/order_by/0",
			`Invalid order_by entry ["events", "desc"]. Entry is not a queried metric or dimension.`},
		{"order_by dimension not queried", body(`"order_by": [["event:name", "desc"]]`), "#/order_by/0",
			`Invalid order_by entry ["event:name", "desc"]. Entry is not a queried metric or dimension.`},
		{"order_by resolved time", body(`"dimensions": ["time"]`, `"order_by": [["time:day", "asc"]]`), "#/order_by/0",
			`Invalid order_by entry ["time:day", "asc"]. Entry is not a queried metric or dimension.`},

		// include and pagination
		{"include a string", body(`"include": "foobar"`), "#/include", "Type mismatch. Expected Object but got String."},
		{"comparisons are internal", body(`"include": {"comparisons": {"mode": "previous_period"}}`), "#/include/comparisons",
			"Schema does not allow additional properties."},
		{"imports a string", body(`"include": {"imports": "yes"}`), "#/include/imports", "Type mismatch. Expected Boolean but got String."},
		{"time_labels without time", body(`"include": {"time_labels": true}`), "#/include/time_labels", "Requires a time dimension."},
		{"limit too big", body(`"pagination": {"limit": 100000}`), "#/pagination/limit", "Expected the value to be <= 10000"},
		{"limit zero", body(`"pagination": {"limit": 0}`), "#/pagination/limit", "Expected the value to be >= 1"},
		{"negative offset", body(`"pagination": {"offset": -5}`), "#/pagination/offset", "Expected the value to be >= 0"},
		{"huge offset", body(`"pagination": {"offset": 100000000000000000000000}`), "#/pagination/offset", "Expected the value to be <= 2147483647"},
		{"fractional limit", body(`"pagination": {"limit": 1.5}`), "#/pagination/limit", "Type mismatch. Expected Integer but got Number."},
		{"pagination page", body(`"pagination": {"page": 2}`), "#/pagination/page", "Schema does not allow additional properties."},

		// Rules across metrics, dimensions and filters.
		{"conversion_rate alone", body(`"metrics": ["conversion_rate"]`), "#/metrics/0",
			"Metric `conversion_rate` can only be queried with event:goal filters or dimensions."},
		{"scroll_depth with nested page filter", body(`"metrics": ["scroll_depth"]`,
			`"filters": [["and", [["is", "event:page", ["/a"]], ["is", "visit:device", ["Mobile"]]]]]`), "#/metrics/0",
			"Metric `scroll_depth` can only be queried with event:page filters or dimensions."},
		{"time_on_page alone", body(`"metrics": ["visitors", "time_on_page"]`), "#/metrics/1",
			"Metric `time_on_page` can only be queried with event:page filters or dimensions."},
		{"views_per_visit with page filter", body(`"metrics": ["views_per_visit"]`, `"filters": [["not", ["contains", "event:page", ["/a"]]]]`),
			"#/metrics/0", "Metric `views_per_visit` cannot be queried with a filter on `event:page`."},
		{"views_per_visit with dimensions", body(`"metrics": ["views_per_visit"]`, `"dimensions": ["visit:source"]`), "#/metrics/0",
			"Metric `views_per_visit` cannot be queried with `dimensions`."},
		{"percentage without dimensions", body(`"metrics": ["percentage"]`), "#/metrics/0", "Metric `percentage` requires non-empty `dimensions`."},
		{"session metrics by event name", body(`"metrics": ["bounce_rate", "visitors", "visit_duration"]`, `"dimensions": ["event:name"]`), "#/metrics",
			"Session metric(s) `bounce_rate`, `visit_duration` cannot be queried along with event dimension(s) `event:name`"},
		{"session metric by page and property", body(`"metrics": ["bounce_rate"]`, `"dimensions": ["event:page", "event:props:plan"]`), "#/metrics",
			"Session metric(s) `bounce_rate` cannot be queried along with event dimension(s) `event:page`, `event:props:plan`"},
		{"event metric by entry page", body(`"metrics": ["pageviews"]`, `"dimensions": ["visit:entry_page"]`), "#/metrics",
			"Event metric(s) `pageviews` cannot be queried along with session dimension(s) `visit:entry_page`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := Parse([]byte(tt.body), time.UTC, testNow, testStart)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%s) = %+v, %v; want an *Error", tt.body, q, err)
			}
			if e.Field != tt.field || e.Message != tt.message {
				t.Errorf("Parse(%s):\n got %q %q\nwant %q %q", tt.body, e.Field, e.Message, tt.field, tt.message)
			}
			if want := tt.field + ": " + tt.message; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}
