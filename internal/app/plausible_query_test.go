package app

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Cases ported from Plausible's
// test/plausible_web/controllers/api/external_stats_controller/query_test.exs
// (PlausibleWeb.Api.ExternalStatsController.QueryTest): each names the test
// it comes from. The events, goals, query and expected results are the
// test's; the rig (plausible_rig_test.go) stores and asks as it does.
//
// Not ported, and why:
//   - tests of imported data (with_imported, imports_meta, site_import):
//     liveops has no import of other tools' aggregates.
//   - tests of billing features and plans (402s): liveops has no plans.
//   - "revenue metrics" (average_revenue, total_revenue, metric_warnings):
//     an Enterprise-only feature of Plausible (tagged ee_only).
//   - tests against /api/v2/query-internal-test (scroll_depth, segments):
//     Plausible's internal dashboard API, not the public Stats API; the
//     public refusals of the same features are ported with the parser's
//     cases (internal/statsquery). The has_done and has_not_done ones are
//     ported in plausible_behavioral_test.go: Plausible's public parser
//     accepts those filters.
//   - "bounce rate calculation handles invalid session data gracefully":
//     it corrupts Plausible's own session cache; liveops has no such cache.

const (
	user1 = 1231 // @user_id
	user2 = 456
)

// q builds a query body from its parts: metrics, then any further members.
func q(metrics string, more ...string) string {
	return `{"date_range":"all","metrics":[` + metrics + `]` + prefixed(more) + `}`
}

func prefixed(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return "," + strings.Join(parts, ",")
}

