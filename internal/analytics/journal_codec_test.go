package analytics

import (
	"reflect"
	"testing"
	"time"
)

func TestEventsRoundTripThroughTheJournal(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	evs := []*Event{
		{ServiceID: 7, Zone: ny, Time: time.Date(2026, 12, 4, 10, 0, 0, 123456789, ny), VisitorID: 1 << 62, PrevVisitorID: -5,
			Name: PageviewName, Page: "/apply/é", Hostname: "apply.example.gov", Props: `{"plan":"pro"}`, Revenue: "12.50 GBP",
			Interactive: true, ScrollDepth: -1, EngagedMS: 12345,
			Visit: Visit{Source: "Google", Referrer: "google.com", Channel: "Organic Search", UTMSource: "s", UTMMedium: "m",
				UTMCampaign: "c", UTMTerm: "t", UTMContent: "x", Device: "Desktop", Browser: "Firefox", BrowserVersion: "140",
				OS: "Linux", OSVersion: "6", Country: "GB", Region: "GB-ENG", City: "2643743", CountryName: "United Kingdom",
				RegionName: "England", CityName: "London"}},
		{ServiceID: 8, Zone: time.UTC, Time: time.Unix(0, 0), ScrollDepth: 100},
	}
	d := recordDecoder{zones: map[string]*time.Location{}}
	got, err := d.decode(encodeEvents(evs))
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		if !got[i].Time.Equal(evs[i].Time) || got[i].Zone.String() != evs[i].Zone.String() {
			t.Fatalf("event %d: time or zone changed: %v %v", i, got[i].Time, got[i].Zone)
		}
		g, w := *got[i], *evs[i]
		g.Time, w.Time, g.Zone, w.Zone = time.Time{}, time.Time{}, nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("event %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// TestJournalVersion1 reads a record written before regions and cities
// were kept: the journal a node left before an upgrade.
func TestJournalVersion1(t *testing.T) {
	ev := &Event{ServiceID: 3, Zone: time.UTC, Time: time.Unix(5, 0), Name: PageviewName, Page: "/", Visit: Visit{Country: "EE"}}
	b := encodeEvents([]*Event{ev})
	// Version 2 ends each event with five strings, here empty: one byte each.
	v1 := append([]byte{1}, b[1:len(b)-5]...)
	d := recordDecoder{zones: map[string]*time.Location{}}
	got, err := d.decode(v1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Visit != ev.Visit || got[0].Page != "/" {
		t.Fatalf("got %+v", got)
	}
}

// FuzzRecordDecoder: a journal record that passed its checksum but was
// written by another version, or is damaged, is refused, never a panic or
// a runaway allocation.
func FuzzRecordDecoder(f *testing.F) {
	f.Add(encodeEvents([]*Event{{ServiceID: 1, Zone: time.UTC, Time: time.Unix(1, 0), Name: "pageview"}}))
	f.Add([]byte{journalVersion, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		d := recordDecoder{zones: map[string]*time.Location{}}
		evs, err := d.decode(b)
		if err != nil {
			return
		}
		// What decodes is a valid record's worth of events: written again,
		// it reads back the same.
		again, err := d.decode(encodeEvents(evs))
		if err != nil || len(again) != len(evs) {
			t.Fatalf("re-encoded events do not decode: %v", err)
		}
		for i := range evs {
			if !again[i].Time.Equal(evs[i].Time) || again[i].Name != evs[i].Name || again[i].Visit != evs[i].Visit {
				t.Fatalf("event %d changed through the journal", i)
			}
		}
	})
}
