package statsquery

import (
	"testing"
	"time"
)

func TestDateRanges(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	london := mustZone(t, "Europe/London")
	auckland := mustZone(t, "Pacific/Auckland") // UTC+13 in summer, +12 in winter
	apia := mustZone(t, "Pacific/Apia")         // UTC+13 all year since 2021
	santiago := mustZone(t, "America/Santiago") // midnight skipped in spring
	havana := mustZone(t, "America/Havana")     // midnight repeated in autumn
	asuncion := mustZone(t, "America/Asuncion") // 23:00 repeated in autumn
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name        string
		loc         *time.Location
		now         string
		dateRange   string
		from, to    string // UTC, half-open
		first, last string // local days
	}{
		{"day", utc, "2024-05-15T12:30:00Z", `"day"`, "2024-05-15T00:00:00Z", "2024-05-16T00:00:00Z", "2024-05-15", "2024-05-15"},
		{"7d leaves out today", utc, "2024-05-15T12:30:00Z", `"7d"`, "2024-05-08T00:00:00Z", "2024-05-15T00:00:00Z", "2024-05-08", "2024-05-14"},
		{"28d", utc, "2024-05-15T12:30:00Z", `"28d"`, "2024-04-17T00:00:00Z", "2024-05-15T00:00:00Z", "2024-04-17", "2024-05-14"},
		{"30d", utc, "2024-05-15T12:30:00Z", `"30d"`, "2024-04-15T00:00:00Z", "2024-05-15T00:00:00Z", "2024-04-15", "2024-05-14"},
		{"91d over a leap day", utc, "2024-05-15T12:30:00Z", `"91d"`, "2024-02-14T00:00:00Z", "2024-05-15T00:00:00Z", "2024-02-14", "2024-05-14"},
		{"month runs to its end", utc, "2024-05-15T12:30:00Z", `"month"`, "2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z", "2024-05-01", "2024-05-31"},
		{"6mo before this month", utc, "2024-05-15T12:30:00Z", `"6mo"`, "2023-11-01T00:00:00Z", "2024-05-01T00:00:00Z", "2023-11-01", "2024-04-30"},
		{"12mo", utc, "2024-05-15T12:30:00Z", `"12mo"`, "2023-05-01T00:00:00Z", "2024-05-01T00:00:00Z", "2023-05-01", "2024-04-30"},
		{"1mo in March", utc, "2024-03-31T12:00:00Z", `"1mo"`, "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z", "2024-02-01", "2024-02-29"},
		{"year runs to its end", utc, "2024-05-15T12:30:00Z", `"year"`, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2024-01-01", "2024-12-31"},
		{"all since the site started", utc, "2024-05-15T12:30:00Z", `"all"`, "2023-03-10T00:00:00Z", "2024-05-16T00:00:00Z", "2023-03-10", "2024-05-15"},
		{"dates", utc, "2024-05-15T12:30:00Z", `["2024-01-01", "2024-01-31"]`, "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-01-01", "2024-01-31"},
		{"datetimes to the second", utc, "2024-05-15T12:30:00Z", `["2024-01-01T10:00:00+01:00", "2024-01-01T10:00:00+01:00"]`,
			"2024-01-01T09:00:00Z", "2024-01-01T09:00:01Z", "2024-01-01", "2024-01-01"},

		// Europe/London: clocks go forward on 31 March 2024, back on 27 October.
		{"London, 23-hour day", london, "2024-03-31T12:00:00Z", `"day"`, "2024-03-31T00:00:00Z", "2024-03-31T23:00:00Z", "2024-03-31", "2024-03-31"},
		{"London, 25-hour day", london, "2024-10-27T12:00:00Z", `"day"`, "2024-10-26T23:00:00Z", "2024-10-28T00:00:00Z", "2024-10-27", "2024-10-27"},
		{"London, 7d across spring", london, "2024-04-02T10:00:00Z", `"7d"`, "2024-03-26T00:00:00Z", "2024-04-01T23:00:00Z", "2024-03-26", "2024-04-01"},
		{"London, month in summer", london, "2024-04-10T10:00:00Z", `"month"`, "2024-03-31T23:00:00Z", "2024-04-30T23:00:00Z", "2024-04-01", "2024-04-30"},
		{"London, today begins at 23:00 UTC", london, "2024-07-01T23:30:00Z", `"day"`, "2024-07-01T23:00:00Z", "2024-07-02T23:00:00Z", "2024-07-02", "2024-07-02"},
		{"London, 12mo over both changes", london, "2024-11-05T10:00:00Z", `"12mo"`, "2023-11-01T00:00:00Z", "2024-11-01T00:00:00Z", "2023-11-01", "2024-10-31"},

		// UTC+13: the local day is ahead of UTC's.
		{"Auckland, tomorrow already", auckland, "2024-01-15T20:00:00Z", `"day"`, "2024-01-15T11:00:00Z", "2024-01-16T11:00:00Z", "2024-01-16", "2024-01-16"},
		{"Auckland, 25-hour day", auckland, "2024-04-07T06:00:00Z", `"day"`, "2024-04-06T11:00:00Z", "2024-04-07T12:00:00Z", "2024-04-07", "2024-04-07"},
		{"Auckland, 30d over the change", auckland, "2024-04-20T00:00:00Z", `"30d"`, "2024-03-20T11:00:00Z", "2024-04-19T12:00:00Z", "2024-03-21", "2024-04-19"},
		{"Auckland, 23-hour day", auckland, "2024-09-29T06:00:00Z", `"day"`, "2024-09-28T12:00:00Z", "2024-09-29T11:00:00Z", "2024-09-29", "2024-09-29"},
		{"Apia, new year first", apia, "2024-12-31T11:30:00Z", `"year"`, "2024-12-31T11:00:00Z", "2025-12-31T11:00:00Z", "2025-01-01", "2025-12-31"},
		{"Apia, dates", apia, "2024-12-31T11:30:00Z", `["2024-06-01", "2024-06-30"]`, "2024-05-31T11:00:00Z", "2024-06-30T11:00:00Z", "2024-06-01", "2024-06-30"},
		{"Apia, datetimes in local days", apia, "2024-12-31T11:30:00Z", `["2024-06-01T10:00:00Z", "2024-06-01T11:30:00Z"]`,
			"2024-06-01T10:00:00Z", "2024-06-01T11:30:01Z", "2024-06-01", "2024-06-02"},

		// A DST change at midnight: the day starts when the clock shows it.
		{"Santiago, skipped midnight", santiago, "2024-05-15T12:30:00Z", `["2022-09-11", "2022-09-11"]`,
			"2022-09-11T04:00:00Z", "2022-09-12T03:00:00Z", "2022-09-11", "2022-09-11"},
		// Plausible's query_parse_and_build_test.exs "parses date_range.first
		// into the latest of ambiguous datetimes in site.timezone".
		{"Havana, repeated midnight", havana, "2024-05-15T12:30:00Z", `["2023-11-05", "2023-11-05"]`,
			"2023-11-05T05:00:00Z", "2023-11-06T05:00:00Z", "2023-11-05", "2023-11-05"},
		// Plausible's "parses date_range.last into the earliest of ambiguous
		// datetimes in site.timezone": the repeated last hour is left out.
		{"Asuncion, repeated last hour", asuncion, "2024-05-15T12:30:00Z", `["2024-03-23", "2024-03-23"]`,
			"2024-03-23T03:00:00Z", "2024-03-24T03:00:00Z", "2024-03-23", "2024-03-23"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := mustParse(t, body(`"date_range": `+tt.dateRange), tt.loc, at(tt.now))
			r := q.DateRange
			if !r.From.Equal(at(tt.from)) || !r.To.Equal(at(tt.to)) {
				t.Errorf("range [%v, %v), want [%s, %s)", r.From, r.To, tt.from, tt.to)
			}
			if r.FirstDay.String() != tt.first || r.LastDay.String() != tt.last {
				t.Errorf("days %v to %v, want %s to %s", r.FirstDay, r.LastDay, tt.first, tt.last)
			}
			if r.From.Location() != time.UTC || r.To.Location() != time.UTC || r.Location != tt.loc {
				t.Errorf("locations %v %v %v", r.From.Location(), r.To.Location(), r.Location)
			}
		})
	}
}

