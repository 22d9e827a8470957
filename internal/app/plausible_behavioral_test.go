package app

import (
	"net/http"
	"testing"
)

// Cases ported from Plausible's
// test/plausible_web/controllers/api/external_stats_controller/query_test.exs,
// describe "behavioral (has_done/has_not_done) filters". Plausible runs
// them against its internal endpoint (/api/v2/query-internal-test); its
// public parser accepts the same filters (the QPB cases in
// internal/statsquery), so liveops answers them at /api/v2/query.
//
// Not ported, and why:
//   - query_imported_test.exs "imports are skipped when has_done/has_not_done
//     filter is used": liveops has no imported data.

// conversionSessions is the traffic of "has_done does counting by
// sessions": visitor 1 in three visits a day apart, visitor 2 in one.
var conversionSessions = []pev{
	{name: "Conversion", user: 1, at: "2021-01-01 00:00:00"}, {user: 1, at: "2021-01-01 00:01:00"},
	{user: 1, at: "2021-01-02 00:00:00"}, {user: 1, at: "2021-01-02 00:01:00"},
	{name: "Conversion", user: 1, at: "2021-01-03 00:00:00"}, {user: 1, at: "2021-01-03 00:01:00"},
	{user: 1, at: "2021-01-03 00:02:00"}, {user: 1, at: "2021-01-03 00:03:00"},
	{name: "Conversion", user: 2, at: "2021-01-01 00:00:00"}, {user: 2, at: "2021-01-01 00:01:00"},
	{user: 2, at: "2021-01-01 00:02:00"}, {user: 2, at: "2021-01-01 00:03:00"}, {user: 2, at: "2021-01-01 00:04:00"},
}

func TestPlausibleQueryBehavioralFilters(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		const day = "2021-01-01 00:00:00"
		blog := []pev{{user: 1, path: "/blog/post/1", at: day}, {user: 1, path: "/", at: day}, {user: 2, path: "/", at: day},
			{user: 3, path: "/blog/post/1", at: day}}
		conversions := []pev{{name: "Conversion", user: 1, at: day}, {name: "Conversion", user: 1, at: day}, {user: 1, at: day},
			{user: 1, at: day}, {user: 1, at: day}, {name: "Conversion", user: 2, at: day}, {user: 2, at: day},
			{name: "Conversion", user: 3, at: day}, {user: 4, at: day}}
		paid := func(user int64, v string) pev {
			return pev{name: "Signup", user: user, at: day, props: props("paid", v)}
		}
		runPlausibleCases(t, r, []plausibleCase{
			{name: "has_done does counting by sessions",
				events: conversionSessions,
				query:  q(`"visitors","visits","events","pageviews"`, `"filters":[["has_done",["is","event:name",["Conversion"]]]]`),
				want:   `[{"dimensions":[],"metrics":[2,3,11,8]}]`},
			{name: "has_done returns all events by users who match condition if no further filters are provided",
				events: []pev{{user: 1, at: day}, {name: "AddToCart", user: 1, at: day}, {name: "Purchase", user: 1, at: day},
					{user: 2, at: day}, {name: "Purchase", user: 2, at: day}, {user: 3, at: day}, {user: 4, at: day},
					{name: "Purchase", user: 5, at: day}},
				query: q(`"visitors","events","pageviews"`, `"filters":[["has_done",["is","event:name",["Purchase"]]]]`),
				want:  `[{"dimensions":[],"metrics":[3,6,2]}]`},
			{name: "has_done event:page filter",
				events: blog,
				query:  q(`"visitors","pageviews"`, `"filters":[["has_done",["contains","event:page",["/blog/"]]]]`),
				want:   `[{"dimensions":[],"metrics":[2,3]}]`},
			{name: "has_not_done event:page filter",
				events: blog,
				query:  q(`"visitors","pageviews"`, `"filters":[["has_not_done",["contains","event:page",["/blog/"]]]]`),
				want:   `[{"dimensions":[],"metrics":[1,1]}]`},
			{name: "has_done with complex event:props and event:name filters",
				events: []pev{{name: "Purchase", user: 1, at: day}, {name: "Purchase", user: 1, at: "2021-01-01 00:10:00"},
					{name: "Purchase", user: 1, at: "2021-01-01 00:20:00"}, {user: 2, at: day}, {name: "Purchase", user: 2, at: "2021-01-01 00:10:00"},
					paid(3, "true"), {user: 3, at: day}, paid(4, "true"), {user: 4, at: day}, paid(5, "false"), {user: 5, at: day}},
				query: q(`"visitors","pageviews"`, `"filters":[["has_done",["or",[["is","event:name",["Purchase"]],`+
					`["and",[["is","event:name",["Signup"]],["is","event:props:paid",["true"]]]]]]]]`),
				want: `[{"dimensions":[],"metrics":[4,3]}]`},
			{name: "has_done event:goal filter",
				goals:  [][2]string{{"Conversion", ""}},
				events: conversions,
				query:  q(`"visitors","pageviews"`, `"filters":[["has_done",["is","event:goal",["Conversion"]]],["is","event:name",["pageview"]]]`),
				want:   `[{"dimensions":[],"metrics":[2,4]}]`},
			{name: "has_not_done event:goal filter",
				goals:  [][2]string{{"Conversion", ""}},
				events: conversions,
				query:  q(`"visitors","pageviews"`, `"filters":[["has_not_done",["is","event:goal",["Conversion"]]],["is","event:name",["pageview"]]]`),
				want:   `[{"dimensions":[],"metrics":[1,1]}]`},
			{name: "visit filters are not allowed with has_done/has_not_done filters",
				query:       q(`"visitors"`, `"dimensions":["visit:browser"]`, `"filters":[["has_done",["is","visit:browser",["Chrome"]]]]`),
				status:      http.StatusBadRequest,
				errContains: "Invalid filters. Behavioral filters (has_done, has_not_done) can only be used with event dimension filters."},

			// liveops' own: the filter keeps whole visits, whatever the
			// table the metrics come from.
			{name: "has_done by visit, grouped by day, with visit metrics",
				events: conversionSessions,
				query: q(`"visitors","visits","bounce_rate","visit_duration"`, `"dimensions":["time:day"]`,
					`"filters":[["has_done",["is","event:name",["Conversion"]]]]`),
				want: `[{"dimensions":["2021-01-01"],"metrics":[2,2,0,150]},{"dimensions":["2021-01-03"],"metrics":[1,1,0,180]}]`},
			{name: "has_not_done by visit, grouped by event:name",
				events: conversionSessions,
				query:  q(`"visitors","events"`, `"dimensions":["event:name"]`, `"filters":[["has_not_done",["is","event:name",["Conversion"]]]]`),
				want:   `[{"dimensions":["pageview"],"metrics":[1,2]}]`},
		})
	})
}
