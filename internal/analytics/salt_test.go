package analytics

import (
	"bytes"
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestSalts: one salt a day of the service's own, shared by every node
// (here: two salts values over one database), yesterday's kept, older ones
// deleted, and a visitor's id the same all day and new the next.
func TestSalts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ny, _ := time.LoadLocation("America/New_York")
		evening := time.Date(2026, 6, 1, 23, 30, 0, 0, ny) // 03:30 UTC on 2 June
		a, b := newSalts(db), newSalts(db)
		today, yesterday, err := a.pair(ctx, evening, ny)
		if err != nil {
			t.Fatal(err)
		}
		same, _, err := b.pair(ctx, evening.Add(-20*time.Hour), ny) // 03:30 local, 1 June
		if err != nil || !bytes.Equal(today, same) {
			t.Fatal("two nodes, or two times of one local day, got different salts")
		}
		next, prev, err := a.pair(ctx, evening.Add(time.Hour), ny) // 00:30 local, 2 June
		if err != nil || !bytes.Equal(prev, today) || bytes.Equal(next, today) {
			t.Fatal("at the service's midnight the salt must change, and yesterday's be kept")
		}
		if bytes.Equal(today, yesterday) {
			t.Fatal("yesterday's salt is today's")
		}
		ip := netip.MustParseAddr("198.51.100.7")
		id, again := visitorID(today, 1, ip, "ua"), visitorID(today, 1, ip, "ua")
		if id != again || id == visitorID(next, 1, ip, "ua") || id == visitorID(today, 2, ip, "ua") {
			t.Fatal("visitor ids must be stable within a day and a service, and differ across them")
		}
		// A week later, the old salts are gone.
		if _, _, err := a.pair(ctx, evening.AddDate(0, 0, 7), ny); err != nil {
			t.Fatal(err)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT count(*) FROM analytics_salts WHERE day <= '2026-06-02'`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d old salts kept", n)
		}
	})
}
