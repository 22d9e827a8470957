package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestColumnEngineMatchesSQL: on random traffic, random queries answer the
// same from columns as from the SQL engine, on both stores.
func TestColumnEngineMatchesSQL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := testService(t, db)
		p := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{MaxBatch: 500, MaxWait: time.Millisecond})
		defer p.Close(ctx)
		rng := rand.New(rand.NewPCG(7, 11))
		zone := svc.Location()
		start := time.Date(2026, 5, 1, 0, 0, 0, 0, zone)
		pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
		pages := []string{"/", "/apply", "/apply/form", "/apply/done", "/help", "/blog/a", "/blog/b", "/en/start"}
		// Places as a city database gives them: two cities named London,
		// and one named without codes.
		places := []Visit{{Country: "EE", Region: "EE-37", City: "588409", CountryName: "Estonia", RegionName: "Harjumaa", CityName: "Tallinn"},
			{Country: "GB", Region: "GB-ENG", City: "2643743", CountryName: "United Kingdom", RegionName: "England", CityName: "London"},
			{Country: "CA", Region: "CA-ON", City: "6058560", CountryName: "Canada", RegionName: "Ontario", CityName: "London"},
			{Country: "EE", CountryName: "Estonia", RegionName: "Hiiumaa", CityName: "Kärdla"}, {Country: "FR"}, {}}
		var evs []*Event
		for v := range 300 {
			visitor := int64(1000 + v)
			at := start.Add(time.Duration(rng.IntN(5*24*60)) * time.Minute)
			visits := 1 + rng.IntN(3)
			for range visits {
				visit := Visit{Source: pick("", "Google", "Bing", "Twitter"), Channel: pick("Direct", "Organic Search", "Referral"),
					UTMCampaign: pick("", "", "spring", "autumn"), UTMMedium: pick("", "email", "social"),
					Device: pick("Desktop", "Mobile", "Tablet", ""), Browser: pick("Firefox", "Chrome", "Safari", ""),
					BrowserVersion: pick("1", "2"), OS: pick("Linux", "iOS", "Windows")}
				pl := places[rng.IntN(len(places))]
				visit.Country, visit.Region, visit.City = pl.Country, pl.Region, pl.City
				visit.CountryName, visit.RegionName, visit.CityName = pl.CountryName, pl.RegionName, pl.CityName
				host := pick("apply.example.gov", "www2.example.gov")
				for range 1 + rng.IntN(6) {
					at = at.Add(time.Duration(rng.IntN(20*60)) * time.Second)
					if rng.IntN(4) == 0 {
						// Visits that move between hosts, so exit and entry hostnames differ.
						host = pick("apply.example.gov", "www2.example.gov", "help.example.gov")
					}
					ev := &Event{ServiceID: svc.ID, Zone: zone, Time: at, VisitorID: visitor, Name: PageviewName, Page: pick(pages...),
						Hostname: host, Visit: visit, ScrollDepth: -1, EngagedMS: -1}
					switch rng.IntN(6) {
					case 0:
						ev.Name, ev.Interactive = pick("Signup", "Download"), true
						ev.Props = pick(`{"plan":"pro"}`, `{"plan":"free","n":"2"}`, `{"n":"3"}`, "")
					case 1:
						ev.Name, ev.ScrollDepth, ev.EngagedMS = EngagementName, rng.IntN(101), int64(rng.IntN(60000))
					case 2:
						ev.Props = pick(`{"author":"ann"}`, `{"author":"bob"}`)
					}
					evs = append(evs, ev)
				}
				at = at.Add(time.Duration(31+rng.IntN(600)) * time.Minute)
			}
		}
		slices.SortStableFunc(evs, func(a, b *Event) int { return a.Time.Compare(b.Time) })
		for _, ev := range evs {
			if err := p.Enqueue(ev); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		events := NewEventStore(db)
		g := &testGoals{events: events, list: []testGoal{{name: "Download"}, {page: "/apply/done"}, {name: "Signup"}}}
		leaves := []string{
			`["is","visit:source",["Google","Direct / None"]]`, `["is_not","visit:browser",["Chrome"]]`, `["contains","event:page",["apply"]]`,
			`["matches","event:page",["^/blog"]]`, `["is","visit:country",["GB"]]`, `["is","visit:entry_page",["/"]]`,
			`["is_not","visit:exit_page",["/help"]]`, `["is","event:hostname",["apply.example.gov"]]`, `["is","event:name",["Signup"]]`,
			`["is","event:props:plan",["pro"]]`, `["is_not","event:props:plan",["free"]]`, `["contains_not","event:props:author",["a"]]`,
			`["is","event:goal",["Download","Visit /apply/done"]]`, `["is","visit:device",["(not set)"]]`, `["is","visit:utm_campaign",["spring"]]`,
			`["is","visit:entry_page_hostname",["www2.example.gov"]]`, `["is","visit:channel",["Referral"]]`,
			`["is","event:page",["/nowhere"]]`, `["is","event:props:plan",["none-such"]]`,
			`["is","visit:exit_page_hostname",["help.example.gov"]]`, `["contains","visit:exit_page_hostname",["www2"]]`,
			`["is","visit:screen",["Mobile","(not set)"]]`, `["is_not","visit:screen",["Desktop"]]`,
			`["is","visit:city",[588409]]`, `["is_not","visit:city",[0]]`, `["is","visit:region",["EE-37","CA-ON"]]`,
			`["contains","visit:city_name",["Lon"]]`, `["is","visit:country_name",["Estonia"]]`, `["is_not","visit:region_name",[""]]`,
		}
		var eventLeaves []string
		for _, l := range leaves {
			if strings.Contains(l, `"event:`) {
				eventLeaves = append(eventLeaves, l)
			}
		}
		behavioral := func() string {
			inner := pick(eventLeaves...)
			if rng.IntN(3) == 0 {
				inner = `["or",[` + inner + `,` + pick(eventLeaves...) + `]]`
			}
			return `["` + pick("has_done", "has_not_done") + `",` + inner + `]`
		}
		filter := func() string {
			switch rng.IntN(7) {
			case 0:
				return ""
			case 1:
				return `[["or",[` + pick(leaves...) + `,` + pick(leaves...) + `]]]`
			case 2:
				return `[["not",` + pick(leaves...) + `]]`
			case 3:
				return `[` + behavioral() + `]`
			case 4:
				return `[` + behavioral() + `,["or",[` + pick(leaves...) + `,["not",` + behavioral() + `]]]]`
			}
			f := []string{pick(leaves...)}
			if rng.IntN(2) == 0 {
				f = append(f, pick(leaves...))
			}
			return "[" + strings.Join(f, ",") + "]"
		}
		dimSets := [][]string{nil, {"event:page"}, {"visit:source"}, {"visit:entry_page"}, {"visit:exit_page"}, {"event:name"},
			{"time:day"}, {"time:hour"}, {"visit:browser", "visit:os"}, {"event:props:plan"}, {"event:goal"}, {"visit:country", "time:day"},
			{"event:hostname"}, {"visit:entry_page_hostname"}, {"event:page", "visit:device"},
			{"visit:region"}, {"visit:city"}, {"visit:city_name", "visit:country_name"}, {"visit:region_name"}, {"visit:city_name"},
			{"visit:exit_page_hostname"}, {"visit:entry_page_hostname", "visit:exit_page_hostname"}, {"visit:screen"},
			{"visit:exit_page", "visit:screen"}}
		metricSets := []string{`"visitors","visits","pageviews","events"`, `"visitors","bounce_rate","visit_duration","views_per_visit"`,
			`"visitors","percentage"`, `"visitors","conversion_rate"`, `"visitors","scroll_depth","time_on_page"`, `"events","visits"`}
		ranges := []string{`["2026-05-01","2026-05-06"]`, `["2026-05-02","2026-05-02"]`, `["2026-05-03","2026-05-05"]`}
		now := start.Add(10 * 24 * time.Hour)
		compared, comparedBehavioral, comparedComparisons := 0, 0, 0
		for i := range 500 {
			dims := dimSets[rng.IntN(len(dimSets))]
			body := `{"site_id":"apply.example.gov","date_range":` + pick(ranges...) + `,"metrics":[` + pick(metricSets...) + `]`
			if len(dims) > 0 {
				body += `,"dimensions":["` + strings.Join(dims, `","`) + `"]`
			}
			if f := filter(); f != "" {
				body += `,"filters":` + f
			}
			if rng.IntN(4) == 0 {
				// Both engines answer the compared period too.
				body += `,"include":{"comparisons":` + pick(`{"mode":"previous_period"}`, `{"mode":"previous_period","match_day_of_week":true}`,
					`{"mode":"custom","date_range":`+pick(ranges...)+`}`) + `}`
			}
			body += `}`
			q, err := statsquery.Parse([]byte(body), zone, now, svc.CreatedAt.Add(-365*24*time.Hour))
			if err != nil {
				continue // a combination the API refuses
			}
			ask := func(columns bool) (string, error) {
				r := StatsRequest{Service: svc.ID, Query: q, rawOnly: true, columns: columns}
				if usesGoals(q) {
					r.Goals, _ = g.StatsGoals(ctx, svc.ID)
				}
				res, err := events.Stats(ctx, r)
				if err != nil {
					return "", err
				}
				b, _ := json.Marshal(res.Results)
				return string(b), nil
			}
			want, errSQL := ask(false)
			got, errCol := ask(true)
			if fmt.Sprint(errSQL) != fmt.Sprint(errCol) {
				t.Fatalf("query %d %s\nSQL error %v\ncolumns error %v", i, body, errSQL, errCol)
			}
			if got != want {
				t.Fatalf("query %d %s\nSQL     %s\ncolumns %s", i, body, want, got)
			}
			if errSQL == nil && want != "[]" {
				compared++
				if strings.Contains(body, "has_") {
					comparedBehavioral++
				}
				if strings.Contains(body, "comparisons") {
					comparedComparisons++
				}
			}
		}
		// The custom properties panel's names, for whole days and for a
		// range that starts and ends within days.
		ev := events.(*sqlEvents)
		for _, r := range [][2]time.Time{{start, start.Add(6 * 24 * time.Hour)}, {start.Add(30 * time.Hour), start.Add(75 * time.Hour)}} {
			for _, limit := range []int{1, 100} {
				want, err := ev.sqlPropNames(ctx, svc.ID, r[0], r[1], limit)
				if err != nil {
					t.Fatal(err)
				}
				got, err := ev.colPropNames(ctx, svc.ID, statsquery.DateRange{From: r[0], To: r[1], Location: zone}, limit)
				if err != nil || !slices.Equal(got, want) || len(want) != min(limit, 3) {
					t.Fatalf("property names of %v, at most %d: columns %q (%v), SQL %q", r, limit, got, err, want)
				}
			}
		}
		if compared < 150 || comparedBehavioral < 40 || comparedComparisons < 25 {
			t.Fatalf("only %d queries compared with results, %d of them with has_done or has_not_done, %d with comparisons",
				compared, comparedBehavioral, comparedComparisons)
		}
	})
}