func TestPlausibleQueryAggregates(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		// The visit of the filters tests: a visitor with two page views 25
		// minutes apart, the first carrying the attribute, and another visitor.
		twoThenOne := func(first pev) []pev {
			first.user, first.at = user1, "2021-01-01 00:00:00"
			return []pev{first, {user: user1, at: "2021-01-01 00:25:00"}, {at: "2021-01-01 00:00:00"}}
		}
		const four = `"pageviews","visitors","bounce_rate","visit_duration"`
		filtered := func(filter string) string { return q(four, `"filters":[`+filter+`]`) }
		const oneVisit = `[{"metrics":[2,1,0,1500],"dimensions":[]}]`
		runPlausibleCases(t, r, []plausibleCase{
			{name: "aggregates a single metric",
				events: []pev{{user: user1, at: "2021-01-01 00:00:00"}, {user: user1, at: "2021-01-01 00:25:00"}, {at: "2021-01-01 00:00:00"}},
				query:  q(`"pageviews"`), want: `[{"metrics":[3],"dimensions":[]}]`},
			{name: "aggregate views_per_visit rounds to two decimal places",
				events: []pev{{user: user1, at: "2021-01-01 00:00:00"}, {user: user1, at: "2021-01-01 00:25:00"},
					{user: user2, at: "2021-01-01 00:00:00"}, {user: user2, at: "2021-01-01 00:25:00"}, {at: "2021-01-01 00:00:00"}},
				query: q(`"views_per_visit"`), want: `[{"metrics":[1.67],"dimensions":[]}]`},
			{name: "aggregates all metrics in a single query",
				events: []pev{{user: user1, at: "2021-01-01 00:00:00"}, {user: user1, at: "2021-01-01 00:25:00"}, {at: "2021-01-01 00:00:00"}},
				query:  q(`"pageviews","visits","views_per_visit","visitors","bounce_rate","visit_duration"`),
				want:   `[{"metrics":[3,2,1.5,2,50,750],"dimensions":[]}]`},
			{name: "can filter by source", events: twoThenOne(pev{source: "Google"}),
				query: filtered(`["is","visit:source",["Google"]]`), want: oneVisit},
			{name: "does not count engagement events towards the events metric in a simple aggregate query",
				events: []pev{{user: 234, at: "2021-01-01 00:00:00"}, {name: "engagement", user: 234, at: "2021-01-01 00:00:01", engagedMS: 1000}},
				query:  q(`"events"`), want: `[{"metrics":[1],"dimensions":[]}]`},
			{name: "engagement events do not affect bounce rate and visit duration",
				events: []pev{{user: 123, at: "2021-01-01 00:00:00"}, {name: "engagement", user: 123, at: "2021-01-01 00:00:03", engagedMS: 3000}},
				query:  q(`"bounce_rate","visit_duration"`), want: `[{"metrics":[100,0],"dimensions":[]}]`},
			{name: "can filter by channel", events: twoThenOne(pev{source: "Google", channel: "Organic Search"}),
				query: filtered(`["is","visit:channel",["Organic Search"]]`), want: oneVisit},
			{name: "can filter by no source/referrer",
				events: []pev{{user: user1, at: "2021-01-01 00:00:00"}, {user: user1, at: "2021-01-01 00:25:00"}, {source: "Google", at: "2021-01-01 00:00:00"}},
				query:  filtered(`["is","visit:source",["Direct / None"]]`), want: oneVisit},
			{name: "can filter by referrer", events: twoThenOne(pev{referrer: "https://facebook.com"}),
				query: filtered(`["is","visit:referrer",["https://facebook.com"]]`), want: oneVisit},
			{name: "contains referrer filter",
				events: []pev{{referrer: "https://a.com"}, {referrer: "https://a.com"}, {referrer: "https://ab.com"}},
				query:  q(`"visitors"`, `"filters":[["contains","visit:referrer",["a.com"]]]`), want: `[{"metrics":[2],"dimensions":[]}]`},
			{name: "can filter by utm_medium", events: twoThenOne(pev{medium: "social"}),
				query: filtered(`["is","visit:utm_medium",["social"]]`), want: oneVisit},
			{name: "can filter by utm_medium case insensitively",
				events: []pev{{medium: "Social", user: user1, at: "2021-01-01 00:00:00"}, {medium: "SOCIAL", user: user1, at: "2021-01-01 00:25:00"}, {at: "2021-01-01 00:00:00"}},
				query:  filtered(`["is","visit:utm_medium",["sociaL"],{"case_sensitive":false}]`), want: oneVisit},
			{name: "can filter by is_not utm_medium case insensitively",
				events: []pev{{medium: "Social", user: user1, at: "2021-01-01 00:00:00"}, {medium: "SOCIAL", user: user1, at: "2021-01-01 00:25:00"}, {at: "2021-01-01 00:00:00"}},
				query:  q(`"pageviews"`, `"filters":[["is_not","visit:utm_medium",["sociaL"],{"case_sensitive":false}]]`), want: `[{"metrics":[1],"dimensions":[]}]`},
			{name: "can filter by utm_source", events: twoThenOne(pev{utmSrc: "Twitter"}),
				query: filtered(`["is","visit:utm_source",["Twitter"]]`), want: oneVisit},
			{name: "can filter by utm_campaign", events: twoThenOne(pev{campaign: "profile"}),
				query: filtered(`["is","visit:utm_campaign",["profile"]]`), want: oneVisit},
			{name: "can filter by device type", events: twoThenOne(pev{device: "Desktop"}),
				query: filtered(`["is","visit:device",["Desktop"]]`), want: oneVisit},
			{name: "can filter by browser", events: twoThenOne(pev{browser: "Chrome"}),
				query: filtered(`["is","visit:browser",["Chrome"]]`), want: oneVisit},
			{name: "can filter by browser version", events: twoThenOne(pev{browser: "Chrome", bversion: "56"}),
				query: filtered(`["is","visit:browser_version",["56"]]`), want: oneVisit},
			{name: "can filter by operating system", events: twoThenOne(pev{os: "Mac"}),
				query: filtered(`["is","visit:os",["Mac"]]`), want: oneVisit},
			{name: "can filter by operating system version", events: twoThenOne(pev{osv: "10.5"}),
				query: filtered(`["is","visit:os_version",["10.5"]]`), want: oneVisit},
			{name: "can filter by country", events: twoThenOne(pev{country: "EE"}),
				query: filtered(`["is","visit:country",["EE"]]`), want: oneVisit},
			{name: "can filter by page",
				events: []pev{{user: user1, at: "2021-01-01 00:00:00"}, {user: user1, path: "/blogpost", at: "2021-01-01 00:25:00"},
					{at: "2021-01-01 00:00:00"}, {path: "/blogpost", at: "2021-01-01 00:00:00"}},
				query: filtered(`["is","event:page",["/blogpost"]]`), want: `[{"metrics":[2,2,100,750],"dimensions":[]}]`},
			{name: "can filter by hostname",
				events: []pev{{host: "one.example.com", at: "2021-01-01 00:00:00"}, {host: "example.com", at: "2021-01-01 00:25:00"}, {at: "2021-01-01 00:00:00"}},
				query:  filtered(`["contains","event:hostname",["one.example.com","example.com"]]`), want: `[{"metrics":[2,2,100,0],"dimensions":[]}]`},
			{name: "filtering by event:name",
				events: []pev{{name: "Signup", at: "2021-01-01 00:00:00"}, {name: "Signup", user: user1, at: "2021-01-01 00:25:00"},
					{name: "Signup", user: user1, at: "2021-01-01 00:25:00"}, {at: "2021-01-01 00:00:00"}},
				query: q(`"visitors","pageviews"`, `"filters":[["is","event:name",["Signup"]]]`), want: `[{"metrics":[2,0],"dimensions":[]}]`},
			{name: "filtering by a custom event goal", goals: [][2]string{{"Signup", ""}},
				events: []pev{{name: "Signup", at: "2021-01-01 00:00:00"}, {name: "Signup", user: user1, at: "2021-01-01 00:25:00"},
					{name: "Signup", user: user1, at: "2021-01-01 00:25:00"}, {name: "NotConfigured", at: "2021-01-01 00:25:00"}},
				query: q(`"visitors","events"`, `"filters":[["is","event:goal",["Signup"]]]`), want: `[{"metrics":[2,3],"dimensions":[]}]`},
			{name: "filtering by a custom event goal (case insensitive)", goals: [][2]string{{"Signup", ""}},
				events: []pev{{name: "Signup", at: "2021-01-01 00:00:00"}, {name: "Signup", user: user1, at: "2021-01-01 00:25:00"},
					{name: "Signup", user: user1, at: "2021-01-01 00:25:00"}, {name: "NotConfigured", at: "2021-01-01 00:25:00"}},
				query: q(`"visitors","events"`, `"filters":[["is","event:goal",["signup"],{"case_sensitive":false}]]`), want: `[{"metrics":[2,3],"dimensions":[]}]`},
			{name: "filtering by a revenue goal", goals: [][2]string{{"Purchase", ""}},
				events: []pev{{name: "Purchase", at: "2021-01-01 00:00:00"}, {name: "Purchase", user: user1, at: "2021-01-01 00:25:00"},
					{name: "Purchase", user: user1, at: "2021-01-01 00:25:00"}},
				query: q(`"visitors","events"`, `"filters":[["is","event:goal",["Purchase"]]]`), want: `[{"metrics":[2,3],"dimensions":[]}]`},
			{name: "filtering by a simple pageview goal", goals: [][2]string{{"", "/register"}},
				events: []pev{{path: "/register", at: "2021-01-01 00:00:00"}, {path: "/register", user: user1, at: "2021-01-01 00:25:00"},
					{path: "/register", user: user1, at: "2021-01-01 00:25:00"}, {path: "/", at: "2021-01-01 00:25:00"}},
				query: q(`"visitors","pageviews"`, `"filters":[["is","event:goal",["Visit /register"]]]`), want: `[{"metrics":[2,3],"dimensions":[]}]`},
			{name: "filtering by a wildcard pageview goal", goals: [][2]string{{"", "/blog**"}},
				events: []pev{{path: "/blog/post-1"}, {path: "/blog/post-2", user: user1}, {path: "/blog", user: user1}, {path: "/"}},
				query:  q(`"visitors","pageviews"`, `"filters":[["is","event:goal",["Visit /blog**"]]]`), want: `[{"metrics":[2,3],"dimensions":[]}]`},
			{name: "filtering by multiple custom event goals", goals: [][2]string{{"Signup", ""}, {"Purchase", ""}},
				events: []pev{{name: "Signup"}, {name: "Purchase", user: user1}, {name: "Purchase", user: user1}, {}},
				query:  q(`"visitors","events"`, `"filters":[["is","event:goal",["Signup","Purchase"]]]`), want: `[{"metrics":[2,3],"dimensions":[]}]`},
			{name: "filtering by multiple mixed goals", goals: [][2]string{{"Signup", ""}, {"", "/**register"}},
				events: []pev{{path: "/account/register"}, {path: "/register", user: user1}, {name: "Signup", user: user1}, {}},
				query:  q(`"visitors","events","pageviews"`, `"filters":[["is","event:goal",["Signup","Visit /**register"]]]`), want: `[{"metrics":[2,3,2],"dimensions":[]}]`},
			{name: "combining filters",
				events: []pev{{path: "/blogpost", country: "EE", user: user1, at: "2021-01-01 00:00:00"}, {user: user1, at: "2021-01-01 00:25:00"},
					{at: "2021-01-01 00:00:00"}, {path: "/blogpost", at: "2021-01-01 00:00:00"}},
				query: filtered(`["is","event:page",["/blogpost"]],["is","visit:country",["EE"]]`), want: `[{"metrics":[1,1,0,1500],"dimensions":[]}]`},
			{name: "contains page filter",
				events: []pev{{path: "/en/page1"}, {path: "/en/page2"}, {path: "/pl/page1"}},
				query:  q(`"visitors"`, `"filters":[["contains","event:page",["/en/"]]]`), want: `[{"metrics":[2],"dimensions":[]}]`},
			{name: "contains page filter case insensitive",
				events: []pev{{path: "/en/page1"}, {path: "/EN/page2"}, {path: "/pl/page1"}},
				query:  q(`"visitors"`, `"filters":[["contains","event:page",["/En/"],{"case_sensitive":false}]]`), want: `[{"metrics":[2],"dimensions":[]}]`},
			{name: "contains_not page filter case insensitive",
				events: []pev{{path: "/en/page1"}, {path: "/EN/page2"}, {path: "/pl/page1"}},
				query:  q(`"visitors"`, `"filters":[["contains_not","event:page",["/En/"],{"case_sensitive":false}]]`), want: `[{"metrics":[1],"dimensions":[]}]`},
			{name: "contains_not page filter",
				events: []pev{{path: "/en/page1"}, {path: "/en/page2"}, {path: "/pl/page1"}},
				query:  q(`"visitors"`, `"filters":[["contains_not","event:page",["/en/"]]]`), want: `[{"metrics":[1],"dimensions":[]}]`},
			{name: "contains with and/or/not filters",
				events: []pev{{path: "/en/page1"}, {path: "/en/page2"}, {path: "/eng/page1"}, {path: "/pl/page1"}, {path: "/gb/page1"}},
				query:  q(`"visitors"`, `"filters":[["or",[["and",[["contains","event:page",["/en"]],["not",["contains","event:page",["/eng"]]]]],["contains","event:page",["/gb"]]]]]`),
				want:   `[{"metrics":[3],"dimensions":[]}]`},
			{name: "contains and member filter combined",
				events: []pev{{path: "/en/page1"}, {path: "/en/page2"}, {path: "/pl/page1"}, {path: "/ee/page1"}},
				query:  q(`"visitors"`, `"filters":[["contains","event:page",["/en/","/pl/"]]]`), want: `[{"metrics":[3],"dimensions":[]}]`},
		})
	})
}

