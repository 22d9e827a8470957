package statsquery

import (
	"strings"
	"testing"
	"time"
)

func TestTimeBuckets(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	london := mustZone(t, "Europe/London")
	tests := []struct {
		name      string
		loc       *time.Location
		dateRange string
		dimension string
		// want lists each bucket as "label from to", the bounds as UTC
		// RFC 3339 without the date when it is the label's date.
		want []string
	}{
		{"weeks start on Monday, first clipped", utc, `["2024-01-03", "2024-01-20"]`, "time:week", []string{
			"2024-01-03 2024-01-03T00:00:00Z 2024-01-08T00:00:00Z",
			"2024-01-08 2024-01-08T00:00:00Z 2024-01-15T00:00:00Z",
			"2024-01-15 2024-01-15T00:00:00Z 2024-01-21T00:00:00Z",
		}},
		{"week from a Sunday", utc, `["2024-01-07", "2024-01-08"]`, "time:week", []string{
			"2024-01-07 2024-01-07T00:00:00Z 2024-01-08T00:00:00Z",
			"2024-01-08 2024-01-08T00:00:00Z 2024-01-09T00:00:00Z",
		}},
		{"months keep their first day as label", utc, `["2024-01-15", "2024-03-10"]`, "time:month", []string{
			"2024-01-01 2024-01-15T00:00:00Z 2024-02-01T00:00:00Z",
			"2024-02-01 2024-02-01T00:00:00Z 2024-03-01T00:00:00Z",
			"2024-03-01 2024-03-01T00:00:00Z 2024-03-11T00:00:00Z",
		}},
		{"months over a year end", utc, `["2023-12-31", "2024-01-01"]`, "time:month", []string{
			"2023-12-01 2023-12-31T00:00:00Z 2024-01-01T00:00:00Z",
			"2024-01-01 2024-01-01T00:00:00Z 2024-01-02T00:00:00Z",
		}},
		{"London days around autumn change", london, `["2024-10-26", "2024-10-28"]`, "time:day", []string{
			"2024-10-26 2024-10-25T23:00:00Z 2024-10-26T23:00:00Z",
			"2024-10-27 2024-10-26T23:00:00Z 2024-10-28T00:00:00Z",
			"2024-10-28 2024-10-28T00:00:00Z 2024-10-29T00:00:00Z",
		}},
		{"London week with the spring change", london, `["2024-03-25", "2024-04-07"]`, "time:week", []string{
			"2024-03-25 2024-03-25T00:00:00Z 2024-03-31T23:00:00Z",
			"2024-04-01 2024-03-31T23:00:00Z 2024-04-07T23:00:00Z",
		}},
		{"London months over spring", london, `["2024-03-01", "2024-04-30"]`, "time:month", []string{
			"2024-03-01 2024-03-01T00:00:00Z 2024-03-31T23:00:00Z",
			"2024-04-01 2024-03-31T23:00:00Z 2024-04-30T23:00:00Z",
		}},
		{"Auckland months, local firsts", mustZone(t, "Pacific/Auckland"), `["2024-03-01", "2024-04-30"]`, "time:month", []string{
			"2024-03-01 2024-02-29T11:00:00Z 2024-03-31T11:00:00Z",
			"2024-04-01 2024-03-31T11:00:00Z 2024-04-30T12:00:00Z",
		}},
		{"hours clipped, half-hour zone", mustZone(t, "Asia/Kolkata"), `["2024-01-01T10:45:00+05:30", "2024-01-01T12:14:59+05:30"]`, "time:hour", []string{
			"2024-01-01 10:00:00 2024-01-01T05:15:00Z 2024-01-01T05:30:00Z",
			"2024-01-01 11:00:00 2024-01-01T05:30:00Z 2024-01-01T06:30:00Z",
			"2024-01-01 12:00:00 2024-01-01T06:30:00Z 2024-01-01T06:45:00Z",
		}},
		{"Samoa skipped 30 December 2011", mustZone(t, "Pacific/Apia"), `["2011-12-29", "2011-12-31"]`, "time:day", []string{
			"2011-12-29 2011-12-29T10:00:00Z 2011-12-30T10:00:00Z",
			"2011-12-31 2011-12-30T10:00:00Z 2011-12-31T10:00:00Z",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := mustParse(t, body(`"date_range": `+tt.dateRange, `"dimensions": ["`+tt.dimension+`"]`), tt.loc, testNow)
			buckets := q.TimeBuckets()
			var got []string
			for _, b := range buckets {
				got = append(got, b.Label+" "+b.From.Format(time.RFC3339)+" "+b.To.Format(time.RFC3339))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("buckets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			checkTiling(t, q.DateRange, buckets)
		})
	}
}

func TestHourBucketsAcrossDST(t *testing.T) {
	t.Parallel()
	london := mustZone(t, "Europe/London")
	tests := []struct {
		day       string
		n         int
		twiceOnce string // a label that appears twice, or one that is missing
		count     int
	}{
		{"2024-03-31", 23, "2024-03-31 01:00:00", 0},
		{"2024-10-27", 25, "2024-10-27 01:00:00", 2},
		{"2024-06-01", 24, "2024-06-01 01:00:00", 1},
	}
	for _, tt := range tests {
		q := mustParse(t, body(`"date_range": ["`+tt.day+`", "`+tt.day+`"]`, `"dimensions": ["time:hour"]`), london, testNow)
		buckets := q.TimeBuckets()
		checkTiling(t, q.DateRange, buckets)
		count := 0
		for _, b := range buckets {
			if b.Label == tt.twiceOnce {
				count++
			}
			if b.To.Sub(b.From) != time.Hour {
				t.Errorf("%s: bucket %+v is not an hour", tt.day, b)
			}
		}
		if len(buckets) != tt.n || count != tt.count {
			t.Errorf("%s: %d buckets with %d of %q, want %d with %d", tt.day, len(buckets), count, tt.twiceOnce, tt.n, tt.count)
		}
		if first := buckets[0].Label; first != tt.day+" 00:00:00" {
			t.Errorf("%s: first label %q", tt.day, first)
		}
	}
}

func TestAutoInterval(t *testing.T) {
	t.Parallel()
	tests := []struct{ dateRange, want string }{
		{`"day"`, "time:hour"},
		{`["2024-01-01", "2024-01-02"]`, "time:hour"},
		{`["2024-01-01T00:00:00Z", "2024-01-03T00:59:59Z"]`, "time:hour"}, // 48 hours and a bit
		{`["2024-01-01T00:00:00Z", "2024-01-03T01:00:00Z"]`, "time:day"},
		{`["2024-01-01", "2024-01-03"]`, "time:day"},
		{`"7d"`, "time:day"},
		{`"30d"`, "time:day"},
		{`"month"`, "time:day"},
		{`["2024-01-01", "2024-02-10"]`, "time:day"}, // 41 days
		{`["2024-01-01", "2024-02-11"]`, "time:week"},
		{`"91d"`, "time:week"},
		{`"6mo"`, "time:week"},
		{`"12mo"`, "time:week"},
		{`["2024-01-01", "2024-12-31"]`, "time:week"}, // a leap year is 52 weeks and 2 days
		{`["2023-01-01", "2024-01-06"]`, "time:week"}, // 53 weeks less a second
		{`["2023-01-01", "2024-01-07"]`, "time:month"},
		{`"all"`, "time:month"},
	}
	for _, tt := range tests {
		q := mustParse(t, body(`"date_range": `+tt.dateRange, `"dimensions": ["time"]`), time.UTC, testNow)
		if got := q.Dimensions[0].String(); got != tt.want {
			t.Errorf("time over %s = %s, want %s", tt.dateRange, got, tt.want)
		}
		checkTiling(t, q.DateRange, q.TimeBuckets())
	}
}

func TestNoTimeBuckets(t *testing.T) {
	t.Parallel()
	if b := mustParse(t, body(`"dimensions": ["event:page"]`), time.UTC, testNow).TimeBuckets(); b != nil {
		t.Errorf("TimeBuckets() = %v, want nil without a time dimension", b)
	}
}
