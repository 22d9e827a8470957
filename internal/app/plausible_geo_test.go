package app

import (
	"testing"
)

// Cases on regions and cities ported from Plausible's tests; each names the
// file and test it comes from. Events carry country_code,
// subdivision1_code and city_geoname_id as Plausible's factory sets them;
// the rig adds the names a city database gives (placeNames).
//
// Ported with a change:
//   - query_imported_test.exs "imported country, region and city data" and
//     "imported country and city names": liveops has no imported data, so
//     only the native events are kept, and the counts are theirs alone.
//   - cities_test.exs (PlausibleWeb.Api.StatsController.CitiesTest) asks
//     Plausible's dashboard endpoint /api/stats/:domain/query, whose queries
//     are Stats API v2 queries: the same body is sent to /api/v2/query.
//
// Not ported, and why:
//   - "imported country and city names with complex conditions" and
//     cities_test.exs "does not return missing cities from imported data":
//     their results depend on imported rows.
//   - cities_test.exs "return revenue metrics for cities breakdown":
//     revenue metrics are Enterprise-only in Plausible (ee_only).
//   - regions_test.exs and countries_test.exs: Plausible's older GET
//     dashboard endpoints, not the Stats API.

const (
	queryTest    = "query_test.exs "
	importedTest = "query_imported_test.exs "
	citiesTest   = "cities_test.exs "
)

func TestPlausibleQueryRegionsAndCities(t *testing.T) {
	eachPlausibleEngine(t, func(t *testing.T, r *plausibleRig) {
		at := "2021-01-01 00:15:00"
		berlinTallinn := []pev{
			{at: at, country: "DE", region: "DE-BE", city: 2950159},
			{at: at, country: "DE", region: "DE-BE", city: 2950159},
			{at: at, country: "EE", region: "EE-37", city: 588409},
		}
		londons := []pev{{country: "GB", city: 2643743}, {country: "CA", city: 6058560}}
		tallinnKardla := []pev{
			{country: "EE", region: "EE-37", city: 588409}, {country: "EE", region: "EE-37", city: 588409},
			{country: "EE", region: "EE-37", city: 588409}, {country: "EE", region: "EE-39", city: 591632},
			{country: "EE", region: "EE-39", city: 591632},
		}
		byDim := func(dim string) string { return q(`"visitors"`, `"dimensions":["`+dim+`"]`) }
		cities := func(filters string) string {
			return `{"date_range":"day","metrics":["visitors","percentage"],"dimensions":["visit:city","visit:city_name"],
				"filters":[["is_not","visit:city",[0]]` + filters + `]}`
		}
		runPlausibleCases(t, r, []plausibleCase{
			{name: queryTest + "handles filtering by visit:city",
				events: []pev{{city: 588409}, {city: 689123}, {city: 0}, {city: 10}},
				query:  q(`"pageviews"`, `"filters":[["is","visit:city",[588409,689123]]]`),
				want:   `[{"metrics":[2],"dimensions":[]}]`},
			{name: queryTest + "filtering by visit:country_name, visit:region_name, visit:city_name",
				events: []pev{
					{country: "GB", region: "GB-LND", city: 2643743}, {country: "CA", region: "CA-ON", city: 6058560},
					{country: "EE", region: "EE-37", city: 588409}, {country: "EE", region: "EE-79", city: 588335},
					{country: "EE", region: "EE-50", city: 591902},
				},
				query: q(`"pageviews"`, `"filters":[["is","visit:country_name",["Estonia","United Kingdom"]],
					["is_not","visit:region_name",["Tartumaa"]],["contains","visit:city_name",["n"]]]`,
					`"dimensions":["visit:country_name","visit:region_name","visit:city_name"]`),
				want: `[{"dimensions":["Estonia","Harjumaa","Tallinn"],"metrics":[1]},{"dimensions":["United Kingdom","London","London"],"metrics":[1]}]`},
			{name: importedTest + "imported country, region and city data: visit:country", events: berlinTallinn,
				query: byDim("visit:country"), want: `[{"dimensions":["DE"],"metrics":[2]},{"dimensions":["EE"],"metrics":[1]}]`},
			{name: importedTest + "imported country, region and city data: visit:region", events: berlinTallinn,
				query: byDim("visit:region"), want: `[{"dimensions":["DE-BE"],"metrics":[2]},{"dimensions":["EE-37"],"metrics":[1]}]`},
			{name: importedTest + "imported country, region and city data: visit:city", events: berlinTallinn,
				query: byDim("visit:city"), want: `[{"dimensions":[2950159],"metrics":[2]},{"dimensions":[588409],"metrics":[1]}]`},
			{name: importedTest + "imported country, region and city data: visit:country_name", events: berlinTallinn,
				query: byDim("visit:country_name"), want: `[{"dimensions":["Germany"],"metrics":[2]},{"dimensions":["Estonia"],"metrics":[1]}]`},
			{name: importedTest + "imported country, region and city data: visit:region_name", events: berlinTallinn,
				query: byDim("visit:region_name"), want: `[{"dimensions":["Berlin"],"metrics":[2]},{"dimensions":["Harjumaa"],"metrics":[1]}]`},
			{name: importedTest + "imported country, region and city data: visit:city_name", events: berlinTallinn,
				query: byDim("visit:city_name"), want: `[{"dimensions":["Berlin"],"metrics":[2]},{"dimensions":["Tallinn"],"metrics":[1]}]`},
			// Two cities of one name are one row of a breakdown by name.
			{name: importedTest + "imported country and city names: visit:city_name", events: londons,
				query: byDim("visit:city_name"), want: `[{"dimensions":["London"],"metrics":[2]}]`},
			{name: importedTest + "imported country and city names: visit:city_name and visit:country_name", events: londons,
				query:     q(`"visitors"`, `"dimensions":["visit:city_name","visit:country_name"]`),
				want:      `[{"dimensions":["London","United Kingdom"],"metrics":[1]},{"dimensions":["London","Canada"],"metrics":[1]}]`,
				unordered: true},
			{name: citiesTest + "returns top cities by visitors", events: tallinnKardla, query: cities(""),
				want: `[{"dimensions":[588409,"Tallinn"],"metrics":[3,60.0]},{"dimensions":[591632,"Kärdla"],"metrics":[2,40.0]}]`},
			{name: citiesTest + "when list is filtered returns one city only", events: tallinnKardla,
				query: cities(`,["is","visit:city",[591632]]`),
				want:  `[{"dimensions":[591632,"Kärdla"],"metrics":[2,100.0]}]`},
		})
	})
}