// props is a custom property map, as the factory's meta.key/meta.value.
func props(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestPlausibleQueryOperators(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		tiers := []pev{
			{props: props("tier", "large-1", "value", "ax")}, {props: props("tier", "small-1", "value", "bx")},
			{props: props("tier", "small-1", "value", "ax")}, {props: props("tier", "small-2", "value", "bx")},
			{props: props("tier", "small-2", "value", "cx")}, {props: props("tier", "small-3")},
			{props: props("value", "ax")}, {},
		}
		tiersShort := []pev{
			{props: props("tier", "large-1", "value", "a")}, {props: props("tier", "small-1", "value", "b")},
			{props: props("tier", "small-1", "value", "a")}, {props: props("tier", "small-2", "value", "b")},
			{props: props("tier", "small-2", "value", "c")}, {props: props("tier", "small-3")},
			{props: props("value", "a")}, {},
		}
		names := []pev{{props: props("name", "large-1")}, {props: props("name", "Small-1")}, {props: props("name", "mall-1")},
			{props: props("name", "SMALL-2")}, {props: props("name", "small-2")}, {}}
		users := []pev{{path: "/user/1234"}, {path: "/user/789/contributions"}, {path: "/blog/user/1234"},
			{path: "/user/ef/contributions"}, {path: "/other/path"}}
		visitors := func(n string) string { return `[{"metrics":[` + n + `],"dimensions":[]}]` }
		runPlausibleCases(t, r, []plausibleCase{
			{name: "can escape pipe character in member + contains filter",
				events: []pev{{path: "/blog/post|1"}, {path: "/otherpost|1"}, {path: "/blog/post|2"}, {path: "/something-else"}},
				query:  q(`"visitors"`, `"filters":[["contains","event:page",["post|1","/something-else"]]]`), want: visitors("3")},
			{name: "`matches` operator", events: users,
				query: q(`"visitors"`, `"filters":[["matches","event:page",["^/user/[0-9]+"]]]`), want: visitors("2")},
			{name: "`matches_not` operator", events: users,
				query: q(`"visitors"`, `"filters":[["matches_not","event:page",["^/user/[0-9]+"]]]`), want: visitors("3")},
			{name: "`contains` and `contains_not` operator with custom properties", events: tiers,
				query: q(`"visitors"`, `"filters":[["contains","event:props:tier",["small"]],["contains_not","event:props:value",["b","c"]]]`), want: visitors("1")},
			{name: "`contains` operator with custom properties case insensitive", events: names,
				query: q(`"visitors"`, `"filters":[["contains","event:props:name",["maLL"],{"case_sensitive":false}]]`), want: visitors("4")},
			{name: "`contains_not` operator with custom properties case insensitive", events: names,
				query: q(`"visitors"`, `"filters":[["contains_not","event:props:name",["maLL"],{"case_sensitive":false}]]`), want: visitors("1")},
			{name: "`matches` and `matches_not` operator with custom properties", events: tiersShort,
				query: q(`"visitors"`, `"filters":[["matches","event:props:tier",["small.+"]],["matches_not","event:props:value",["b|c"]]]`), want: visitors("1")},
			{name: "handles filtering by visit:country",
				events: []pev{{country: "EE"}, {country: "EE"}, {country: "EE"}},
				query:  q(`"pageviews"`, `"filters":[["is","visit:country",["EE"]]]`), want: visitors("3")},
			{name: "handles filtering by visit:country with contains",
				events: []pev{{country: "EE"}, {country: "EE"}, {country: "IT"}, {country: "DE"}},
				query:  q(`"pageviews"`, `"filters":[["contains","visit:country",["E"]]]`), want: visitors("3")},
		})
	})
}

func TestPlausibleQueryTimeseries(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		yearly := []pev{{at: "2020-02-01 00:00:00"}, {at: "2020-12-31 00:00:00"}, {at: "2021-01-01 00:00:00"}, {at: "2021-01-01 00:00:00"}}
		runPlausibleCases(t, r, []plausibleCase{
			{name: "shows hourly data for a certain date with time_labels",
				events: []pev{{user: user1, at: "2021-01-01 00:00:00"}, {user: user1, at: "2021-01-01 00:10:00"}, {at: "2021-01-01 23:59:00"}},
				query: `{"metrics":["visitors","pageviews","visits","visit_duration","bounce_rate"],"date_range":["2021-01-01","2021-01-01"],
					"dimensions":["time:hour"],"include":{"time_labels":true}}`,
				want:    `[{"dimensions":["2021-01-01 00:00:00"],"metrics":[1,2,1,600,0]},{"dimensions":["2021-01-01 23:00:00"],"metrics":[1,1,1,0,100]}]`,
				nLabels: 24},
			{name: "shows last 7 days of visitors with time labels",
				events: []pev{{at: "2021-01-01 00:00:00"}, {at: "2021-01-07 23:59:00"}},
				query:  `{"metrics":["visitors"],"date_range":["2021-01-01","2021-01-07"],"dimensions":["time"],"include":{"time_labels":true}}`,
				want:   `[{"dimensions":["2021-01-01"],"metrics":[1]},{"dimensions":["2021-01-07"],"metrics":[1]}]`,
				labels: `["2021-01-01","2021-01-02","2021-01-03","2021-01-04","2021-01-05","2021-01-06","2021-01-07"]`},
			{name: "shows weekly data with time labels",
				events: []pev{{at: "2021-01-01 00:00:00"}, {at: "2021-01-03 23:59:00"}, {at: "2021-01-07 23:59:00"}},
				query:  `{"metrics":["visitors"],"date_range":["2020-12-20","2021-01-07"],"dimensions":["time:week"],"include":{"time_labels":true}}`,
				want:   `[{"dimensions":["2020-12-28"],"metrics":[2]},{"dimensions":["2021-01-04"],"metrics":[1]}]`,
				labels: `["2020-12-20","2020-12-21","2020-12-28","2021-01-04"]`},
			{name: "shows last 6 months of visitors",
				events: []pev{{at: "2020-08-13 00:00:00"}, {at: "2020-12-31 00:00:00"}, {at: "2021-01-01 00:00:00"}, {at: "2021-01-01 00:00:00"}},
				query:  `{"metrics":["visitors"],"date_range":["2020-07-01","2021-01-31"],"dimensions":["time:month"]}`,
				want:   `[{"dimensions":["2020-08-01"],"metrics":[1]},{"dimensions":["2020-12-01"],"metrics":[1]},{"dimensions":["2021-01-01"],"metrics":[2]}]`},
			{name: "shows last 12 months of visitors", events: yearly,
				query: `{"metrics":["visitors"],"date_range":["2020-01-01","2021-01-01"],"dimensions":["time:month"]}`,
				want:  `[{"dimensions":["2020-02-01"],"metrics":[1]},{"dimensions":["2020-12-01"],"metrics":[1]},{"dimensions":["2021-01-01"],"metrics":[2]}]`},
			{name: "shows last 12 months of visitors with interval daily", events: yearly,
				query:   `{"metrics":["visitors"],"date_range":["2020-01-01","2021-01-07"],"dimensions":["time:day"],"include":{"time_labels":true}}`,
				want:    `[{"dimensions":["2020-02-01"],"metrics":[1]},{"dimensions":["2020-12-31"],"metrics":[1]},{"dimensions":["2021-01-01"],"metrics":[2]}]`,
				nLabels: 373},
		})
	})
}

