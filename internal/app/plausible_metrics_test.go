package app

import "testing"

// Cases ported from Plausible's
// test/plausible_web/controllers/api/external_stats_controller/query_special_metrics_test.exs
// (QuerySpecialMetricsTest) and query_time_on_page_test.exs
// (QueryTimeOnPageTest): each names the test it comes from.
//
// Not ported, and why:
//   - "can break down by visit:device with only percentage metric": its
//     expected shares include imported data; liveops has no imports.
//   - the exit_rate tests (describe "exit_rate"): they ask
//     /api/v2/query-internal-test, Plausible's dashboard API; exit_rate is
//     not a metric of the public Stats API.
//   - time on page: "aggregated time_on_page metric with imported data",
//     the imported row of "time_on_page time series" (its other rows are
//     ported), the
//     include.legacy_time_on_page_cutoff tests, the "legacy time_on_page
//     metric" tests and "reports legacy time-on-page as nulls per day":
//     imported data and Plausible's legacy time-on-page estimate (from
//     gaps between page views), which liveops never had; it computes time
//     on page from engagement events only. The two ported time-on-page
//     cases ask the public /api/v2/query for what their tests ask
//     /api/v2/query-internal-test (with include.imports, and no imports).
//   - "with comparisons" (exit_rate) and "can use comparisons together with
//     `legacy_time_on_page_cutoff`": an internal-schema metric and the
//     legacy time-on-page switch, which liveops does not have. The cases of
//     query_comparisons_test.exs are ported in plausible_comparisons_test.go.

func TestPlausibleSpecialMetrics(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		author := func(name string) map[string]string { return props("author", name) }
		runPlausibleCases(t, r, []plausibleCase{
			{name: "returns conversion_rate in a goal filtered custom prop breakdown", goals: [][2]string{{"", "/blog**"}},
				events: []pev{{path: "/blog/1", props: author("Uku")}, {path: "/blog/2", props: author("Uku")}, {path: "/blog/3", props: author("Uku")},
					{path: "/blog/1", props: author("Marko")}, {path: "/blog/2", props: author("Marko"), user: 1}, {path: "/blog/3", props: author("Marko"), user: 1},
					{path: "/blog"}, {props: author("Marko")}, {}},
				query: q(`"visitors","events","conversion_rate"`, `"filters":[["is","event:goal",["Visit /blog**"]]]`, `"dimensions":["event:props:author"]`),
				want:  `[{"dimensions":["Uku"],"metrics":[3,3,37.5]},{"dimensions":["Marko"],"metrics":[2,3,25.0]},{"dimensions":["(none)"],"metrics":[1,1,12.5]}]`},
			{name: "returns conversion_rate alone in a goal filtered custom prop breakdown", goals: [][2]string{{"", "/blog**"}},
				events: []pev{{path: "/blog/1", props: author("Uku")}, {}},
				query:  q(`"conversion_rate"`, `"dimensions":["event:props:author"]`, `"filters":[["is","event:goal",["Visit /blog**"]]]`),
				want:   `[{"dimensions":["Uku"],"metrics":[50]}]`},
			{name: "returns conversion_rate in a goal filtered event:page breakdown", goals: [][2]string{{"Signup", ""}},
				events: []pev{{path: "/en/register"}, {path: "/en/register", name: "Signup"}, {path: "/en/register", name: "Signup"},
					{path: "/it/register", name: "Signup", user: 1}, {path: "/it/register", name: "Signup", user: 1}, {path: "/it/register"}},
				query: q(`"visitors","events","group_conversion_rate"`, `"dimensions":["event:page"]`, `"filters":[["is","event:goal",["Signup"]]]`),
				want:  `[{"dimensions":["/en/register"],"metrics":[2,2,66.67]},{"dimensions":["/it/register"],"metrics":[1,2,50.0]}]`},
			{name: "returns conversion_rate alone in a goal filtered event:page breakdown", goals: [][2]string{{"Signup", ""}},
				events: []pev{{path: "/en/register"}, {path: "/en/register", name: "Signup"}},
				query:  q(`"group_conversion_rate"`, `"filters":[["is","event:goal",["Signup"]]]`, `"dimensions":["event:page"]`),
				want:   `[{"dimensions":["/en/register"],"metrics":[50.0]}]`},
			// Plausible's Purchase goal has a currency (a revenue goal, treated
			// as any custom event goal here); liveops goals have none.
			{name: "returns conversion_rate in a multi-goal filtered visit:screen_size breakdown", goals: [][2]string{{"Purchase", ""}, {"AddToCart", ""}},
				events: []pev{{device: "Mobile"}, {device: "Mobile", name: "AddToCart"}, {device: "Mobile", name: "AddToCart"},
					{device: "Desktop", name: "AddToCart", user: 1}, {device: "Desktop", name: "Purchase", user: 1}, {device: "Desktop"}},
				query: q(`"visitors","events","group_conversion_rate"`, `"dimensions":["visit:device"]`, `"filters":[["is","event:goal",["AddToCart","Purchase"]]]`),
				want:  `[{"dimensions":["Mobile"],"metrics":[2,2,66.67]},{"dimensions":["Desktop"],"metrics":[1,2,50]}]`},
			{name: "returns conversion_rate alone in a goal filtered visit:screen_size breakdown", goals: [][2]string{{"AddToCart", ""}},
				events: []pev{{device: "Mobile"}, {device: "Mobile", name: "AddToCart"}},
				query:  q(`"conversion_rate"`, `"dimensions":["visit:device"]`, `"filters":[["is","event:goal",["AddToCart"]]]`),
				want:   `[{"dimensions":["Mobile"],"metrics":[50]}]`},
		})
	})
}

