package app

import "testing"

// Cases for visit:screen and visit:exit_page_hostname, ported from
// Plausible's tests (each names its file and test). The dashboard
// endpoints those tests call (/api/stats/:domain/screen-sizes,
// /exit-pages) are asked here as the Stats API v2 queries they stand for:
// the same events, dimension, filters and expected figures.
//
// Not ported, and why:
//   - ScreenSizesTest tests "with imported data", "select empty
//     imported_devices", "when filtering by imported screen size" and "for
//     user making multiple sessions by no of visitors with imported data":
//     liveops has no import of other tools' aggregates.
//   - PagesTest exit-pages tests of exit_rate: exit_rate is a metric of
//     Plausible's internal dashboard API, not of the public Stats API.
//   - Session.CacheStoreTest "hostname-related attributes" "initial for
//     non-pageview": in Plausible a visit of custom events alone has no
//     entry or exit page and hostname; liveops gives such a visit the page
//     and hostname of its first event, as it does for its exit page.

func TestPlausibleScreenSizes(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		const share = `"visitors","percentage"`
		byScreen := func(metrics string, more ...string) string {
			return `{"date_range":"day","metrics":[` + metrics + `],"dimensions":["visit:screen"]` + prefixed(more) + `}`
		}
		const day = "2021-01-01 "
		// test/plausible_web/controllers/api/stats_controller/screen_sizes_test.exs
		// (PlausibleWeb.Api.StatsController.ScreenSizesTest)
		runPlausibleCases(t, r, []plausibleCase{
			{name: "returns screen sizes by new visitors",
				events: []pev{{device: "Desktop"}, {device: "Desktop"}, {device: "Laptop"}},
				query:  byScreen(share),
				want:   `[{"dimensions":["Desktop"],"metrics":[2,66.7]},{"dimensions":["Laptop"],"metrics":[1,33.3]}]`},
			{name: "returns bounce_rate and visit_duration when detailed=true",
				events: []pev{{user: 123, at: day + "12:00:00", device: "Desktop"}, {user: 123, at: day + "12:10:00", device: "Desktop"},
					{at: day + "12:00:00", device: "Desktop"}, {at: day + "12:00:00", device: "Laptop"}},
				query: `{"date_range":["2021-01-01","2021-01-01"],"metrics":["visitors","bounce_rate","visit_duration","percentage"],"dimensions":["visit:screen"]}`,
				want:  `[{"dimensions":["Desktop"],"metrics":[2,50,300,66.7]},{"dimensions":["Laptop"],"metrics":[1,100,0,33.3]}]`},
			{name: "returns screen sizes for user making multiple sessions",
				events: []pev{{user: 1, device: "Desktop", at: day + "00:00:00"}, {user: 1, device: "Laptop", at: day + "05:00:00"}},
				query:  `{"date_range":["2021-01-01","2021-01-01"],"metrics":["visitors","percentage"],"dimensions":["visit:screen"]}`,
				want:   `[{"dimensions":["Desktop"],"metrics":[1,100]},{"dimensions":["Laptop"],"metrics":[1,100]}]`, unordered: true},
			{name: "returns (not set) when appropriate",
				events: []pev{{device: ""}, {device: "Desktop"}},
				query:  byScreen(share),
				want:   `[{"dimensions":["(not set)"],"metrics":[1,50]},{"dimensions":["Desktop"],"metrics":[1,50]}]`, unordered: true},
			{name: "returns (not set) when appropriate, filtered by visit:screen",
				events: []pev{{device: ""}, {device: "Desktop"}},
				query:  byScreen(share, `"filters":[["is","visit:screen",["(not set)"]]]`),
				want:   `[{"dimensions":["(not set)"],"metrics":[1,100]}]`},
			{name: "returns screen sizes with :is filter on custom pageview props",
				events: []pev{{user: 123, device: "Desktop"}, {user: 123, device: "Desktop", props: map[string]string{"author": "John Doe"}},
					{device: "Mobile", props: map[string]string{"author": "other"}}, {device: "Tablet"}},
				query: byScreen(share, `"filters":[["is","event:props:author",["John Doe"]]]`),
				want:  `[{"dimensions":["Desktop"],"metrics":[1,100]}]`},
			{name: "returns screen sizes with :is_not filter on custom pageview props",
				events: []pev{{user: 123, device: "Desktop", props: map[string]string{"author": "John Doe"}},
					{user: 123, device: "Desktop", props: map[string]string{"author": "John Doe"}},
					{device: "Mobile", props: map[string]string{"author": "other"}}, {device: "Tablet"}},
				query: byScreen(share, `"filters":[["is_not","event:props:author",["John Doe"]]]`),
				want:  `[{"dimensions":["Mobile"],"metrics":[1,50]},{"dimensions":["Tablet"],"metrics":[1,50]}]`, unordered: true},
			{name: "calculates conversion_rate when filtering for goal",
				goals:  [][2]string{{"Signup", ""}},
				events: []pev{{user: 1, device: "Desktop"}, {user: 2, device: "Desktop"}, {user: 1, name: "Signup"}},
				query:  byScreen(`"visitors","conversion_rate"`, `"filters":[["is","event:goal",["Signup"]]]`),
				want:   `[{"dimensions":["Desktop"],"metrics":[1,50]}]`},
			{name: "returns screen sizes with not_member filter type",
				events: []pev{{source: "Google", device: "Desktop"}, {source: "Bad source", device: "Desktop"}, {source: "Google", device: "Desktop"},
					{source: "Twitter", device: "Mobile"}, {source: "Second bad source", device: "Mobile"}},
				query: byScreen(share, `"filters":[["is_not","visit:source",["Bad source","Second bad source"]]]`),
				want:  `[{"dimensions":["Desktop"],"metrics":[2,66.7]},{"dimensions":["Mobile"],"metrics":[1,33.3]}]`},
			// test/plausible_web/controllers/api/external_stats_controller/query_test.exs,
			// "can filter by device type", with the filter under its older name.
			{name: "can filter by device type, as visit:screen",
				events: []pev{{user: user1, at: day + "00:00:00", device: "Desktop"}, {user: user1, at: day + "00:25:00"}, {at: day + "00:00:00"}},
				query:  q(`"pageviews","visitors","bounce_rate","visit_duration"`, `"filters":[["is","visit:screen",["Desktop"]]]`),
				want:   `[{"metrics":[2,1,0,1500],"dimensions":[]}]`},
		})
	})
}

