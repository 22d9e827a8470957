package statsquery

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestParseErrors checks liveops' own errors and the schema errors whose
// wording Plausible's tests leave open; plausible_parser_test.go has the
// cases Plausible's tests assert.
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

		// date_range
		{"unknown shorthand", body(`"date_range": "foo"`), "#/date_range", `Invalid date range "foo"`},
		{"realtime is internal", body(`"date_range": "realtime"`), "#/date_range", `Invalid date range "realtime"`},
		{"a number", body(`"date_range": 7`), "#/date_range", `Invalid date range 7`},
		{"three dates", body(`"date_range": ["2024-01-01", "2024-01-02", "2024-01-03"]`), "#/date_range",
			`Invalid date range ["2024-01-01", "2024-01-02", "2024-01-03"]`},
		{"date and datetime", body(`"date_range": ["2021-02-03T00:00:00Z", "2021-02-04"]`), "#/date_range",
			`Invalid date range ["2021-02-03T00:00:00Z", "2021-02-04"]`},
		{"offset out of range", body(`"date_range": ["2021-02-03T00:00:00-25:00", "2021-02-03T23:59:59-25:00"]`), "#/date_range",
			`Invalid date range ["2021-02-03T00:00:00-25:00", "2021-02-03T23:59:59-25:00"]`},
		{"end before start", body(`"date_range": ["2024-02-01", "2024-01-01"]`), "#/date_range",
			`Invalid date range ["2024-02-01", "2024-01-01"]: the end is before the start`},
		{"year zero", body(`"date_range": ["0000-01-01", "2024-01-01"]`), "#/date_range",
			`Invalid date range ["0000-01-01", "2024-01-01"]: it must lie within the years 0001 to 9999`},

		// dimensions
		{"dimensions a string", body(`"dimensions": "event:page"`), "#/dimensions", "Type mismatch. Expected Array but got String."},
		{"a metric as dimension", body(`"dimensions": ["visitors"]`), "#/dimensions/0", `Invalid dimension "visitors"`},
		{"empty property name", body(`"dimensions": ["event:props:"]`), "#/dimensions/0", `Invalid dimension "event:props:"`},
		{"dimension twice", body(`"dimensions": ["event:name", "event:name"]`), "#/dimensions", "Expected items to be unique but they were not."},
		{"two time dimensions", body(`"dimensions": ["time", "time:day"]`), "#/dimensions/1",
			`Invalid dimension "time:day": "time" is already a time dimension; use at most one`},
		{"a century of hours", body(`"date_range": ["2000-01-01", "2024-01-01"]`, `"dimensions": ["time:hour"]`), "#/dimensions/0",
			"Too many time buckets: time:hour over this date_range gives about 210409; a query may have at most 10000"},
		{"millennia of weeks, past time.Duration's range", body(`"date_range": ["0001-01-01", "9999-12-31"], "dimensions": ["time:week"]`), "#/dimensions/0",
			"Too many time buckets: time:week over this date_range gives about 521723; a query may have at most 10000"},

		// filters
		{"long value cut short in the message", body(`"filters": [["is_not", "x` + strings.Repeat("é", 1500) + `"]]`), "#/filters/0",
			`Invalid filter ["is_not", "x` + strings.Repeat("é", 993) + `…`},
		{"long list cut as Elixir's inspect does", body(`"filters": [["is", "event:page", [` + strings.Repeat(`1.5, `, 60) + `1]]]`), "#/filters/0",
			`Invalid filter ["is", "event:page", [` + strings.Repeat(`1.5, `, 50) + `...]]`},
		{"filters an object", body(`"filters": {}`), "#/filters", "Type mismatch. Expected Array but got Object."},
		{"bad regexp", body(`"filters": [["matches", "event:page", ["^/a", "("]]]`), "#/filters/0/2/1",
			"Invalid regular expression \"(\": error parsing regexp: missing closing ): `(`"},
		{"long regexp", body(`"filters": [["matches", "event:page", ["` + strings.Repeat("a", MaxPattern+1) + `"]]]`), "#/filters/0/2/0",
			"Regular expression is too long: 1025 bytes; it may be at most 1024"},
		{"too deep", body(`"filters": [` + deep + `]`), "#/filters/0" + strings.Repeat("/1", MaxFilterDepth),
			"Filters are nested too deeply; they may be at most 16 levels deep"},

		// order_by
		{"order_by a string", body(`"order_by": "visitors"`), "#/order_by", "Type mismatch. Expected Array but got String."},
		{"order_by entry not a pair", body(`"order_by": [["visitors"]]`), "#/order_by/0", `Expected a minimum of 2 items but got 1.`},
		{"order_by entry a string", body(`"order_by": ["visitors"]`), "#/order_by/0", `Type mismatch. Expected Array but got String.`},
		{"order_by entry too long", body(`"order_by": [["visitors", "asc", 1]]`), "#/order_by/0", `Expected a maximum of 2 items but got 3.`},
		{"order_by unknown", body(`"order_by": [["visssss", "desc"]]`), "#/order_by/0/0", `Invalid value in order_by "visssss"`},
		{"order_by direction", body(`"order_by": [["visitors", "up"]]`), "#/order_by/0/1", `Value is not allowed in enum.`},

		// include and pagination
		{"include a string", body(`"include": "foobar"`), "#/include", "Type mismatch. Expected Object but got String."},
		{"imports a string", body(`"include": {"imports": "yes"}`), "#/include/imports", "Type mismatch. Expected Boolean but got String."},
		{"limit too big", body(`"pagination": {"limit": 100000}`), "#/pagination/limit", "Expected the value to be <= 10000"},
		{"limit zero", body(`"pagination": {"limit": 0}`), "#/pagination/limit", "Expected the value to be >= 1"},
		{"negative offset", body(`"pagination": {"offset": -5}`), "#/pagination/offset", "Expected the value to be >= 0"},
		{"huge offset", body(`"pagination": {"offset": 100000000000000000000000}`), "#/pagination/offset", "Expected the value to be <= 2147483647"},
		{"fractional limit", body(`"pagination": {"limit": 1.5}`), "#/pagination/limit", "Type mismatch. Expected Integer but got Number."},
		{"pagination page", body(`"pagination": {"page": 2}`), "#/pagination/page", "Schema does not allow additional properties."},

		// Rules across metrics, dimensions and filters.
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
			// liveops' own refusals of what Plausible accepts carry no pointer.
			want := tt.field + ": " + tt.message
			if strings.Contains(tt.message, "not supported by liveops") {
				want = tt.message
			}
			if err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}