func TestPlausibleQueryBreakdowns(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		cases := []plausibleCase{
			{name: "shows a custom range with daily interval",
				events: []pev{{at: "2021-01-01 00:00:00"}, {at: "2021-01-01 00:00:00"}, {at: "2021-01-02 00:00:00"}},
				query:  `{"metrics":["visitors"],"date_range":["2021-01-01","2021-01-02"],"dimensions":["time:day"]}`,
				want:   `[{"dimensions":["2021-01-01"],"metrics":[2]},{"dimensions":["2021-01-02"],"metrics":[1]}]`},
			{name: "shows a custom range with monthly interval",
				events: []pev{{user: user1, at: "2020-12-01 00:00:00"}, {user: user1, at: "2020-12-01 00:05:00"}, {at: "2021-01-01 00:00:00"}, {at: "2021-01-02 00:00:00"}},
				query:  `{"metrics":["pageviews","visitors","bounce_rate","visit_duration"],"date_range":["2020-12-01","2021-01-02"],"dimensions":["time:month"]}`,
				want:   `[{"dimensions":["2020-12-01"],"metrics":[2,1,0,300]},{"dimensions":["2021-01-01"],"metrics":[2,2,100,0]}]`},
			{name: "timeseries with explicit order_by",
				events: []pev{{at: "2021-01-01 00:00:00"}, {at: "2021-01-02 00:00:00"}, {at: "2021-01-02 00:00:00"}, {at: "2021-01-02 00:00:00"},
					{at: "2021-01-03 00:00:00"}, {at: "2021-01-03 00:00:00"}, {at: "2021-01-04 00:00:00"}, {at: "2021-01-04 00:00:00"}},
				query: `{"metrics":["pageviews"],"date_range":["2020-12-01","2021-01-04"],"dimensions":["time"],"order_by":[["pageviews","desc"],["time","asc"]]}`,
				want:  `[{"dimensions":["2021-01-02"],"metrics":[3]},{"dimensions":["2021-01-03"],"metrics":[2]},{"dimensions":["2021-01-04"],"metrics":[2]},{"dimensions":["2021-01-01"],"metrics":[1]}]`},
			{name: "timeseries with quarter-hour timezone", tz: "Asia/Katmandu",
				events: []pev{{at: "2021-01-02 05:00:00"}, {at: "2021-01-02 05:15:00"}, {at: "2021-01-02 05:30:00"}, {at: "2021-01-02 05:45:00"},
					{at: "2021-01-02 06:00:00"}, {at: "2021-01-02 06:15:00"}, {at: "2021-01-02 06:30:00"}},
				query: `{"metrics":["visits"],"date_range":["2021-01-02","2021-01-02"],"dimensions":["time:hour"]}`,
				want:  `[{"dimensions":["2021-01-02 10:00:00"],"metrics":[1]},{"dimensions":["2021-01-02 11:00:00"],"metrics":[4]},{"dimensions":["2021-01-02 12:00:00"],"metrics":[2]}]`},
			{name: "breakdown by visit:source",
				events: []pev{{source: "Google", at: "2021-01-01 00:00:00"}, {source: "Google", at: "2021-01-01 00:25:00"}, {at: "2021-01-01 00:00:00"}},
				query:  q(`"visitors"`, `"dimensions":["visit:source"]`),
				want:   `[{"dimensions":["Google"],"metrics":[2]},{"dimensions":["Direct / None"],"metrics":[1]}]`},
			{name: "breakdown by visit:channel",
				events: []pev{{source: "Google", channel: "Organic Search", at: "2021-01-01 00:00:00"}, {source: "Google", channel: "Organic Search", at: "2021-01-01 00:25:00"},
					{channel: "Direct", at: "2021-01-01 00:00:00"}},
				query: q(`"visitors"`, `"dimensions":["visit:channel"]`),
				want:  `[{"dimensions":["Organic Search"],"metrics":[2]},{"dimensions":["Direct"],"metrics":[1]}]`},
			{name: "breakdown by visit:country",
				events: []pev{{country: "EE", at: "2021-01-01 00:00:00"}, {country: "EE", at: "2021-01-01 00:25:00"}, {country: "US", at: "2021-01-01 00:00:00"}},
				query:  q(`"visitors"`, `"dimensions":["visit:country"]`),
				want:   `[{"dimensions":["EE"],"metrics":[2]},{"dimensions":["US"],"metrics":[1]}]`},
			{name: "breakdown by visit:os and visit:os_version",
				events: []pev{{os: "Mac", osv: "14"}, {os: "Mac", osv: "14"}, {os: "Mac", osv: "14"}, {osv: "14"}, {os: "Windows", osv: "11"}, {os: "Windows", osv: "11"}},
				query:  q(`"visitors"`, `"dimensions":["visit:os","visit:os_version"]`),
				want:   `[{"dimensions":["Mac","14"],"metrics":[3]},{"dimensions":["Windows","11"],"metrics":[2]},{"dimensions":["(not set)","14"],"metrics":[1]}]`},
			{name: "breakdown by visit:browser and visit:browser_version",
				events: []pev{{browser: "Chrome", bversion: "14"}, {browser: "Chrome", bversion: "14"}, {browser: "Chrome", bversion: "14"}, {bversion: "14"},
					{browser: "Firefox", bversion: "11"}, {browser: "Firefox", bversion: "11"}},
				query: q(`"visitors"`, `"dimensions":["visit:browser","visit:browser_version"]`),
				want:  `[{"dimensions":["Chrome","14"],"metrics":[3]},{"dimensions":["Firefox","11"],"metrics":[2]},{"dimensions":["(not set)","14"],"metrics":[1]}]`},
			{name: "explicit order_by",
				events: []pev{{os: "Windows", browser: "Chrome"}, {os: "Windows", browser: "Firefox"}, {os: "Linux", browser: "Firefox"},
					{os: "Linux", browser: "Firefox"}, {os: "Mac", browser: "Chrome"}},
				query: q(`"visitors"`, `"dimensions":["visit:os","visit:browser"]`, `"order_by":[["visitors","asc"],["visit:browser","desc"],["visit:os","asc"]]`),
				want:  `[{"dimensions":["Windows","Firefox"],"metrics":[1]},{"dimensions":["Mac","Chrome"],"metrics":[1]},{"dimensions":["Windows","Chrome"],"metrics":[1]},{"dimensions":["Linux","Firefox"],"metrics":[2]}]`},
			{name: "breakdown by event:page",
				events: []pev{{at: "2021-01-01 00:00:00"}, {at: "2021-01-01 00:25:00"}, {path: "/plausible.io", at: "2021-01-01 00:00:00"}},
				query:  q(`"visitors"`, `"dimensions":["event:page"]`),
				want:   `[{"dimensions":["/"],"metrics":[2]},{"dimensions":["/plausible.io"],"metrics":[1]}]`},
			{name: "attempting to breakdown by event:hostname returns an error",
				events: []pev{{host: "a.example.com"}, {host: "a.example.com"}, {host: "a.example.com"}, {host: "b.example.com"}},
				query:  q(`"pageviews"`, `"dimensions":["event:hostname"]`),
				want:   `[{"dimensions":["a.example.com"],"metrics":[3]},{"dimensions":["b.example.com"],"metrics":[1]}]`},
		}
		// "breakdown by #{dimension} when filtered by hostname": nobody
		// landed on one.example.com from utm_param=ad.
		for _, dim := range []struct {
			name string
			set  func(*pev)
		}{
			{"visit:utm_campaign", func(p *pev) { p.campaign = "ad" }},
			{"visit:utm_source", func(p *pev) { p.utmSrc = "ad" }},
			{"visit:utm_term", func(p *pev) { p.term = "ad" }},
			{"visit:utm_content", func(p *pev) { p.content = "ad" }},
		} {
			first := pev{user: user1, host: "two.example.com", at: "2021-01-01 00:00:00"}
			dim.set(&first)
			cases = append(cases, plausibleCase{name: "breakdown by " + dim.name + " when filtered by hostname",
				events: []pev{first, {user: user1, host: "one.example.com", at: "2021-01-01 00:15:00"}},
				query:  q(`"visitors"`, `"filters":[["is","event:hostname",["one.example.com"]]]`, `"dimensions":["`+dim.name+`"]`),
				want:   `[]`})
		}
		// "simple breakdown by #{dimension}", one per dimension.
		for _, dim := range []struct {
			name, v1, v2, blank string
			set                 func(*pev, string)
		}{
			{"visit:source", "Google", "Twitter", "Direct / None", func(p *pev, v string) { p.source = v }},
			{"visit:referrer", "example.com", "google.com", "Direct / None", func(p *pev, v string) { p.referrer = v }},
			{"visit:utm_medium", "Search", "social", "(not set)", func(p *pev, v string) { p.medium = v }},
			{"visit:utm_source", "Google", "Bing", "(not set)", func(p *pev, v string) { p.utmSrc = v }},
			{"visit:utm_campaign", "ads", "profile", "(not set)", func(p *pev, v string) { p.campaign = v }},
			{"visit:utm_content", "Content1", "blog2", "(not set)", func(p *pev, v string) { p.content = v }},
			{"visit:utm_term", "Term1", "favicon", "(not set)", func(p *pev, v string) { p.term = v }},
			{"visit:os", "Mac", "Windows", "(not set)", func(p *pev, v string) { p.os = v }},
			{"visit:browser", "Chrome", "Safari", "(not set)", func(p *pev, v string) { p.browser = v }},
			{"visit:device", "Mobile", "Desktop", "(not set)", func(p *pev, v string) { p.device = v }},
		} {
			var evs []pev
			for _, e := range []struct{ v, at string }{{dim.v1, "00:00"}, {dim.v1, "00:25"}, {dim.v1, "00:55"}, {dim.v2, "01:00"}, {dim.v2, "01:25"}, {"", "00:00"}} {
				p := pev{at: "2021-01-01 " + e.at + ":00"}
				dim.set(&p, e.v)
				evs = append(evs, p)
			}
			cases = append(cases, plausibleCase{name: "simple breakdown by " + dim.name, events: evs,
				query: `{"metrics":["visitors","percentage"],"date_range":["2021-01-01","2021-01-01"],"dimensions":["` + dim.name + `"]}`,
				want: `[{"dimensions":["` + dim.v1 + `"],"metrics":[3,50]},{"dimensions":["` + dim.v2 + `"],"metrics":[2,33.3]},` +
					`{"dimensions":["` + dim.blank + `"],"metrics":[1,16.7]}]`})
		}
		runPlausibleCases(t, r, cases)
	})
}

