package analytics

import (
	"bytes"
	"context"
	"fmt"
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
		id, again := visitorID(today, 1, "example.gov", ip, "ua"), visitorID(today, 1, "example.gov", ip, "ua")
		if id != again || id == visitorID(next, 1, "example.gov", ip, "ua") || id == visitorID(today, 2, "example.gov", ip, "ua") ||
			id == visitorID(today, 1, "other.gov", ip, "ua") {
			t.Fatal("visitor ids must be stable within a day, a service and a root domain, and differ across them")
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

// TestPrepareSalts: the hourly job makes the salts of today and tomorrow
// in every zone ahead of time, and deletes the ones no zone needs.
func TestPrepareSalts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSalts(db)
		now := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
		if _, err := s.load(ctx, "2026-06-01", now); err != nil {
			t.Fatal(err)
		}
		if err := s.prepare(ctx, now); err != nil {
			t.Fatal(err)
		}
		var days []string
		rows, err := db.QueryContext(ctx, `SELECT day FROM analytics_salts ORDER BY day`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var d string
			rows.Scan(&d)
			days = append(days, d)
		}
		rows.Close()
		if want := "[2026-06-09 2026-06-10 2026-06-11 2026-06-12]"; fmt.Sprint(days) != want {
			t.Fatalf("salts %v, want %s", days, want)
		}
		// Kiritimati (UTC+14) is already on the 11th: its salt is there.
		kiri, _ := time.LoadLocation("Pacific/Kiritimati")
		today, _, err := s.pair(ctx, now, kiri)
		if err != nil {
			t.Fatal(err)
		}
		var h string
		db.QueryRowContext(ctx, `SELECT salt FROM analytics_salts WHERE day = '2026-06-11'`).Scan(&h)
		if fmt.Sprintf("%x", today) != h {
			t.Fatal("the prepared salt is not the one ingestion uses")
		}
	})
}

func TestRootDomain(t *testing.T) {
	for host, want := range map[string]string{
		"example.gov":                   "example.gov",
		"apply.example.gov":             "example.gov",
		"a.b.example.gov":               "example.gov",
		"apply.example.gov.uk":          "example.gov.uk",
		"example.co.uk":                 "example.co.uk",
		"app.t.co":                      "t.co",
		"localhost":                     "localhost",
		"192.0.2.1":                     "192.0.2.1",
		"[2001:db8::1]":                 "[2001:db8::1]",
		NoHostname:                      NoHostname,
		"liipgellkffekalgefpjolodblggk": "liipgellkffekalgefpjolodblggk",
	} {
		if got := rootDomain(host); got != want {
			t.Errorf("rootDomain(%q) = %q, want %q", host, got, want)
		}
	}
}
