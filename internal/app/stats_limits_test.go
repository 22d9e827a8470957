package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestStatsFiltersNeverFail: filters at the edges of what the stores take
// answer, or are refused with a 400 that names the limit; never a 500.
func TestStatsFiltersNeverFail(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		s := r.site(t, "")
		// More distinct property values than SQLite takes parameters (32,766).
		const n = 33_000
		evs := make([]pev, 0, n)
		for i := range n {
			evs = append(evs, pev{name: "Apply", props: props("ref", fmt.Sprintf("r%05d", i)), at: "2021-01-01 00:00:00"})
		}
		s.populate(t, evs...)

		ors := make([]string, 999)
		for i := range ors {
			ors[i] = fmt.Sprintf(`["is","visit:source",["s%d"]]`, i)
		}
		for _, tc := range []struct{ name, query, want string }{
			{"contains over every value", q(`"visitors"`, `"filters":[["contains","event:props:ref",["r"]]]`), `[{"dimensions":[],"metrics":[33000]}]`},
			{"is_not over every value", q(`"events"`, `"filters":[["is_not","event:props:ref",["r00001"]]]`), `[{"dimensions":[],"metrics":[32999]}]`},
			{"is a value that never occurs", q(`"visitors"`, `"filters":[["is","event:props:ref",["nowhere"]]]`), `[{"dimensions":[],"metrics":[0]}]`},
			{"is (none) only", q(`"visitors"`, `"filters":[["is","event:props:ref",["(none)"]]]`), `[{"dimensions":[],"metrics":[0]}]`},
			{"a 999-way or", q(`"visitors"`, `"filters":[["or",[`+strings.Join(ors, ",")+`]]]`), `[{"dimensions":[],"metrics":[0]}]`},
			{"999 filters", q(`"visitors"`, `"filters":[`+strings.Join(ors[:1], ",")+strings.Repeat(`,["is_not","visit:source",["x"]]`, 998)+`]`), `[{"dimensions":[],"metrics":[0]}]`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := s.query(t, tc.query)
				if status == http.StatusBadRequest && strings.Contains(body, "at most") {
					return // refused, naming the limit
				}
				if status != http.StatusOK {
					t.Fatalf("status %d: %.300s", status, body)
				}
				if got := s.results(t, tc.query); got != compactJSON(t, tc.want) {
					t.Fatalf("got %s, want %s", got, tc.want)
				}
			})
		}

		// The dashboard with 2,000 filters in its address.
		t.Run("dashboard with 2,000 filters", func(t *testing.T) {
			c := newClient(t, r.srv.URL)
			loginAdmin(t, r, c)
			v := url.Values{"period": {"all"}}
			for i := range 2000 {
				v.Add("f", fmt.Sprintf("visit:source|s%d", i))
			}
			status, body, _ := c.do("GET", "/services/"+s.svc.Slug+"/analytics?"+v.Encode(), nil)
			if status != http.StatusOK && !(status == http.StatusBadRequest && strings.Contains(body, "at most")) {
				t.Fatalf("status %d: %.500s", status, body)
			}
		})
	})
}
