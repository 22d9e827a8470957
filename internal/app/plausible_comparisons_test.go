package app

import (
	"encoding/json"
	"testing"
	"time"
)

// Cases ported from Plausible's
// test/plausible_web/controllers/api/external_stats_controller/query_comparisons_test.exs
// (PlausibleWeb.Api.ExternalStatsController.QueryComparisonsTest), in two
// forms: "(internal)" cases from its current form, which asks
// /api/v2/query-internal-test, and "(public)" cases from its earlier form,
// which asked /api/v2/query. liveops answers both at /api/v2/query.
//
// Ported with a change:
//   - "timeseries last 91d period in year_over_year comparison" asks
//     "91d" with Plausible's internal "date" parameter set to 2022-07-01;
//     liveops has no "date" parameter, so the same days are asked as a
//     date_range.
//   - "timeseries last 28d period compares the same period with and
//     without match_day_of_week=true" runs on today's date, which its
//     "date" parameter stands for.
//
// Not ported: "dimensional comparison with imported data" (liveops has no
// imported data).

func TestPlausibleQueryComparisons(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		const prev = `"include":{"comparisons":{"mode":"previous_period"}}`
		at := func(ts ...string) []pev {
			var out []pev
			for _, s := range ts {
				out = append(out, pev{at: s})
			}
			return out
		}
		browsers := []pev{
			{browser: "Firefox", at: "2021-01-01 00:00:00"}, {browser: "Firefox", at: "2021-01-01 00:00:00"},
			{browser: "Firefox", at: "2021-01-01 00:00:00"}, {browser: "Firefox", at: "2021-01-01 00:00:00"},
			{browser: "Safari", at: "2021-01-01 00:00:00"}, {browser: "Safari", at: "2021-01-01 00:00:00"},
			{browser: "Safari", at: "2021-01-01 00:00:00"}, {browser: "Chrome", at: "2021-01-01 00:00:00"},
			{browser: "Chrome", at: "2021-01-07 00:00:00"}, {browser: "Chrome", at: "2021-01-07 00:00:00"},
			{browser: "Chrome", at: "2021-01-07 00:00:00"}, {browser: "Firefox", at: "2021-01-07 00:00:00"},
			{browser: "Firefox", at: "2021-01-07 00:00:00"}, {browser: "Safari", at: "2021-01-08 00:00:00"},
		}
		june := at("2021-05-27 00:00:00", "2021-05-28 00:00:00", "2021-05-30 00:00:00", "2021-05-30 00:00:00", "2021-05-31 00:00:00",
			"2021-06-01 00:00:00", "2021-06-02 00:00:00", "2021-06-02 00:00:00", "2021-06-03 00:00:00")
		row := func(day string, n int, cday string, cn, ch int) string {
			b, _ := json.Marshal(map[string]any{"dimensions": []string{day}, "metrics": []int{n},
				"comparison": map[string]any{"dimensions": []string{cday}, "metrics": []int{cn}, "change": []int{ch}}})
			return string(b)
		}
		runPlausibleCases(t, r, []plausibleCase{
			{name: "aggregates a single metric (internal)",
				events: at("2021-01-01 00:00:00", "2021-01-01 00:25:00", "2021-01-02 00:00:00", "2021-01-07 00:00:00"),
				query:  q(`"pageviews"`, `"date_range":["2021-01-07","2021-01-13"]`, prev),
				want:   `[{"dimensions":[],"metrics":[1],"comparison":{"change":[-67],"dimensions":[],"metrics":[3]}}]`},
			{name: "timeseries comparison (internal)",
				events: at("2021-01-01 00:00:00", "2021-01-01 00:25:00", "2021-01-06 00:00:00", "2021-01-07 00:00:00", "2021-01-08 00:00:00"),
				query:  q(`"pageviews"`, `"date_range":["2021-01-07","2021-01-13"]`, `"dimensions":["time:day"]`, prev),
				want: "[" + row("2021-01-07", 1, "2020-12-31", 0, 100) + "," + row("2021-01-08", 1, "2021-01-01", 2, -50) + "," +
					row("2021-01-09", 0, "2021-01-02", 0, 0) + "," + row("2021-01-10", 0, "2021-01-03", 0, 0) + "," +
					row("2021-01-11", 0, "2021-01-04", 0, 0) + "," + row("2021-01-12", 0, "2021-01-05", 0, 0) + "," +
					row("2021-01-13", 0, "2021-01-06", 1, -100) + "]"},
			{name: "dimensional comparison with low limit (internal)",
				events: browsers,
				query: q(`"visitors","percentage"`, `"date_range":["2021-01-07","2021-01-13"]`, `"dimensions":["visit:browser"]`, prev,
					`"pagination":{"limit":2}`),
				want: `[{"dimensions":["Chrome"],"metrics":[3,50.0],"comparison":{"dimensions":["Chrome"],"metrics":[1,12.5],"change":[200,300]}},
					{"dimensions":["Firefox"],"metrics":[2,33.3],"comparison":{"dimensions":["Firefox"],"metrics":[4,50.0],"change":[-50,-33]}}]`},
			{name: "dimensional comparison with low limit, second page (internal)",
				events: browsers,
				query: q(`"visitors","percentage"`, `"date_range":["2021-01-07","2021-01-13"]`, `"dimensions":["visit:browser"]`, prev,
					`"pagination":{"limit":2,"offset":2}`),
				want: `[{"dimensions":["Safari"],"metrics":[1,16.7],"comparison":{"dimensions":["Safari"],"metrics":[3,37.5],"change":[-67,-55]}}]`},
			{name: "aggregate previous_period comparison (public)",
				events: at("2021-04-20 00:00:00", "2021-05-01 00:00:00", "2021-05-02 00:00:00", "2021-05-03 00:00:00"),
				query:  q(`"pageviews"`, `"date_range":["2021-05-01","2021-05-31"]`, prev),
				want:   `[{"dimensions":[],"metrics":[3],"comparison":{"dimensions":[],"metrics":[1],"change":[200]}}]`},
			{name: "utm_source previous_period comparison (public)",
				events: []pev{{at: "2021-04-20 00:00:00", utmSrc: "Google"}, {at: "2021-04-21 00:00:00", utmSrc: "Google"},
					{at: "2021-04-22 00:00:00", utmSrc: "Google"}, {at: "2021-04-23 00:00:00", utmSrc: "Google"},
					{at: "2021-04-24 00:00:00", utmSrc: "Bing"}, {at: "2021-05-01 00:00:00", utmSrc: "Google"}, {at: "2021-05-02 00:00:00"},
					{at: "2021-05-03 00:00:00", utmSrc: "Facebook"}, {at: "2021-05-04 00:00:00", utmSrc: "Google"}},
				query: q(`"pageviews"`, `"date_range":["2021-05-01","2021-05-31"]`, `"dimensions":["visit:utm_source"]`, prev),
				// Facebook and (not set) tie; Plausible's order between them is the store's.
				unordered: true,
				want: `[{"dimensions":["Google"],"metrics":[2],"comparison":{"dimensions":["Google"],"metrics":[4],"change":[-50]}},
					{"dimensions":["Facebook"],"metrics":[1],"comparison":{"dimensions":["Facebook"],"metrics":[0],"change":[100]}},
					{"dimensions":["(not set)"],"metrics":[1],"comparison":{"dimensions":["(not set)"],"metrics":[0],"change":[100]}}]`},
			{name: "time series previous_period comparison (public)",
				events: june,
				query:  q(`"pageviews"`, `"date_range":["2021-06-01","2021-06-04"]`, `"dimensions":["time:day"]`, prev),
				want: "[" + row("2021-06-01", 1, "2021-05-28", 1, 0) + "," + row("2021-06-02", 2, "2021-05-29", 0, 100) + "," +
					row("2021-06-03", 1, "2021-05-30", 2, -50) + "," + row("2021-06-04", 0, "2021-05-31", 1, -100) + "]"},
			{name: "time series previous_period comparison with match_day_of_week (public)",
				events: june,
				query: q(`"pageviews"`, `"date_range":["2021-06-01","2021-06-04"]`, `"dimensions":["time:day"]`,
					`"include":{"comparisons":{"mode":"previous_period","match_day_of_week":true}}`),
				want: "[" + row("2021-06-01", 1, "2021-05-25", 0, 100) + "," + row("2021-06-02", 2, "2021-05-26", 0, 100) + "," +
					row("2021-06-03", 1, "2021-05-27", 1, 0) + "," + row("2021-06-04", 0, "2021-05-28", 1, -100) + "]"},
			{name: "time series custom date range comparison (public)",
				events: at("2021-05-01 00:00:00", "2021-05-02 00:00:00", "2021-05-03 00:00:00", "2021-05-03 00:00:00", "2021-05-04 00:00:00",
					"2021-06-01 00:00:00", "2021-06-02 00:00:00", "2021-06-02 00:00:00", "2021-06-03 00:00:00"),
				query: q(`"pageviews"`, `"date_range":["2021-06-01","2021-06-04"]`, `"dimensions":["time:day"]`,
					`"include":{"comparisons":{"mode":"custom","date_range":["2021-05-01","2021-05-04"]}}`),
				want: "[" + row("2021-06-01", 1, "2021-05-01", 1, 0) + "," + row("2021-06-02", 2, "2021-05-02", 1, 100) + "," +
					row("2021-06-03", 1, "2021-05-03", 2, -50) + "," + row("2021-06-04", 0, "2021-05-04", 1, -100) + "]"},

			// liveops' own, for Plausible's rule of change (Plausible.Stats.Compare).
			{name: "bounce rate changes by its difference in points, visits by percent",
				events: []pev{{user: 1, at: "2021-01-01 00:00:00"}, {user: 1, at: "2021-01-01 00:05:00"}, {user: 2, at: "2021-01-01 00:00:00"},
					{user: 3, at: "2021-01-08 00:00:00"}},
				query: q(`"bounce_rate","visits"`, `"date_range":["2021-01-08","2021-01-14"]`, prev),
				want:  `[{"dimensions":[],"metrics":[100,1],"comparison":{"dimensions":[],"metrics":[50,2],"change":[50,-50]}}]`},
			{name: "bounce rate has no change from a period without visits",
				events: []pev{{user: 3, at: "2021-01-08 00:00:00"}},
				query:  q(`"bounce_rate","visitors"`, `"date_range":["2021-01-08","2021-01-14"]`, prev),
				want:   `[{"dimensions":[],"metrics":[100,1],"comparison":{"dimensions":[],"metrics":[0,0],"change":[null,100]}}]`},
			{name: "conversion rate changes by its difference, to one decimal",
				goals: [][2]string{{"Signup", ""}},
				events: []pev{{user: 1, at: "2021-01-01 00:00:00"}, {user: 2, at: "2021-01-01 00:00:00"}, {user: 3, at: "2021-01-01 00:00:00"},
					{name: "Signup", user: 3, at: "2021-01-01 00:01:00"}, {user: 4, at: "2021-01-08 00:00:00"}, {user: 5, at: "2021-01-08 00:00:00"},
					{name: "Signup", user: 5, at: "2021-01-08 00:01:00"}},
				query: q(`"visitors","conversion_rate"`, `"date_range":["2021-01-08","2021-01-14"]`, `"filters":[["is","event:goal",["Signup"]]]`, prev),
				want:  `[{"dimensions":[],"metrics":[1,50.0],"comparison":{"dimensions":[],"metrics":[1,33.33],"change":[0,16.7]}}]`},
		})

		// Cases that assert some rows only.
		pick := func(t *testing.T, results string) map[string]string {
			t.Helper()
			var rows []json.RawMessage
			if err := json.Unmarshal([]byte(results), &rows); err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, raw := range rows {
				var row struct{ Dimensions []string }
				json.Unmarshal(raw, &row)
				out[row.Dimensions[0]] = compactJSON(t, string(raw))
			}
			return out
		}
		t.Run("time series year_over_year comparison (public)", func(t *testing.T) {
			s := r.site(t, "")
			s.populate(t, at("2020-01-01 00:00:00", "2020-01-05 00:00:00", "2020-01-30 00:00:00", "2020-01-31 00:00:00",
				"2019-01-01 00:00:00", "2019-01-01 00:00:00", "2019-01-05 00:00:00", "2019-01-05 00:00:00", "2019-01-31 00:00:00")...)
			got := pick(t, s.results(t, q(`"pageviews"`, `"date_range":["2020-01-01","2020-01-31"]`, `"dimensions":["time:day"]`,
				`"include":{"comparisons":{"mode":"year_over_year"}}`)))
			for day, want := range map[string]string{"2020-01-01": row("2020-01-01", 1, "2019-01-01", 2, -50),
				"2020-01-05": row("2020-01-05", 1, "2019-01-05", 2, -50), "2020-01-31": row("2020-01-31", 1, "2019-01-31", 1, 0)} {
				if got[day] != compactJSON(t, want) {
					t.Errorf("%s:\n got  %s\n want %s", day, got[day], compactJSON(t, want))
				}
			}
		})
		t.Run("timeseries last 91d period in year_over_year comparison (internal)", func(t *testing.T) {
			s := r.site(t, "")
			s.populate(t, at("2021-04-01 00:00:00", "2021-04-01 00:00:00", "2021-04-05 00:00:00", "2021-04-05 00:00:00",
				"2021-06-30 00:00:00", "2022-04-01 00:00:00", "2022-04-05 00:00:00", "2022-06-30 00:00:00", "2022-07-01 00:00:00")...)
			a := s.answer(t, q(`"visitors"`, `"date_range":["2022-04-01","2022-06-30"]`, `"dimensions":["time:day"]`,
				`"include":{"time_labels":true,"comparisons":{"mode":"year_over_year"}}`))
			var labels []string
			json.Unmarshal(a.Meta.TimeLabels, &labels)
			if len(labels) != 91 || labels[0] != "2022-04-01" || labels[4] != "2022-04-05" || labels[90] != "2022-06-30" {
				t.Errorf("time labels %v", labels)
			}
			got := pick(t, string(a.Results))
			for day, want := range map[string]string{"2022-04-01": row("2022-04-01", 1, "2021-04-01", 2, -50),
				"2022-04-05": row("2022-04-05", 1, "2021-04-05", 2, -50), "2022-06-30": row("2022-06-30", 1, "2021-06-30", 1, 0)} {
				if got[day] != compactJSON(t, want) {
					t.Errorf("%s:\n got  %s\n want %s", day, got[day], compactJSON(t, want))
				}
			}
		})
		t.Run("timeseries last 28d period compares the same period with and without match_day_of_week=true (internal)", func(t *testing.T) {
			s := r.site(t, "")
			ask := func(match bool) []struct {
				Dimensions []string
				Comparison struct{ Dimensions []string }
			} {
				m := "false"
				if match {
					m = "true"
				}
				var rows []struct {
					Dimensions []string
					Comparison struct{ Dimensions []string }
				}
				res := s.results(t, q(`"visitors"`, `"date_range":"28d"`, `"dimensions":["time"]`,
					`"include":{"time_labels":true,"comparisons":{"mode":"previous_period","match_day_of_week":`+m+`}}`))
				json.Unmarshal([]byte(res), &rows)
				return rows
			}
			plain, matched := ask(false), ask(true)
			if len(plain) != 28 || len(matched) != 28 {
				t.Fatalf("%d and %d rows, want 28", len(plain), len(matched))
			}
			today := time.Now().UTC()
			day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
			for _, rows := range [][]struct {
				Dimensions []string
				Comparison struct{ Dimensions []string }
			}{plain, matched} {
				first, last := rows[0], rows[27]
				if first.Dimensions[0] != day(-28) || last.Dimensions[0] != day(-1) ||
					first.Comparison.Dimensions[0] != day(-56) || last.Comparison.Dimensions[0] != day(-29) {
					t.Errorf("first %v → %v, last %v → %v; want %s → %s, %s → %s", first.Dimensions, first.Comparison.Dimensions,
						last.Dimensions, last.Comparison.Dimensions, day(-28), day(-56), day(-1), day(-29))
				}
			}
		})
	})
}
