package statsquery

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// Cases ported from Plausible's test/plausible/stats/comparisons_test.exs
// (Plausible.Stats.ComparisonsTest): the period compared with, for a
// query's range and clock. Plausible's tests give the dashboard's period
// and date; here the same range is asked for as a date_range.
//
// Not ported: "year_over_year, exact dates behavior with leap years" /
// "start of the year matching" and "leap day matching", which assert an
// earlier year_over_year rule (the same calendar dates a year before);
// Plausible's Comparisons module now goes back 365 days, as the other
// cases and query_comparisons_test.exs expect, and so does liveops.
// "add_comparison_filters" cases: liveops runs the compared period
// without the main page's dimension values as extra filters and looks the
// rows up by those values instead (see analytics.compare).
func TestPlausibleComparisonRanges(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		return time.Date(2023, 3, 1, 14, 0, 0, 0, time.UTC).AddDate(0, 0, daysBetween(Date{2023, 3, 1}, parseDay(t, s)))
	}
	tests := []struct {
		name, zone, dateRange, comparisons string
		now                                time.Time
		first, last                        string // the compared period's first and last second, in UTC
	}{
		{"with period set to this month / shifts back this month period when mode is previous_period", "",
			`"month"`, `{"mode": "previous_period"}`, at("2023-03-02"), "2023-02-27T00:00:00Z", "2023-02-28T23:59:59Z"},
		{"shifts back this month period when it's the first day of the month and mode is previous_period", "",
			`"month"`, `{"mode": "previous_period"}`, at("2023-03-01"), "2023-02-28T00:00:00Z", "2023-02-28T23:59:59Z"},
		{"matches the day of the week when nearest day is original query start date and mode is previous_period", "",
			`"month"`, `{"mode": "previous_period", "match_day_of_week": true}`, at("2023-03-02"), "2023-02-22T00:00:00Z", "2023-02-23T23:59:59Z"},
		{"custom time zone sets timezone to UTC", "US/Eastern",
			`"month"`, `{"mode": "previous_period"}`, at("2023-03-02"), "2023-02-27T05:00:00Z", "2023-03-01T04:59:59Z"},
		{"with period set to previous month / shifts back using the same number of days when mode is previous_period", "",
			`["2023-02-01", "2023-02-28"]`, `{"mode": "previous_period"}`, at("2023-03-01"), "2023-01-04T00:00:00Z", "2023-01-31T23:59:59Z"},
		{"shifts back the full month when mode is year_over_year", "",
			`["2023-02-01", "2023-02-28"]`, `{"mode": "year_over_year"}`, at("2023-03-01"), "2022-02-01T00:00:00Z", "2022-02-28T23:59:59Z"},
		{"shifts back whole month plus one day when mode is year_over_year and a leap year", "",
			`["2020-02-01", "2020-02-29"]`, `{"mode": "year_over_year"}`, at("2023-03-01"), "2019-02-01T00:00:00Z", "2019-03-01T23:59:59Z"},
		{"matches the day of the week when mode is previous_period keeping the same day", "",
			`["2023-02-01", "2023-02-28"]`, `{"mode": "previous_period", "match_day_of_week": true}`, at("2023-03-01"), "2023-01-04T00:00:00Z", "2023-01-31T23:59:59Z"},
		{"matches the day of the week when mode is previous_period", "",
			`["2023-01-01", "2023-01-31"]`, `{"mode": "previous_period", "match_day_of_week": true}`, at("2023-03-01"), "2022-12-04T00:00:00Z", "2023-01-03T23:59:59Z"},
		{"year_over_year / end of the year matching", "",
			`["2021-11-18", "2021-11-24"]`, `{"mode": "year_over_year"}`, at("2023-03-01"), "2020-11-18T00:00:00Z", "2020-11-24T23:59:59Z"},
		{"with period set to year to date / shifts back by the same number of days when mode is previous_period", "",
			`"year"`, `{"mode": "previous_period"}`, at("2023-03-01"), "2022-11-02T00:00:00Z", "2022-12-31T23:59:59Z"},
		{"shifts back by the same number of days when mode is year_over_year", "",
			`"year"`, `{"mode": "year_over_year"}`, at("2023-03-01"), "2022-01-01T00:00:00Z", "2022-03-01T23:59:59Z"},
		{"matches the day of the week when mode is year_over_year", "",
			`"year"`, `{"mode": "year_over_year", "match_day_of_week": true}`, at("2023-03-01"), "2022-01-02T00:00:00Z", "2022-03-02T23:59:59Z"},
		{"with period set to previous year / shifts back a whole year when mode is year_over_year", "",
			`["2022-01-01", "2022-12-31"]`, `{"mode": "year_over_year"}`, at("2023-03-01"), "2021-01-01T00:00:00Z", "2021-12-31T23:59:59Z"},
		{"shifts back a whole year when mode is previous_period", "",
			`["2022-01-01", "2022-12-31"]`, `{"mode": "previous_period"}`, at("2023-03-01"), "2021-01-01T00:00:00Z", "2021-12-31T23:59:59Z"},
		{"with period set to custom / shifts back by the same number of days when mode is previous_period", "",
			`["2023-01-01", "2023-01-07"]`, `{"mode": "previous_period"}`, at("2023-03-01"), "2022-12-25T00:00:00Z", "2022-12-31T23:59:59Z"},
		{"shifts back to last year when mode is year_over_year", "",
			`["2023-01-01", "2023-01-07"]`, `{"mode": "year_over_year"}`, at("2023-03-01"), "2022-01-01T00:00:00Z", "2022-01-07T23:59:59Z"},
		{"with mode set to custom / sets first and last dates", "",
			`["2023-01-01", "2023-01-07"]`, `{"mode": "custom", "date_range": ["2022-05-25", "2022-05-30"]}`, at("2023-03-01"), "2022-05-25T00:00:00Z", "2022-05-30T23:59:59Z"},
		// query_comparisons_test.exs "time series previous_period comparison
		// with match_day_of_week", in the form that asked /api/v2/query.
		{"match_day_of_week moves back when the next weekday is the query's first day", "",
			`["2021-06-01", "2021-06-04"]`, `{"mode": "previous_period", "match_day_of_week": true}`, at("2023-03-01"), "2021-05-25T00:00:00Z", "2021-05-28T23:59:59Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := time.UTC
			if tt.zone != "" {
				loc = mustZone(t, tt.zone)
			}
			q, err := Parse([]byte(body(`"date_range": `+tt.dateRange, `"include": {"comparisons": `+tt.comparisons+`}`)), loc, tt.now, testStart)
			if err != nil {
				t.Fatal(err)
			}
			r := q.Include.Comparisons.DateRange
			first, last := r.From.UTC().Format(time.RFC3339), r.To.Add(-time.Second).UTC().Format(time.RFC3339)
			if first != tt.first || last != tt.last {
				t.Errorf("compared with %s – %s, want %s – %s", first, last, tt.first, tt.last)
			}
		})
	}
}