func TestPlausibleQueryEventsAndGoals(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		const day = "2021-01-01 00:00:00"
		purchase := func(v, at string) pev {
			p := pev{name: "Purchase", at: at}
			if v != "" {
				p.props = props("cost", v)
			}
			return p
		}
		onboarding := []pev{{name: "Onboarding conversion: Step 1"}, {name: "Onboarding conversion: Step 1"}, {name: "Onboarding conversion: Step 2"},
			{name: "Unrelated"}, {path: "/conversion"}}
		onboardingGoals := [][2]string{{"Onboarding conversion: Step 1", ""}, {"Onboarding conversion: Step 2", ""}, {"Unrelated", ""}, {"", "/conversion"}}
		sources := []pev{
			{path: "/", source: "Twitter", medium: "Twitter", utmSrc: "Twitter", campaign: "Twitter", user: user1},
			{path: "/plausible.io", user: user1},
			{path: "/plausible.io", source: "Google", medium: "Google", utmSrc: "Google", campaign: "Google"},
			{path: "/plausible.io", source: "Google", medium: "Google", utmSrc: "Google", campaign: "Google"},
		}
		cases := []plausibleCase{
			{name: "can breakdown by event:name",
				events: []pev{{name: "Signup", at: day}, {name: "Signup", at: day}, {at: "2021-01-01 00:25:00"}},
				query:  q(`"visitors"`, `"dimensions":["event:name"]`),
				want:   `[{"dimensions":["Signup"],"metrics":[2]},{"dimensions":["pageview"],"metrics":[1]}]`},
			{name: "can breakdown by event:name with visitors and events metrics",
				events: []pev{{path: "/non-existing", user: user1, at: day}, {name: "404", path: "/non-existing", user: user1, at: day},
					{path: "/non-existing", at: "2021-01-01 00:00:01"}, {path: "/non-existing", user: user1, at: "2021-01-01 00:00:02"},
					{name: "404", path: "/non-existing", user: user1, at: "2021-01-01 00:00:02"}, {path: "/non-existing", user: user1, at: "2021-01-01 00:00:03"}},
				query: q(`"visitors","events"`, `"dimensions":["event:name"]`),
				want:  `[{"dimensions":["pageview"],"metrics":[2,4]},{"dimensions":["404"],"metrics":[1,2]}]`},
			{name: "can breakdown by event:name while filtering for something",
				events: []pev{{name: "Signup", path: "/pageA", browser: "Chrome", at: day}, {name: "Signup", path: "/pageA", browser: "Chrome", at: day},
					{name: "Signup", path: "/pageA", browser: "Safari", at: day}, {name: "Signup", path: "/pageB", browser: "Chrome", at: day},
					{path: "/pageA", browser: "Chrome", at: "2021-01-01 00:25:00"}},
				query: q(`"visitors"`, `"dimensions":["event:name"]`, `"filters":[["is","event:page",["/pageA"]],["is","visit:browser",["Chrome"]]]`),
				want:  `[{"dimensions":["Signup"],"metrics":[2]},{"dimensions":["pageview"],"metrics":[1]}]`},
			{name: "can breakdown by a visit:property when filtering by event:name",
				events: []pev{{source: "Google", user: user1, at: day}, {name: "Signup", user: user1, at: day}, {source: "Twitter", at: "2021-01-01 00:25:00"}},
				query:  q(`"visitors"`, `"dimensions":["visit:source"]`, `"filters":[["is","event:name",["Signup"]]]`),
				want:   `[{"dimensions":["Google"],"metrics":[1]}]`},
			{name: "can breakdown by event:name when filtering by event:page",
				events: []pev{{path: "/pageA", at: day}, {path: "/pageA", at: day}, {path: "/pageA", name: "Signup", at: day},
					{path: "/pageB", source: "Twitter", at: "2021-01-01 00:25:00"}},
				query: q(`"visitors"`, `"dimensions":["event:name"]`, `"filters":[["contains","event:page",["/pageA"]]]`),
				want:  `[{"dimensions":["pageview"],"metrics":[2]},{"dimensions":["Signup"],"metrics":[1]}]`},
			{name: "can breakdown by event:page when filtering by event:name",
				events: []pev{{name: "Signup", path: "/pageA", at: day}, {name: "Signup", path: "/pageA", at: day}, {name: "Signup", path: "/pageB", at: day},
					{path: "/pageB", source: "Twitter", at: "2021-01-01 00:25:00"}},
				query: q(`"visitors"`, `"dimensions":["event:page"]`, `"filters":[["is","event:name",["Signup"]]]`),
				want:  `[{"dimensions":["/pageA"],"metrics":[2]},{"dimensions":["/pageB"],"metrics":[1]}]`},
			{name: "can filter event:page with a wildcard",
				events: []pev{{path: "/en/page1"}, {path: "/en/page2"}, {path: "/en/page2"}, {path: "/pl/page1"}},
				query:  q(`"visitors"`, `"dimensions":["event:page"]`, `"filters":[["contains","event:page",["/en/"]]]`),
				want:   `[{"dimensions":["/en/page2"],"metrics":[2]},{"dimensions":["/en/page1"],"metrics":[1]}]`},
			{name: "can filter event:hostname with a contains",
				events: []pev{{host: "alice-m.example.com", path: "/a"}, {host: "anna-m.example.com", path: "/a"}, {host: "adam-m.example.com", path: "/a"}, {host: "bob.example.com", path: "/b"}},
				query:  q(`"visitors"`, `"dimensions":["event:page"]`, `"filters":[["contains","event:hostname",["-m.example.com"]]]`),
				want:   `[{"dimensions":["/a"],"metrics":[3]}]`},
			{name: "breakdown by custom event property",
				events: []pev{{name: "Purchase", props: props("package", "business"), at: day}, {name: "Purchase", props: props("package", "personal"), at: day},
					{name: "Purchase", props: props("package", "business"), at: "2021-01-01 00:25:00"}, {name: "Some other event", props: props("package", "business"), at: "2021-01-01 00:25:00"}},
				query: q(`"visitors"`, `"dimensions":["event:props:package"]`, `"filters":[["is","event:name",["Purchase"]]]`),
				want:  `[{"dimensions":["business"],"metrics":[2]},{"dimensions":["personal"],"metrics":[1]}]`},
			{name: "breakdown by custom event property, with pageviews metric",
				events: []pev{{props: props("package", "business"), at: day}, {props: props("package", "personal"), at: day}, {props: props("package", "business"), at: "2021-01-01 00:25:00"}},
				query:  q(`"pageviews"`, `"dimensions":["event:props:package"]`),
				want:   `[{"dimensions":["business"],"metrics":[2]},{"dimensions":["personal"],"metrics":[1]}]`},
			{name: "breakdown by custom event property, with (none)",
				events: []pev{purchase("16", day), purchase("16", day), purchase("16", day), purchase("", "2021-01-01 00:25:00"),
					purchase("14", "2021-01-01 00:25:00"), purchase("14", "2021-01-01 00:26:00")},
				query: q(`"visitors"`, `"dimensions":["event:props:cost"]`, `"filters":[["is","event:name",["Purchase"]]]`),
				want:  `[{"dimensions":["16"],"metrics":[3]},{"dimensions":["14"],"metrics":[2]},{"dimensions":["(none)"],"metrics":[1]}]`},
			{name: "event:goal filter returns 400 when goal not configured",
				query:  q(`"visitors"`, `"dimensions":["visit:browser"]`, `"filters":[["is","event:goal",["Register"]]]`),
				status: 400, errContains: "The goal `Register` is not configured for this site. Find out how"},
			{name: "validates that filters are valid",
				query:  q(`"visitors"`, `"dimensions":["visit:browser"]`, `"filters":[["is","badproperty",["bar"]]]`),
				status: 400, errContains: "Invalid filter"},
			{name: "event:page filter for breakdown by session props",
				events: []pev{{path: "/ignore", browser: "Chrome", at: day}, {path: "/plausible.io", browser: "Chrome", at: day},
					{path: "/plausible.io", browser: "Chrome", at: "2021-01-01 00:25:00"}, {path: "/plausible.io", browser: "Safari", at: day}},
				query: q(`"visitors"`, `"dimensions":["visit:browser"]`, `"filters":[["is","event:page",["/plausible.io"]]]`),
				want:  `[{"dimensions":["Chrome"],"metrics":[2]},{"dimensions":["Safari"],"metrics":[1]}]`},
			{name: "top sources for a custom goal and filtered by hostname",
				events: []pev{{host: "blog.example.com", source: "Facebook", user: user1}, {host: "app.example.com", path: "/register", user: user1},
					{name: "Signup", host: "app.example.com", path: "/register", user: user1}},
				query: q(`"visitors"`, `"dimensions":["visit:source"]`, `"filters":[["is","event:hostname",["app.example.com"]]]`),
				want:  `[]`},
			{name: "top sources for a custom goal and filtered by hostname (2)",
				events: []pev{{host: "app.example.com", source: "Facebook", path: "/register", user: user1},
					{name: "Signup", host: "app.example.com", path: "/register", user: user1}},
				query: q(`"visitors"`, `"dimensions":["visit:source"]`, `"filters":[["is","event:hostname",["app.example.com"]]]`),
				want:  `[{"dimensions":["Facebook"],"metrics":[1]}]`},
			{name: "event:page filter is interpreted as entry_page filter only for bounce_rate",
				events: []pev{{browser: "Chrome", user: user1, path: "/ignore", at: day}, {browser: "Chrome", user: user1, path: "/plausible.io", at: "2021-01-01 00:01:00"},
					{browser: "Chrome", user: user2, path: "/important-page", at: day}, {browser: "Chrome", user: user2, path: "/", at: "2021-01-01 00:01:00"},
					{browser: "Chrome", path: "/plausible.io", at: "2021-01-01 00:01:00"}},
				query: q(`"visitors","bounce_rate"`, `"filters":[["is","event:page",["/plausible.io","/important-page"]]]`, `"dimensions":["visit:browser"]`),
				want:  `[{"dimensions":["Chrome"],"metrics":[3,50]}]`},
			{name: "event:goal pageview filter for breakdown by visit source", goals: [][2]string{{"", "/plausible.io"}},
				events: []pev{{source: "Bing", at: day}, {source: "Google", user: user1, at: day}, {path: "/plausible.io", user: user1, at: day}},
				query:  q(`"visitors"`, `"dimensions":["visit:source"]`, `"filters":[["is","event:goal",["Visit /plausible.io"]]]`),
				want:   `[{"dimensions":["Google"],"metrics":[1]}]`},
			{name: "event:goal custom event filter for breakdown by visit source", goals: [][2]string{{"Register", ""}},
				events: []pev{{source: "Bing", at: day}, {source: "Google", user: user1, at: day}, {name: "Register", user: user1, at: day}},
				query:  q(`"visitors"`, `"dimensions":["visit:source"]`, `"filters":[["is","event:goal",["Register"]]]`),
				want:   `[{"dimensions":["Google"],"metrics":[1]}]`},
			{name: "wildcard pageview goal filter for breakdown by event:page", goals: [][2]string{{"", "/**register"}},
				events: []pev{{path: "/en/register"}, {path: "/en/register", user: user1}, {path: "/en/register", user: user1}, {path: "/123/it/register"}, {path: "/should-not-appear"}},
				query:  q(`"visitors","pageviews"`, `"dimensions":["event:page"]`, `"filters":[["is","event:goal",["Visit /**register"]]]`),
				want:   `[{"dimensions":["/en/register"],"metrics":[2,3]},{"dimensions":["/123/it/register"],"metrics":[1,1]}]`},
			{name: "goal contains filter for goal breakdown", goals: onboardingGoals, events: onboarding,
				query: q(`"visitors"`, `"dimensions":["event:goal"]`, `"filters":[["contains","event:goal",["conversion"]]]`),
				want: `[{"dimensions":["Onboarding conversion: Step 1"],"metrics":[2]},{"dimensions":["Onboarding conversion: Step 2"],"metrics":[1]},` +
					`{"dimensions":["Visit /conversion"],"metrics":[1]}]`},
			{name: "goal contains filter for goal breakdown (case insensitive)", goals: onboardingGoals, events: onboarding,
				query: q(`"visitors"`, `"dimensions":["event:goal"]`, `"filters":[["contains","event:goal",["step"],{"case_sensitive":false}]]`),
				want:  `[{"dimensions":["Onboarding conversion: Step 1"],"metrics":[2]},{"dimensions":["Onboarding conversion: Step 2"],"metrics":[1]}]`},
			{name: "mixed multi-goal filter for breakdown by visit:country", goals: [][2]string{{"", "/**register"}, {"Signup", ""}},
				events: []pev{{country: "EE", path: "/en/register"}, {country: "EE", name: "Signup", path: "/en/register"},
					{country: "US", path: "/123/it/register"}, {country: "US", path: "/different"}},
				query: q(`"visitors","pageviews","events"`, `"dimensions":["visit:country"]`, `"filters":[["is","event:goal",["Signup","Visit /**register"]]]`),
				want:  `[{"dimensions":["EE"],"metrics":[2,1,2]},{"dimensions":["US"],"metrics":[1,1,1]}]`},
			{name: "event:goal custom event filter for breakdown by event page", goals: [][2]string{{"Register", ""}},
				events: []pev{{path: "/en/register", name: "Register"}, {path: "/en/register", name: "Register"}, {path: "/it/register", name: "Register"}},
				query:  q(`"visitors"`, `"dimensions":["event:page"]`, `"filters":[["is","event:goal",["Register"]]]`),
				want:   `[{"dimensions":["/en/register"],"metrics":[2]},{"dimensions":["/it/register"],"metrics":[1]}]`},
			{name: "IN filter for event:page",
				events: []pev{{path: "/ignore", at: day}, {path: "/plausible.io", at: day}, {path: "/plausible.io", at: day}, {path: "/important-page", at: day}},
				query:  q(`"visitors"`, `"dimensions":["event:page"]`, `"filters":[["is","event:page",["/plausible.io","/important-page"]]]`),
				want:   `[{"dimensions":["/plausible.io"],"metrics":[2]},{"dimensions":["/important-page"],"metrics":[1]}]`},
			{name: "IN filter for visit:browser",
				events: []pev{{path: "/ignore", browser: "Firefox", at: day}, {path: "/plausible.io", browser: "Chrome", at: day},
					{path: "/plausible.io", browser: "Safari", at: day}, {path: "/important-page", browser: "Safari", at: day}},
				query: q(`"visitors"`, `"dimensions":["event:page"]`, `"filters":[["is","visit:browser",["Chrome","Safari"]]]`),
				want:  `[{"dimensions":["/plausible.io"],"metrics":[2]},{"dimensions":["/important-page"],"metrics":[1]}]`},
			{name: "IN filter for visit:entry_page", unordered: true,
				events: []pev{{path: "/ignore", at: day}, {path: "/plausible.io", at: day}, {path: "/plausible.io", at: day}, {path: "/important-page", at: day}},
				query:  q(`"bounce_rate"`, `"dimensions":["event:page"]`, `"filters":[["is","event:page",["/plausible.io","/important-page"]]]`),
				want:   `[{"dimensions":["/plausible.io"],"metrics":[100]},{"dimensions":["/important-page"],"metrics":[100]}]`},
			{name: "IN filter for event:name",
				events: []pev{{name: "Signup", at: day}, {name: "Signup", at: day}, {name: "Login", at: day}, {name: "Irrelevant", at: day}},
				query:  q(`"visitors"`, `"dimensions":["event:name"]`, `"filters":[["is","event:name",["Signup","Login"]]]`),
				want:   `[{"dimensions":["Signup"],"metrics":[2]},{"dimensions":["Login"],"metrics":[1]}]`},
			{name: "IN filter for event:name case insensitive",
				events: []pev{{name: "Signup", at: day}, {name: "Signup", at: day}, {name: "Login", at: day}, {name: "Irrelevant", at: day}},
				query:  q(`"visitors"`, `"filters":[["is","event:name",["signup","LOGIN"],{"case_sensitive":false}]]`),
				want:   `[{"dimensions":[],"metrics":[3]}]`},
		}
		// "event:page filter shows sources of sessions that have visited
		// that page", one query per dimension.
		for _, dim := range []string{"visit:source", "visit:utm_medium", "visit:utm_source", "visit:utm_campaign"} {
			cases = append(cases, plausibleCase{name: "event:page filter shows sources of sessions that have visited that page: " + dim,
				events: sources,
				query:  q(`"visitors"`, `"dimensions":["`+dim+`"]`, `"filters":[["is","event:page",["/plausible.io"]]]`),
				want:   `[{"dimensions":["Google"],"metrics":[2]},{"dimensions":["Twitter"],"metrics":[1]}]`})
		}
		runPlausibleCases(t, r, cases)
	})
}