func TestPlausibleTimeOnPage(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		// The setup of describe "timeseries": one visit a day of visitor 12
		// on "/", and visitor 13 on the fourth day.
		view := func(user int64, day string, engagedMS int64) []pev {
			return []pev{{user: user, path: "/", at: day + " 00:00:00"},
				{name: "engagement", user: user, path: "/", at: day + " 00:05:00", engagedMS: engagedMS}}
		}
		var daily []pev
		daily = append(daily, view(12, "2021-01-01", 100_000)...)
		daily = append(daily, view(12, "2021-01-02", 200_000)...)
		daily = append(daily, view(12, "2021-01-03", 250_000)...)
		daily = append(daily, view(12, "2021-01-04", 200_000)...)
		daily = append(daily, view(13, "2021-01-04", 100_000)...)
		runPlausibleCases(t, r, []plausibleCase{
			{name: "aggregated time_on_page metric based on engagement data",
				events: []pev{{user: 12, path: "/blog", at: "2021-01-01 00:00:00"},
					{name: "engagement", user: 12, path: "/blog", at: "2021-01-01 00:10:00", engagedMS: 120_000},
					{name: "engagement", user: 12, path: "/blog", at: "2021-01-01 00:11:00", engagedMS: 20_000},
					{user: 13, path: "/blog", at: "2021-01-01 00:10:00"},
					{name: "engagement", user: 13, path: "/blog", at: "2021-01-01 00:10:00", engagedMS: 60_000}},
				query: q(`"time_on_page"`, `"dimensions":["event:page"]`),
				want:  `[{"dimensions":["/blog"],"metrics":[100]}]`},
			// Without its imported_pages row for "/blog" on the first day.
			{name: "time_on_page time series",
				events: []pev{{user: 12, path: "/", at: "2021-01-01 00:00:00"},
					{name: "engagement", user: 12, path: "/", at: "2021-01-01 00:03:00", engagedMS: 100_000},
					{user: 12, path: "/", at: "2021-01-02 00:00:00"},
					{name: "engagement", user: 12, path: "/", at: "2021-01-02 00:03:00", engagedMS: 100_000},
					{user: 13, path: "/", at: "2021-01-02 00:00:00"},
					{name: "engagement", user: 13, path: "/", at: "2021-01-02 00:10:00", engagedMS: 300_000},
					{user: 12, path: "/", at: "2021-01-03 00:00:00"},
					{name: "engagement", user: 12, path: "/", at: "2021-01-03 00:03:00", engagedMS: 100_000},
					{user: 12, path: "/", at: "2021-01-04 00:00:00"},
					{name: "engagement", user: 12, path: "/", at: "2021-01-04 00:03:00", engagedMS: 100_000}},
				query: `{"metrics":["time_on_page"],"date_range":["2021-01-01","2021-01-04"],"dimensions":["time:day","event:page"]}`,
				want: `[{"dimensions":["2021-01-01","/"],"metrics":[100]},{"dimensions":["2021-01-02","/"],"metrics":[200]},
					{"dimensions":["2021-01-03","/"],"metrics":[100]},{"dimensions":["2021-01-04","/"],"metrics":[100]}]`},
			{name: "reports average new time-on-page per day", events: daily,
				query: `{"metrics":["time_on_page"],"date_range":["2021-01-01","2021-01-04"],"filters":[["is","event:page",["/"]]],"dimensions":["time:day"]}`,
				want: `[{"dimensions":["2021-01-01"],"metrics":[100]},{"dimensions":["2021-01-02"],"metrics":[200]},
					{"dimensions":["2021-01-03"],"metrics":[250]},{"dimensions":["2021-01-04"],"metrics":[150]}]`},
		})
	})
}