func parseDay(t *testing.T, s string) Date {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return dateOf(d, time.UTC)
}

// TestComparisonsEcho: the echo shows include.comparisons, a custom
// period as datetimes, and parses back to itself.
func TestComparisonsEcho(t *testing.T) {
	t.Parallel()
	tests := []struct{ comparisons, want string }{
		{`{"mode": "previous_period"}`, `{"comparisons":{"mode":"previous_period"}}`},
		{`{"mode": "year_over_year", "match_day_of_week": true}`, `{"comparisons":{"match_day_of_week":true,"mode":"year_over_year"}}`},
		{`{"mode": "previous_period", "match_day_of_week": false}`, `{"comparisons":{"mode":"previous_period"}}`},
		{`{"mode": "custom", "date_range": ["2024-04-01", "2024-04-07"]}`,
			`{"comparisons":{"date_range":["2024-04-01T00:00:00Z","2024-04-07T23:59:59Z"],"mode":"custom"}}`},
	}
	for _, tt := range tests {
		q, err := Parse([]byte(body(`"include": {"comparisons": `+tt.comparisons+`}`)), time.UTC, testNow, testStart)
		if err != nil {
			t.Fatalf("%s: %v", tt.comparisons, err)
		}
		b, _ := json.Marshal(q.Echo().Include)
		if string(b) != tt.want {
			t.Errorf("%s echoes %s, want %s", tt.comparisons, b, tt.want)
		}
		echo := echoJSON(t, q)
		again, err := Parse([]byte(echo), time.UTC, testNow, testStart)
		if err != nil {
			t.Fatalf("echo %s does not parse: %v", echo, err)
		}
		if got := echoJSON(t, again); got != echo {
			t.Errorf("echo %s parses to %s", echo, got)
		}
	}
}

// TestComparisonsErrors: liveops' own answers for what Plausible's schema
// refuses with one message for the whole object.
func TestComparisonsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, include, field, message string }{
		{"not an object", `{"comparisons": "previous_period"}`, "#/include/comparisons", "Type mismatch. Expected Object but got String."},
		{"unknown mode", `{"comparisons": {"mode": "last_week"}}`, "#/include/comparisons", oneOfErr},
		{"no mode", `{"comparisons": {"match_day_of_week": true}}`, "#/include/comparisons", oneOfErr},
		{"unknown key", `{"comparisons": {"mode": "previous_period", "from": "2024-01-01"}}`, "#/include/comparisons", oneOfErr},
		{"match_day_of_week a string", `{"comparisons": {"mode": "previous_period", "match_day_of_week": "yes"}}`, "#/include/comparisons", oneOfErr},
		{"custom range not a pair", `{"comparisons": {"mode": "custom", "date_range": ["2024-01-01"]}}`, "#/include/comparisons/date_range",
			`Invalid date range ["2024-01-01"]`},
		{"custom range backwards", `{"comparisons": {"mode": "custom", "date_range": ["2024-01-02", "2024-01-01"]}}`, "#/include/comparisons/date_range",
			`Invalid date range ["2024-01-02", "2024-01-01"]: the end is before the start`},
		{"custom range not a date", `{"comparisons": {"mode": "custom", "date_range": ["2024-02-30", "2024-03-01"]}}`, "#/include/comparisons/date_range",
			`Invalid date_range '["2024-02-30", "2024-03-01"]'.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(body(`"include": `+tt.include)), time.UTC, testNow, testStart)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.Field != tt.field || e.Message != tt.message {
				t.Errorf("got %q %q\nwant %q %q", e.Field, e.Message, tt.field, tt.message)
			}
		})
	}
	// A compared period too long for the time dimension's buckets.
	_, err := Parse([]byte(body(`"dimensions": ["time:hour"]`,
		`"include": {"comparisons": {"mode": "custom", "date_range": ["2000-01-01", "2024-01-01"]}}`)), time.UTC, testNow, testStart)
	var e *Error
	if !errors.As(err, &e) || e.Field != "#/include/comparisons" {
		t.Errorf("hours over 24 years: got %v, want an error at #/include/comparisons", err)
	}
}
