package enrich

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/liveops/liveops/internal/enrich/geotest"
)

func newGeoEnricher(t *testing.T) *Enricher {
	t.Helper()
	geo, err := OpenGeoDB(geotest.Write(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { geo.Close() })
	e, err := NewWithGeo(geo)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestLocate(t *testing.T) {
	e := newGeoEnricher(t)
	for _, p := range geotest.Places {
		t.Run(p.ExampleIP, func(t *testing.T) {
			got := e.Locate(netip.MustParseAddr(p.ExampleIP))
			want := Place{Country: p.Country, CountryName: p.CountryName, Region: p.Region, RegionName: p.RegionName,
				City: p.City, CityName: p.CityName}
			if got != want {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
	t.Run("IPv4-mapped IPv6", func(t *testing.T) {
		if got := e.Locate(netip.MustParseAddr("::ffff:90.190.12.34")); got.City != "588409" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("not in the database: the country table", func(t *testing.T) {
		ip := netip.MustParseAddr("8.8.8.8")
		got := e.Locate(ip)
		if got != (Place{Country: e.Country(ip)}) || got.Country == "" {
			t.Errorf("got %+v, want only the country %q", got, e.Country(ip))
		}
	})
	for _, ip := range []string{"10.1.2.3", "127.0.0.1", "192.168.1.1", "::1", "fe80::1", "0.0.0.0"} {
		t.Run("no place for "+ip, func(t *testing.T) {
			if got := e.Locate(netip.MustParseAddr(ip)); got != (Place{}) {
				t.Errorf("got %+v", got)
			}
		})
	}
	t.Run("invalid address", func(t *testing.T) {
		if got := e.Locate(netip.Addr{}); got != (Place{}) {
			t.Errorf("got %+v", got)
		}
	})
}

func TestGeoAttribution(t *testing.T) {
	for typ, want := range map[string]string{
		"DBIP-City-Lite":    DBIPAttribution,
		"GeoLite2-City":     GeoLite2Attribution,
		"liveops-Test-City": "Regions and cities from the city database liveops-Test-City.",
	} {
		geo, err := OpenGeoDB(geotest.WriteType(t, typ))
		if err != nil {
			t.Fatal(err)
		}
		if got := geo.Attribution(); got != want {
			t.Errorf("%s: %q, want %q", typ, got, want)
		}
		geo.Close()
	}
}

func TestLocateWithoutGeoDB(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ip := netip.MustParseAddr("90.190.12.34")
	if got := e.Locate(ip); got != (Place{Country: e.Country(ip)}) {
		t.Errorf("got %+v, want the country alone", got)
	}
}

func TestOpenGeoDBRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "not.mmdb")
	if err := os.WriteFile(bad, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(dir, "missing.mmdb")} {
		if g, err := OpenGeoDB(path); err == nil {
			g.Close()
			t.Errorf("OpenGeoDB(%s) opened", path)
		}
	}
}

// FuzzLocate looks up any address: never a panic, and a region or city
// only with a country.
func FuzzLocate(f *testing.F) {
	f.Add([]byte{90, 190, 12, 34})
	f.Add(netip.MustParseAddr("2a02:2e0:3fe:1001::1").AsSlice())
	f.Add([]byte{})
	path := geotest.Write(f)
	geo, err := OpenGeoDB(path)
	if err != nil {
		f.Fatal(err)
	}
	e, err := NewWithGeo(geo)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ip, _ := netip.AddrFromSlice(b)
		p := e.Locate(ip)
		if p.Country == "" && p != (Place{}) {
			t.Errorf("%v: a place without a country: %+v", ip, p)
		}
	})
}