func TestPlausibleQueryMetrics(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		const day = "2021-01-01 00:00:00"
		runPlausibleCases(t, r, []plausibleCase{
			{name: "IN filter for event:props:*",
				events: []pev{{browser: "Chrome", props: props("browser", "Chrome"), at: day}, {browser: "Chrome", props: props("browser", "Chrome"), at: day},
					{browser: "Safari", props: props("browser", "Safari"), at: day}, {browser: "Firefox", props: props("browser", "Firefox"), at: day}},
				query: q(`"visitors"`, `"dimensions":["visit:browser"]`, `"filters":[["is","event:props:browser",["Chrome","Safari"]]]`),
				want:  `[{"dimensions":["Chrome"],"metrics":[2]},{"dimensions":["Safari"],"metrics":[1]}]`},
			{name: "Multiple event:props:* filters",
				events: []pev{{browser: "Chrome", props: props("browser", "Chrome"), at: day}, {browser: "Chrome", props: props("browser", "Chrome", "prop", "xyz"), at: day},
					{browser: "Safari", props: props("browser", "Safari", "prop", "target_value"), at: day},
					{browser: "Chrome", props: props("browser", "Chrome", "prop", "target_value"), at: day},
					{browser: "Firefox", props: props("browser", "Firefox", "prop", "target_value"), at: day}},
				query: q(`"visitors"`, `"dimensions":["visit:browser"]`, `"filters":[["is","event:props:browser",["CHROME","sAFari"],{"case_sensitive":false}],`+
					`["is_not","event:props:browser",["Chrome"],{"case_sensitive":false}],["is","event:props:prop",["target_value"]]]`),
				want: `[{"dimensions":["Safari"],"metrics":[1]}]`},
			{name: "IN filter for event:props:* including (none) value",
				events: []pev{{browser: "Chrome", props: props("browser", "Chrome"), at: day}, {browser: "Chrome", props: props("browser", "Chrome"), at: day},
					{browser: "Safari", at: day}, {browser: "Firefox", props: props("browser", "Firefox"), at: day}},
				query: q(`"visitors"`, `"dimensions":["visit:browser"]`, `"filters":[["is","event:props:browser",["Chrome","(none)"]]]`),
				want:  `[{"dimensions":["Chrome"],"metrics":[2]},{"dimensions":["Safari"],"metrics":[1]}]`},
			{name: "can use a is_not filter",
				events: []pev{{browser: "Chrome"}, {browser: "Safari"}, {browser: "Safari"}, {browser: "Edge"}},
				query:  q(`"visitors"`, `"dimensions":["visit:browser"]`, `"filters":[["is_not","visit:browser",["Chrome"]]]`),
				want:   `[{"dimensions":["Safari"],"metrics":[2]},{"dimensions":["Edge"],"metrics":[1]}]`},
			{name: "all metrics for breakdown by visit prop",
				events: []pev{{user: 1, source: "Google", at: day}, {name: "signup", user: 1, source: "Google", at: "2021-01-01 00:05:00"},
					{user: 1, source: "Google", at: "2021-01-01 00:10:00"}, {source: "Google", at: "2021-01-01 00:25:00"}, {source: "Twitter", at: day}},
				query: q(`"visitors","visits","pageviews","events","bounce_rate","visit_duration"`, `"dimensions":["visit:source"]`),
				want:  `[{"dimensions":["Google"],"metrics":[2,2,3,4,50,300]},{"dimensions":["Twitter"],"metrics":[1,1,1,1,100,0]}]`},
			{name: "metrics=bounce_rate does not add visits to the response",
				events: []pev{{user: 1, path: "/entry-page-1", at: day}, {user: 1, path: "/some-page", at: "2021-01-01 00:10:00"},
					{user: 2, path: "/entry-page-2", source: "Google", at: "2021-01-01 00:05:00"}},
				query: q(`"bounce_rate"`, `"dimensions":["visit:entry_page"]`, `"order_by":[["visit:entry_page","asc"]]`),
				want:  `[{"dimensions":["/entry-page-1"],"metrics":[0]},{"dimensions":["/entry-page-2"],"metrics":[100]}]`},
			{name: "all metrics for breakdown by event prop",
				events: []pev{{user: 1, path: "/", at: day}, {user: 1, path: "/plausible.io", at: "2021-01-01 00:10:00"},
					{path: "/", at: "2021-01-01 00:25:00"}, {path: "/plausible.io", at: day}},
				query: q(`"visitors","visits","pageviews","events","bounce_rate","visit_duration"`, `"dimensions":["event:page"]`, `"order_by":[["event:page","desc"]]`),
				want:  `[{"dimensions":["/plausible.io"],"metrics":[2,2,2,2,100,0]},{"dimensions":["/"],"metrics":[2,2,2,2,50,300]}]`},
			{name: "filtering by custom event property",
				events: []pev{{name: "Purchase", props: props("package", "business"), browser: "Chrome", at: day},
					{name: "Purchase", props: props("package", "business"), browser: "Safari", at: day},
					{name: "Purchase", props: props("package", "business"), browser: "Safari", at: "2021-01-01 00:25:00"},
					{name: "Purchase", props: props("package", "personal"), browser: "IE", at: "2021-01-01 00:25:00"}},
				query: q(`"visitors"`, `"dimensions":["visit:browser"]`, `"filters":[["is","event:name",["Purchase"]],["is","event:props:package",["business"]]]`),
				want:  `[{"dimensions":["Safari"],"metrics":[2]},{"dimensions":["Chrome"],"metrics":[1]}]`},
			{name: "multiple breakdown timeseries with sources",
				events: []pev{{source: "Google", at: day}, {at: "2021-01-02 00:00:00"}, {source: "Google", at: "2021-01-02 00:00:00"},
					{source: "Google", at: "2021-01-02 00:00:00"}, {at: "2021-01-03 00:00:00"}, {at: "2021-01-03 00:00:00"}, {source: "Twitter", at: "2021-01-03 00:00:00"}},
				query: `{"metrics":["visitors"],"date_range":["2021-01-01","2021-01-03"],"dimensions":["time","visit:source"]}`,
				want: `[{"dimensions":["2021-01-01","Google"],"metrics":[1]},{"dimensions":["2021-01-02","Google"],"metrics":[2]},` +
					`{"dimensions":["2021-01-02","Direct / None"],"metrics":[1]},{"dimensions":["2021-01-03","Direct / None"],"metrics":[2]},` +
					`{"dimensions":["2021-01-03","Twitter"],"metrics":[1]}]`},
		})
	})
}