func TestPlausibleExitHostnames(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		const day = "2021-01-01 "
		onDay := func(metrics, more string) string {
			return `{"date_range":["2021-01-01","2021-01-01"],"metrics":[` + metrics + `],` + more + `}`
		}
		// The visits of PagesTest's "filtered by hostname" tests: one
		// visitor moves between two language hostnames.
		en, es := "en.example.com", "es.example.com"
		cases := []plausibleCase{
			// test/plausible_web/controllers/api/stats_controller/pages_test.exs
			// (PlausibleWeb.Api.StatsController.PagesTest)
			{name: "returns top exit pages by visitors filtered by hostname",
				events: []pev{{path: "/page1", host: en, at: day + "00:00:00"}, {path: "/page1", host: es, at: day + "00:00:00"},
					{path: "/page1", host: en, user: user1, at: day + "00:00:00"}, {path: "/page2", host: es, user: user1, at: day + "00:15:00"},
					{path: "/exit", host: en, user: user1, at: day + "00:16:00"}},
				query: onDay(`"visitors","visits"`, `"dimensions":["visit:exit_page"],"filters":[["is","event:hostname",["es.example.com"]]]`),
				want:  `[{"dimensions":["/page1"],"metrics":[1,1]}]`},
			{name: "returns top entry pages by visitors filtered by hostname",
				events: []pev{{path: "/page1", host: en, at: day + "00:00:00"}, {path: "/page1", host: es, at: day + "00:00:00"},
					{path: "/page2", host: en, user: user1, at: day + "00:00:00"}, {path: "/page2", host: es, user: user1, at: day + "00:15:00"},
					{path: "/exit", host: es, user: user1, at: day + "00:16:00"}, {path: "/page2", host: es, at: day + "23:15:00"}},
				query: onDay(`"visitors","visits","visit_duration"`, `"dimensions":["visit:entry_page"],"filters":[["is","event:hostname",["es.example.com"]]]`),
				want:  `[{"dimensions":["/page1"],"metrics":[1,1,0]},{"dimensions":["/page2"],"metrics":[1,1,0]}]`, unordered: true},
			// test/plausible/stats/query_optimizer_test.exs
			// (Plausible.Stats.QueryOptimizerTest), "updates filters it
			// filtering by event:hostname and visit:referrer and
			// visit:exit_page dimensions" (its matches_wildcard, internal to
			// Plausible, asked as contains): a breakdown by referrer and exit
			// page under an event:hostname filter keeps the visits that both
			// entered and left on a matching hostname. The rule is
			// Plausible's; these events are ours.
			{name: "event:hostname filter extends to entry and exit hostnames",
				events: []pev{
					{user: 1, host: "example.com", referrer: "a.org", path: "/in", at: day + "00:00:00"},
					{user: 1, host: "example.com", path: "/out", at: day + "00:05:00"},
					{user: 2, host: "other.net", referrer: "b.org", path: "/in", at: day + "00:00:00"},
					{user: 2, host: "example.com", path: "/out", at: day + "00:05:00"},
					{user: 3, host: "example.com", referrer: "c.org", path: "/in", at: day + "00:00:00"},
					{user: 3, host: "other.net", path: "/elsewhere", at: day + "00:05:00"}},
				query: onDay(`"visitors"`, `"dimensions":["visit:referrer","visit:exit_page"],"filters":[["is","event:hostname",["example.com"]],["contains","event:hostname",[".com"]]]`),
				want:  `[{"dimensions":["a.org","/out"],"metrics":[1]}]`},
		}
		// test/plausible/session/cache_store_test.exs
		// (Plausible.Session.CacheStoreTest), describe "hostname-related
		// attributes": the exit hostname each test asserts, read back
		// through the Stats API.
		for _, tc := range []struct {
			name string
			evs  []pev
			want string
		}{
			{"initial for pageview", []pev{{user: 1, path: "/path/1", host: "example.com"}}, "example.com"},
			{"subsequent pageview after custom_event", []pev{
				{user: 1, name: "custom_event", path: "/path/1", host: "example.com", at: day + "00:00:00"},
				{user: 1, path: "/path/2", host: "example.com", at: day + "00:00:05"}}, "example.com"},
			{"hostname change", []pev{
				{user: 1, path: "/landing", host: "example.com", at: day + "00:00:00"},
				{user: 1, path: "/post/1", host: "blog.example.com", at: day + "00:00:05"}}, "blog.example.com"},
			{"hostname change with custom event in the middle", []pev{
				{user: 1, path: "/landing", host: "example.com", at: day + "00:00:00"},
				{user: 1, name: "custom_event", path: "/path/1", host: "analytics.example.com", at: day + "00:00:02"},
				{user: 1, path: "/post/1", host: "blog.example.com", at: day + "00:00:05"}}, "blog.example.com"},
		} {
			query := `{"date_range":"all","metrics":["visitors","visits"],"dimensions":["visit:exit_page_hostname"]}`
			cases = append(cases, plausibleCase{name: "hostname-related attributes " + tc.name, events: tc.evs,
				query: query, want: `[{"dimensions":["` + tc.want + `"],"metrics":[1,1]}]`})
		}
		cases = append(cases,
			// The exit hostname as a filter, and beside the entry hostname:
			// liveops' own cases for the same visits.
			plausibleCase{name: "filter by exit hostname",
				events: []pev{{user: 1, host: "example.com", at: day + "00:00:00"}, {user: 1, host: "blog.example.com", at: day + "00:00:05"},
					{user: 2, host: "example.com", at: day + "00:00:00"}},
				query: onDay(`"visitors","visits","bounce_rate"`, `"filters":[["is","visit:exit_page_hostname",["blog.example.com"]]]`),
				want:  `[{"metrics":[1,1,0],"dimensions":[]}]`},
			plausibleCase{name: "entry and exit hostnames together",
				events: []pev{{user: 1, host: "example.com", at: day + "00:00:00"}, {user: 1, host: "blog.example.com", at: day + "00:00:05"},
					{user: 2, host: "example.com", at: day + "00:00:00"}},
				query: onDay(`"visitors"`, `"dimensions":["visit:entry_page_hostname","visit:exit_page_hostname"]`),
				want:  `[{"dimensions":["example.com","blog.example.com"],"metrics":[1]},{"dimensions":["example.com","example.com"],"metrics":[1]}]`, unordered: true},
			plausibleCase{name: "an event metric with the exit hostname is refused",
				query: onDay(`"pageviews"`, `"dimensions":["visit:exit_page_hostname"]`), status: 400,
				errContains: "Event metric(s) `pageviews` cannot be queried along with session dimension(s) `visit:exit_page_hostname`"},
		)
		runPlausibleCases(t, r, cases)
	})
}
