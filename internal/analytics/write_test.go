package analytics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestWriteUpdatesStoredVisits: a visit's row is inserted by the batch
// that starts it, updated by later ones, and written again whole if it
// went missing in between.
func TestWriteUpdatesStoredVisits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc := testService(t, db)
		p := newPipeline(db, prometheus.NewRegistry(), PipelineOptions{})
		at := fixtureClock(svc.Location())
		view := func(clock, page string) *Event {
			return &Event{ServiceID: svc.ID, Zone: svc.Location(), Time: at(clock), VisitorID: 42, Name: PageviewName,
				Page: page, Hostname: "apply.example.gov", ScrollDepth: -1, EngagedMS: -1, Interactive: true,
				Visit: Visit{Browser: "Firefox", BrowserVersion: "140", Country: "GB"}}
		}
		row := func() (pageviews, events int64, exit string) {
			t.Helper()
			err := db.QueryRowContext(t.Context(), `SELECT s.pageviews, s.events, x.value FROM analytics_sessions s
				JOIN analytics_strings x ON x.id = s.exit_page WHERE s.service_id = $1`, svc.ID).Scan(&pageviews, &events, &exit)
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		for i, step := range []struct {
			ev     *Event
			delete bool // the row goes missing before the batch
			pv     int64
			exit   string
		}{
			{view("10:00", "/"), false, 1, "/"},
			{view("10:01", "/form"), false, 2, "/form"},
			{view("10:02", "/done"), true, 3, "/done"},
			{view("10:03", "/"), false, 4, "/"},
		} {
			if step.delete {
				if _, err := db.ExecContext(t.Context(), `DELETE FROM analytics_sessions WHERE service_id = $1`, svc.ID); err != nil {
					t.Fatal(err)
				}
			}
			p.writeEvents([]*Event{step.ev})
			if pv, events, exit := row(); pv != step.pv || events != step.pv || exit != step.exit {
				t.Errorf("after batch %d: %d page views, %d events, exit %s; want %d, %d, %s", i+1, pv, events, exit, step.pv, step.pv, step.exit)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_sessions WHERE service_id = $1`, svc.ID); n != 1 {
			t.Errorf("%d visits stored, want 1", n)
		}
	})
}

// writeEvents writes evs as one batch, as the writer does with the events
// of the requests it has taken.
func (p *Pipeline) writeEvents(evs []*Event) bool {
	return p.writeBatch([]queued{{evs: evs}}, len(evs))
}
