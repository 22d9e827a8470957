package analytics

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestOldSegmentsAreRebuilt: a segment kept by an older liveops (version 1,
// without regions and cities) is not used: the day is built again from the
// raw tables and kept in the current version.
func TestOldSegmentsAreRebuilt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := testService(t, db)
		zone := svc.Location()
		day := time.Date(2026, 5, 1, 0, 0, 0, 0, zone)
		p := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{MaxWait: time.Millisecond})
		defer p.Close(ctx)
		tallinn := Visit{Country: "EE", Region: "EE-37", City: "588409", CountryName: "Estonia", RegionName: "Harjumaa", CityName: "Tallinn"}
		for i, v := range []Visit{tallinn, tallinn, {Country: "FR"}} {
			if err := p.Enqueue(&Event{ServiceID: svc.ID, Zone: zone, Time: day.Add(time.Duration(i+1) * time.Hour), VisitorID: int64(100 + i),
				Name: PageviewName, Page: "/", Hostname: "apply.example.gov", Visit: v, ScrollDepth: -1, EngagedMS: -1}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		start, end := day.UnixMilli(), day.AddDate(0, 0, 1).UnixMilli()
		// What an older version kept for the day: no events at all would
		// be read from it, whatever its columns.
		old := (&colDay{start: start, end: end}).encode()
		old[0] = 1
		if _, err := db.ExecContext(ctx, `INSERT INTO analytics_segments (service_id, day_start, day_end, data) VALUES ($1, $2, $3, $4)`,
			svc.ID, start, end, old); err != nil {
			t.Fatal(err)
		}
		q, err := statsquery.Parse([]byte(`{"site_id":"apply.example.gov","date_range":["2026-05-01","2026-05-01"],"metrics":["visitors"],
			"dimensions":["visit:city","visit:city_name"]}`), zone, day.AddDate(0, 0, 10), svc.CreatedAt.AddDate(-1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		res, err := NewEventStore(db).Stats(ctx, StatsRequest{Service: svc.ID, Query: q, rawOnly: true, columns: true})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(res.Results)
		if want := `[{"metrics":[2],"dimensions":[588409,"Tallinn"]},{"metrics":[1],"dimensions":[0,""]}]`; string(got) != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
		var data []byte
		if err := db.QueryRowContext(ctx, `SELECT data FROM analytics_segments WHERE service_id = $1 AND day_start = $2`, svc.ID, start).Scan(&data); err != nil {
			t.Fatal(err)
		}
		if len(data) == 0 || data[0] != segmentVersion {
			t.Fatalf("the day was not kept again in version %d", segmentVersion)
		}
	})
}
