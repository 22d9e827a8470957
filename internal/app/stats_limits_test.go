package app

import (
	"fmt"
	"io"
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

// TestStatsRefusesNUL (issue 11): a NUL character anywhere in a query, the
// site_id included, is a 400 that says where, on both stores: PostgreSQL
// cannot hold one in text, and answered 500 before.
func TestStatsRefusesNUL(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		s := r.site(t, "")
		s.populate(t, pev{name: "pageview", at: "2021-01-01 00:00:00"})
		post := func(t *testing.T, body string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest("POST", r.srv.URL+"/api/v2/query", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+r.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		for _, tc := range []struct{ name, body, where string }{
			{"site_id", `{"site_id":"` + s.domain + `\u0000","metrics":["visitors"],"date_range":"all"}`, "site_id"},
			{"site_id alone", `{"site_id":"\u0000","metrics":["visitors"],"date_range":"all"}`, "site_id"},
			{"filter value", `{"site_id":"` + s.domain + `","metrics":["visitors"],"date_range":"all","filters":[["is","visit:source",["a\u0000b"]]]}`, "#/filters/0/2/0"},
			{"contains value", `{"site_id":"` + s.domain + `","metrics":["visitors"],"date_range":"all","filters":[["contains","event:page",["\u0000"]]]}`, "#/filters/0/2/0"},
			{"property name", `{"site_id":"` + s.domain + `","metrics":["visitors"],"date_range":"all","dimensions":["event:props:a\u0000"]}`, "#/dimensions/0"},
			{"goal filter", `{"site_id":"` + s.domain + `","metrics":["visitors"],"date_range":"all","filters":[["is","event:goal",["x\u0000"]]]}`, "#/filters/0/2/0"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := post(t, tc.body)
				if status != http.StatusBadRequest || !strings.Contains(body, tc.where) || !strings.Contains(body, "NUL") {
					t.Fatalf("status %d: %.300s\nwant 400 naming %s and the NUL", status, body, tc.where)
				}
			})
		}
		// The dashboard's filters in its address.
		c := newClient(t, r.srv.URL)
		loginAdmin(t, r, c)
		for _, f := range []string{"visit:source|a%00b", "event:props:a%00|x", "visit:country|%00"} {
			status, body, _ := c.do("GET", "/services/"+s.svc.Slug+"/analytics?period=all&f="+f, nil)
			if status != http.StatusBadRequest {
				t.Errorf("dashboard filter %s: %d %.300s", f, status, body)
			}
		}
	})
}
