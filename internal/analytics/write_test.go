package analytics

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
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
		view := func(clock, page, host string) *Event {
			return &Event{ServiceID: svc.ID, Zone: svc.Location(), Time: at(clock), VisitorID: 42, Name: PageviewName,
				Page: page, Hostname: host, ScrollDepth: -1, EngagedMS: -1, Interactive: true,
				Visit: Visit{Browser: "Firefox", BrowserVersion: "140", Country: "GB"}}
		}
		row := func() (pageviews, events int64, exit, exitHost string) {
			t.Helper()
			err := db.QueryRowContext(t.Context(), `SELECT s.pageviews, s.events, x.value, h.value FROM analytics_sessions s
				JOIN analytics_strings x ON x.id = s.exit_page JOIN analytics_strings h ON h.id = s.exit_hostname
				WHERE s.service_id = $1`, svc.ID).Scan(&pageviews, &events, &exit, &exitHost)
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
			{view("10:00", "/", "apply.example.gov"), false, 1, "/"},
			{view("10:01", "/form", "forms.example.gov"), false, 2, "/form"},
			{view("10:02", "/done", "apply.example.gov"), true, 3, "/done"},
			{view("10:03", "/", "www2.example.gov"), false, 4, "/"},
		} {
			if step.delete {
				if _, err := db.ExecContext(t.Context(), `DELETE FROM analytics_sessions WHERE service_id = $1`, svc.ID); err != nil {
					t.Fatal(err)
				}
			}
			p.writeEvents([]*Event{step.ev})
			if pv, events, exit, host := row(); pv != step.pv || events != step.pv || exit != step.exit || host != step.ev.Hostname {
				t.Errorf("after batch %d: %d page views, %d events, exit %s on %s; want %d, %d, %s on %s", i+1, pv, events, exit, host,
					step.pv, step.pv, step.exit, step.ev.Hostname)
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

// TestExitHostnameBackfill: migration 0017 gives the visits stored before
// it the hostname of their last page view, or their entry hostname when
// they have none.
func TestExitHostnameBackfill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc := testService(t, db)
		p := newPipeline(db, prometheus.NewRegistry(), PipelineOptions{})
		at := fixtureClock(svc.Location())
		ev := func(visitor int64, clock, name, host string) *Event {
			return &Event{ServiceID: svc.ID, Zone: svc.Location(), Time: at(clock), VisitorID: visitor, Name: name,
				Page: "/", Hostname: host, ScrollDepth: -1, EngagedMS: -1, Interactive: true}
		}
		p.writeEvents([]*Event{
			ev(1, "10:00", PageviewName, "a.example.gov"), ev(1, "10:01", PageviewName, "b.example.gov"),
			ev(1, "10:02", "Signup", "c.example.gov"),
			ev(2, "10:00", "Signup", "d.example.gov"),
		})
		// As a database of before the migration would have them.
		if _, err := db.ExecContext(t.Context(), `UPDATE analytics_sessions SET exit_hostname = 0`); err != nil {
			t.Fatal(err)
		}
		sql, err := os.ReadFile(filepath.Join("..", "store", "migrations", string(db.Dialect()), "0017_exit_hostname.sql"))
		if err != nil {
			t.Fatal(err)
		}
		_, backfill, _ := strings.Cut(string(sql), "ADD COLUMN exit_hostname INTEGER NOT NULL DEFAULT 0;")
		if _, err := db.ExecContext(t.Context(), backfill); err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(t.Context(), `SELECT s.visitor_id, h.value FROM analytics_sessions s
			JOIN analytics_strings h ON h.id = s.exit_hostname WHERE s.service_id = $1 ORDER BY s.visitor_id`, svc.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var visitor int64
			var host string
			if err := rows.Scan(&visitor, &host); err != nil {
				t.Fatal(err)
			}
			got = append(got, host)
		}
		if want := []string{"b.example.gov", "d.example.gov"}; !slices.Equal(got, want) {
			t.Errorf("exit hostnames %v, want %v", got, want)
		}
	})
}