// "using the returned query object in a new POST request: yields the same
// results for a simple aggregate query"
func TestPlausibleQueryEchoAsked(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		s := r.site(t, "Europe/Tallinn")
		s.populate(t, pev{user: user1, at: "2021-01-01 00:00:00"}, pev{user: user1, at: "2021-01-01 00:25:00"}, pev{at: "2021-01-01 00:00:00"})
		status, body := s.query(t, `{"metrics":["pageviews"],"date_range":"all"}`)
		var first struct {
			Results json.RawMessage `json:"results"`
			Query   json.RawMessage `json:"query"`
		}
		if status != 200 || json.Unmarshal([]byte(body), &first) != nil {
			t.Fatalf("%d %s", status, body)
		}
		if got := compactJSON(t, string(first.Results)); got != `[{"dimensions":[],"metrics":[3]}]` {
			t.Fatalf("first: %s", got)
		}
		// The echoed query names the site itself: post it as it is.
		req, _ := http.NewRequest("POST", r.srv.URL+"/api/v2/query", strings.NewReader(string(first.Query)))
		req.Header.Set("Authorization", "Bearer "+r.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var second answer
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || json.Unmarshal(b, &second) != nil {
			t.Fatalf("second: %d %s", resp.StatusCode, b)
		}
		if got := compactJSON(t, string(second.Results)); got != `[{"dimensions":[],"metrics":[3]}]` {
			t.Fatalf("second: %s", got)
		}
	})
}

