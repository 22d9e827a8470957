package statsquery

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The clock and site of most tests: Wednesday 15 May 2024, in UTC.
var (
	testNow   = time.Date(2024, 5, 15, 12, 30, 0, 0, time.UTC)
	testStart = time.Date(2023, 3, 10, 8, 0, 0, 0, time.UTC)
)

// body builds a query from JSON members, starting from a valid minimal one.
// A member replaces the default with the same key; "-key" drops a default.
func body(members ...string) string {
	defaults := []string{`"site_id": "example.gov"`, `"metrics": ["visitors"]`, `"date_range": "7d"`}
	var out []string
	for _, d := range defaults {
		keep := d
		for _, m := range members {
			if m == "-"+key(d) {
				keep = ""
			} else if key(m) == key(d) {
				keep = m
			}
		}
		if keep != "" {
			out = append(out, keep)
		}
	}
	for _, m := range members {
		if !strings.HasPrefix(m, "-") && !isDefault(key(m), defaults) {
			out = append(out, m)
		}
	}
	return "{" + strings.Join(out, ", ") + "}"
}

func key(member string) string {
	s := strings.TrimPrefix(member, "-")
	if strings.HasPrefix(s, `"`) {
		s = s[1:]
		return s[:strings.Index(s, `"`)]
	}
	return s
}

func isDefault(k string, defaults []string) bool {
	for _, d := range defaults {
		if key(d) == k {
			return true
		}
	}
	return false
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func echoJSON(t testing.TB, q *Query) string {
	t.Helper()
	b, err := json.Marshal(q.Echo())
	if err != nil {
		t.Fatalf("marshal echo: %v", err)
	}
	return string(b)
}

func mustParse(t testing.TB, b string, loc *time.Location, now time.Time) *Query {
	t.Helper()
	q, err := Parse([]byte(b), loc, now, testStart)
	if err != nil {
		t.Fatalf("Parse(%s): %v", b, err)
	}
	return q
}

// checkTiling fails unless buckets tile [r.From, r.To) in order.
func checkTiling(t testing.TB, r DateRange, buckets []Bucket) {
	t.Helper()
	at := r.From
	for i, b := range buckets {
		if !b.From.Equal(at) || !b.From.Before(b.To) {
			t.Fatalf("bucket %d %+v: want it to start at %v and end after", i, b, at)
		}
		at = b.To
	}
	if !at.Equal(r.To) {
		t.Fatalf("buckets end at %v, want %v", at, r.To)
	}
}