func TestAllWithoutSiteStart(t *testing.T) {
	t.Parallel()
	for _, start := range []time.Time{{}, testNow.AddDate(0, 0, 3)} {
		q, err := Parse([]byte(body(`"date_range": "all"`)), time.UTC, testNow, start)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.DateRange.FirstDay.String(); got != "2024-05-15" {
			t.Errorf("siteStart %v: all starts on %s, want today", start, got)
		}
	}
}

func TestEchoDateRangeInZone(t *testing.T) {
	t.Parallel()
	london := mustZone(t, "Europe/London")
	tests := []struct {
		loc       *time.Location
		now, want string
	}{
		{london, "2024-05-15T12:30:00Z", `["2024-05-08T00:00:00+01:00","2024-05-14T23:59:59+01:00"]`},
		{london, "2024-01-15T12:30:00Z", `["2024-01-08T00:00:00+00:00","2024-01-14T23:59:59+00:00"]`},
		{mustZone(t, "Pacific/Auckland"), "2024-01-15T20:00:00Z", `["2024-01-09T00:00:00+13:00","2024-01-15T23:59:59+13:00"]`},
		{mustZone(t, "Etc/UTC"), "2024-05-15T12:30:00Z", `["2024-05-08T00:00:00Z","2024-05-14T23:59:59Z"]`},
		{nil, "2024-05-15T12:30:00Z", `["2024-05-08T00:00:00Z","2024-05-14T23:59:59Z"]`}, // nil is UTC
	}
	for _, tt := range tests {
		now, _ := time.Parse(time.RFC3339, tt.now)
		e := mustParse(t, body(), tt.loc, now).Echo()
		if got := `["` + e.DateRange[0] + `","` + e.DateRange[1] + `"]`; got != tt.want {
			t.Errorf("%v at %s: date_range %s, want %s", tt.loc, tt.now, got, tt.want)
		}
	}
}
