package kpi

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     string
		places int
		want   int64
		err    error
	}{
		{"1234.5", 2, 123450, nil},
		{"0.05", 2, 5, nil},
		{".5", 2, 50, nil},
		{"007", 0, 7, nil},
		{" 12 ", 2, 1200, nil},
		{"1.500", 2, 150, nil}, // trailing zeros are not precision
		{"0.855", 6, 855000, nil},
		{"1.005", 2, 0, errTooPrecise},
		{"1.5", 0, 0, errTooPrecise},
		{"-3", 2, 0, errNegative},
		{"-0.001", 2, 0, errNegative},
		{"-x", 2, 0, errNotNumber},
		{"1,000", 2, 0, errNotNumber},
		{"£5", 2, 0, errNotNumber},
		{"1e3", 2, 0, errNotNumber},
		{"+5", 2, 0, errNotNumber},
		{"5.", 2, 0, errNotNumber},
		{".", 2, 0, errNotNumber},
		{"", 2, 0, errNotNumber},
		{"1000000000000000", 0, 1_000_000_000_000_000, nil},
		{"1000000000000001", 0, 0, errTooLarge},
		{"99999999999999999999", 0, 0, errTooLarge},
		{"10000000000000.01", 2, 0, errTooLarge},
	} {
		got, err := parseDecimal(tc.in, tc.places)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("parseDecimal(%q, %d) = %d, %v; want %d, %v", tc.in, tc.places, got, err, tc.want, tc.err)
		}
	}
	for _, tc := range []struct {
		n      int64
		places int
		dec    string
		fixed  string
	}{
		{123450, 2, "1234.5", "1234.50"},
		{5, 2, "0.05", "0.05"},
		{100, 0, "100", "100"},
		{850000, 4, "85", "85.0000"},
		{1, 3, "0.001", "0.001"},
	} {
		if got := formatDecimal(tc.n, tc.places); got != tc.dec {
			t.Errorf("formatDecimal(%d, %d) = %q, want %q", tc.n, tc.places, got, tc.dec)
		}
		if got := formatFixed(tc.n, tc.places); got != tc.fixed {
			t.Errorf("formatFixed(%d, %d) = %q, want %q", tc.n, tc.places, got, tc.fixed)
		}
	}
}

func TestBuckets(t *testing.T) {
	t.Parallel()
	day := func(s string) day {
		d, ok := parseDay(s)
		if !ok {
			t.Fatal(s)
		}
		return d
	}
	for _, tc := range []struct {
		name     string
		iv       Interval
		from, to string
		want     string
	}{
		{"days", Daily, "2026-02-27", "2026-03-01", "[2026-02-27 2026-02-28 2026-03-01]"},
		{"weeks from a Sunday", Weekly, "2026-03-01", "2026-03-17", "[2026-03-01 2026-03-02 to 2026-03-08 2026-03-09 to 2026-03-15 2026-03-16 to 2026-03-17]"},
		{"weeks from a Monday", Weekly, "2026-03-02", "2026-03-08", "[2026-03-02 to 2026-03-08]"},
		{"months cut at both ends", Monthly, "2026-01-15", "2026-03-10", "[2026-01-15 to 2026-01-31 2026-02 2026-03-01 to 2026-03-10]"},
		{"leap February", Monthly, "2024-02-01", "2024-02-29", "[2024-02]"},
		{"quarters", Quarterly, "2025-11-01", "2026-07-31", "[2025-11-01 to 2025-12-31 2026-01-01 to 2026-03-31 2026-04-01 to 2026-06-30 2026-07]"},
		{"years", Yearly, "2025-06-01", "2026-05-31", "[2025-06-01 to 2025-12-31 2026-01-01 to 2026-05-31]"},
		{"one day", Yearly, "2026-01-01", "2026-01-01", "[2026-01-01]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.iv.buckets(span{day(tc.from), day(tc.to)}, MaxPoints)
			if fmt.Sprint(got) != tc.want {
				t.Errorf("buckets = %v, want %s", got, tc.want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].First != got[i-1].Last+1 {
					t.Errorf("gap or overlap between %v and %v", got[i-1], got[i])
				}
			}
		})
	}
	if n := len(Daily.buckets(span{day("2020-01-01"), day("2026-01-01")}, 10)); n != 11 {
		t.Errorf("buckets stop after limit+1, made %d", n)
	}
}

func TestRate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v, target float64
		dir       Direction
		want      Rating
	}{
		{0.85, 0.85, Higher, OnTarget},
		{0.90, 0.85, Higher, OnTarget},
		{0.8075, 0.85, Higher, Near}, // exactly 5 % short
		{0.8074, 0.85, Higher, OffTarget},
		{4.50, 4.50, Lower, OnTarget},
		{4.725, 4.50, Lower, Near}, // exactly 5 % over
		{4.73, 4.50, Lower, OffTarget},
		{3, 4.50, Lower, OnTarget},
		{0, 0, Higher, OnTarget},
		{0.1, 0, Lower, OffTarget},
	} {
		if got := rate(tc.v, tc.target, tc.dir); got != tc.want {
			t.Errorf("rate(%v, %v, %s) = %s, want %s", tc.v, tc.target, tc.dir, got, tc.want)
		}
	}
}

func TestUnion(t *testing.T) {
	t.Parallel()
	got := union([]span{{10, 20}, {1, 5}, {6, 8}, {15, 30}, {40, 40}})
	if fmt.Sprint(got) != fmt.Sprint([]span{{1, 8}, {10, 30}, {40, 40}}) {
		t.Errorf("union = %v", got)
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ got, want string }{
		{formatMoney(1234567.891, "GBP"), "£1,234,567.89"},
		{formatMoney(3.4285, "EUR"), "€3.43"},
		{formatMoney(1200, "JPY"), "JPY 1,200"},
		{formatMoney(2.5, "KWD"), "KWD 2.500"},
		{formatCount(1085), "1,085"},
		{formatCount(67.74193), "67.7"},
		{formatCount(0.04), "0"},
		{formatPercent(765.0 / 950), "80.5%"},
		{formatPercent(1), "100.0%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestPreviousPeriod(t *testing.T) {
	d := func(s string) day {
		tm, _ := time.Parse(time.DateOnly, s)
		return day(tm.Unix() / secondsPerDay)
	}
	for _, tc := range []struct{ first, last, wantFirst, wantLast string }{
		{"2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28"}, // a month: the month before
		{"2026-02-01", "2026-02-28", "2026-01-01", "2026-01-31"},
		{"2026-04-01", "2026-06-30", "2026-01-01", "2026-03-31"}, // a quarter
		{"2025-01-01", "2025-12-31", "2024-01-01", "2024-12-31"}, // a year, whatever its days
		{"2026-03-04", "2026-03-10", "2026-02-25", "2026-03-03"}, // days: as many days before
	} {
		got := span{d(tc.first), d(tc.last)}.previous()
		if got.First.String() != tc.wantFirst || got.Last.String() != tc.wantLast {
			t.Errorf("before %s–%s: %s–%s, want %s–%s", tc.first, tc.last, got.First, got.Last, tc.wantFirst, tc.wantLast)
		}
	}
}
