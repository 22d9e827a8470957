package app

import "testing"

// Cases ported from Plausible's
// test/plausible_web/controllers/api/external_stats_controller/query_goal_dimension_test.exs
// (QueryGoalDimensionTest) and query_goal_custom_props_test.exs
// (QueryGoalCustomPropsTest): each names the test it comes from.
//
// Not ported, and why:
//   - describe "page scroll goals", every test: scroll goals (a page with a
//     scroll_threshold) are not a kind of goal liveops has; its goals are a
//     page pattern or an event name.
//   - QueryGoalCustomPropsTest, all but "goals without custom_props filter
//     match all events": they create goals with custom_props conditions
//     (the goal counts only events whose properties match), which liveops
//     goals do not have.

func TestPlausibleGoalDimension(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		const user = 4321 // @user_id
		runPlausibleCases(t, r, []plausibleCase{
			{name: "returns custom event goals and pageview goals", goals: [][2]string{{"Purchase", ""}, {"", "/test"}},
				events: []pev{{path: "/test", at: "2021-01-01 00:00:01"}, {name: "Purchase", at: "2021-01-01 00:00:03"}, {name: "Purchase", at: "2021-01-01 00:00:03"}},
				query:  q(`"visitors"`, `"dimensions":["event:goal"]`),
				want:   `[{"dimensions":["Purchase"],"metrics":[2]},{"dimensions":["Visit /test"],"metrics":[1]}]`},
			{name: "returns pageview goals containing wildcards", goals: [][2]string{{"", "/**/post"}, {"", "/blog**"}},
				events: []pev{{path: "/blog", user: user}, {path: "/blog/post-1", user: user}, {path: "/blog/post-2", user: user},
					{path: "/blog/something/post"}, {path: "/different/page/post"}},
				query: q(`"visitors","pageviews"`, `"dimensions":["event:goal"]`, `"order_by":[["pageviews","desc"]]`),
				want:  `[{"dimensions":["Visit /blog**"],"metrics":[2,4]},{"dimensions":["Visit /**/post"],"metrics":[2,2]}]`},
			{name: "does not return goals that are not configured for the site",
				events: []pev{{path: "/register"}, {name: "Signup"}},
				query:  q(`"visitors","pageviews"`, `"dimensions":["event:goal"]`),
				want:   `[]`},
			{name: "returns conversion_rate in an event:goal breakdown", goals: [][2]string{{"Signup", ""}, {"", "/blog**"}},
				events: []pev{{name: "Signup", user: 1}, {name: "Signup", user: 1}, {path: "/blog"}, {path: "/blog/post"}, {}},
				query:  q(`"visitors","events","conversion_rate"`, `"dimensions":["event:goal"]`),
				want:   `[{"dimensions":["Visit /blog**"],"metrics":[2,2,50.0]},{"dimensions":["Signup"],"metrics":[1,2,25.0]}]`},
			{name: "returns conversion_rate alone in an event:goal breakdown", goals: [][2]string{{"Signup", ""}},
				events: []pev{{name: "Signup", user: 1}, {}},
				query:  q(`"conversion_rate"`, `"dimensions":["event:goal"]`),
				want:   `[{"dimensions":["Signup"],"metrics":[50.0]}]`},
		})
	})
}

func TestPlausibleGoalCustomProps(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		runPlausibleCases(t, r, []plausibleCase{
			{name: "goals without custom_props filter match all events", goals: [][2]string{{"Signup", ""}},
				events: []pev{{name: "Signup", props: props("source", "google")}, {name: "Signup", props: props("source", "twitter")}, {name: "Signup"}},
				query:  q(`"visitors","events"`, `"filters":[["is","event:goal",["Signup"]]]`),
				want:   `[{"dimensions":[],"metrics":[3,3]}]`},
		})
	})
}