// From Plausible's dashboard API tests
// (test/plausible_web/controllers/api/stats_controller/main_graph_test.exs,
// describe "conversion_rate plot"): the query is one the public API takes
// too, with its month ("month" of relative_date 2021-01-01) as dates.
func TestPlausibleGroupConversionRatePlot(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		runPlausibleCases(t, r, []plausibleCase{
			{name: "displays conversion_rate for a month", goals: [][2]string{{"Signup", ""}},
				events: []pev{{at: "2021-01-01 00:00:00"}, {at: "2021-01-01 00:00:00"}, {name: "Signup", at: "2021-01-01 00:00:00"},
					{at: "2021-01-31 00:00:00"}, {name: "Signup", at: "2021-01-31 00:00:00"}},
				query: `{"date_range":["2021-01-01","2021-01-31"],"metrics":["group_conversion_rate"],"dimensions":["time:day"],"filters":[["is","event:goal",["Signup"]]]}`,
				want:  `[{"dimensions":["2021-01-01"],"metrics":[33.33]},{"dimensions":["2021-01-31"],"metrics":[50.0]}]`},
		})
	})
}

// From Plausible's query parser tests (test/plausible/stats/query_parser_test.exs,
// query_parse_and_build_test.exs in newer versions, describe "conversion_rate
// metric"), asked of the public API. The refusal's wording differs between
// Plausible's versions; what is checked is the rule.
func TestPlausibleSpecialMetricsParsing(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		runPlausibleCases(t, r, []plausibleCase{
			{name: "custom properties filter with special metric",
				query: q(`"conversion_rate","group_conversion_rate"`, `"filters":[["is","event:props:foo",["bar"]]]`, `"dimensions":["event:goal"]`),
				want:  `[]`},
			{name: "not top level custom properties filter with special metric is invalid",
				query:  q(`"conversion_rate","group_conversion_rate"`, `"filters":[["not",["is","event:props:foo",["bar"]]]]`, `"dimensions":["event:goal"]`),
				status: 400, errContains: "custom property filters can only be used"},
			// The same with group_conversion_rate alone.
			{name: "not top level custom properties filter with group_conversion_rate is invalid",
				query:  q(`"group_conversion_rate"`, `"filters":[["not",["is","event:props:foo",["bar"]]]]`, `"dimensions":["event:goal"]`),
				status: 400, errContains: "custom property filters can only be used on top level"},
		})
	})
}