func TestPlausibleQueryPagination(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		var pages []pev
		for i := 1; i <= 8; i++ {
			pages = append(pages, pev{path: "/" + string(rune('0'+i))})
		}
		page := func(from, to int) string {
			var rows []string
			for i := from; i <= to; i++ {
				rows = append(rows, `{"dimensions":["/`+string(rune('0'+i))+`"],"metrics":[1]}`)
			}
			return "[" + strings.Join(rows, ",") + "]"
		}
		base := q(`"pageviews"`, `"dimensions":["event:page"]`, `"order_by":[["event:page","asc"]]`, `"include":{"total_rows":true}`)
		with := func(p string) string { return strings.TrimSuffix(base, "}") + `,"pagination":` + p + `}` }
		s := r.site(t, "")
		s.populate(t, pages...)
		for _, tc := range []struct{ name, pagination, want string }{
			{"pagination above total count - all results are returned", `{"limit":10}`, page(1, 8)},
			{"pagination with offset (first page)", `{"limit":3}`, page(1, 3)},
			{"pagination with offset (second page)", `{"limit":3,"offset":3}`, page(4, 6)},
			{"pagination with offset (last page)", `{"limit":3,"offset":6}`, page(7, 8)},
			{"pagination with offset (past the end)", `{"limit":3,"offset":9}`, `[]`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := s.query(t, with(tc.pagination))
				var res struct {
					Results json.RawMessage `json:"results"`
					Meta    struct {
						TotalRows int `json:"total_rows"`
					} `json:"meta"`
				}
				if status != 200 || json.Unmarshal([]byte(body), &res) != nil {
					t.Fatalf("%d %s", status, body)
				}
				if got := compactJSON(t, string(res.Results)); got != compactJSON(t, tc.want) {
					t.Errorf("got %s\nwant %s", got, tc.want)
				}
				if tc.want != `[]` && res.Meta.TotalRows != 8 {
					t.Errorf("total_rows %d, want 8", res.Meta.TotalRows)
				}
			})
		}
	})
}
