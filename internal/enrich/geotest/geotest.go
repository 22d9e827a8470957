// Package geotest writes a small city database in MaxMind's format for
// tests, so that no test needs a real one. It is imported by tests only.
package geotest

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// A Place is one network of the test database and where it is.
type Place struct {
	Network                 string // CIDR
	Country, CountryName    string
	Subdivision, RegionName string // the subdivision's code without the country ("37")
	GeoNameID               uint32
	CityName                string
	Region, City            string // what liveops stores: "EE-37", "588409"
	ExampleIP               string // an address in Network
}

// Places are the networks Write stores. The last is named only, without a
// GeoNames id or subdivision code, as a free database may give.
var Places = []Place{
	{Network: "90.190.0.0/16", ExampleIP: "90.190.12.34", Country: "EE", CountryName: "Estonia",
		Subdivision: "37", RegionName: "Harjumaa", GeoNameID: 588409, CityName: "Tallinn", Region: "EE-37", City: "588409"},
	{Network: "85.214.0.0/16", ExampleIP: "85.214.1.2", Country: "DE", CountryName: "Germany",
		Subdivision: "BE", RegionName: "Berlin", GeoNameID: 2950159, CityName: "Berlin", Region: "DE-BE", City: "2950159"},
	{Network: "81.2.69.0/24", ExampleIP: "81.2.69.160", Country: "GB", CountryName: "United Kingdom",
		Subdivision: "ENG", RegionName: "England", GeoNameID: 2643743, CityName: "London", Region: "GB-ENG", City: "2643743"},
	{Network: "24.114.0.0/16", ExampleIP: "24.114.5.6", Country: "CA", CountryName: "Canada",
		Subdivision: "ON", RegionName: "Ontario", GeoNameID: 6058560, CityName: "London", Region: "CA-ON", City: "6058560"},
	{Network: "2a02:2e0::/32", ExampleIP: "2a02:2e0:3fe:1001::1", Country: "DE", CountryName: "Germany",
		Subdivision: "BE", RegionName: "Berlin", GeoNameID: 2950159, CityName: "Berlin", Region: "DE-BE", City: "2950159"},
	{Network: "193.40.0.0/16", ExampleIP: "193.40.1.1", Country: "EE", CountryName: "Estonia",
		RegionName: "Hiiumaa", CityName: "Kärdla"},
}

// Write writes the test database into a temporary directory of t and
// returns its path. Its metadata names its type liveops-Test-City.
func Write(t testing.TB) string {
	t.Helper()
	return WriteType(t, "liveops-Test-City")
}

// WriteType is Write with the database type the metadata names, such as
// DB-IP's "DBIP-City-Lite" or MaxMind's "GeoLite2-City".
func WriteType(t testing.TB, databaseType string) string {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: databaseType, RecordSize: 24})
	if err != nil {
		t.Fatal(err)
	}
	names := func(en string) mmdbtype.Map {
		return mmdbtype.Map{"en": mmdbtype.String(en), "de": mmdbtype.String(en + " (de)")}
	}
	for _, p := range Places {
		_, network, err := net.ParseCIDR(p.Network)
		if err != nil {
			t.Fatal(err)
		}
		city := mmdbtype.Map{"names": names(p.CityName)}
		if p.GeoNameID != 0 {
			city["geoname_id"] = mmdbtype.Uint32(p.GeoNameID)
		}
		sub := mmdbtype.Map{"names": names(p.RegionName)}
		if p.Subdivision != "" {
			sub["iso_code"] = mmdbtype.String(p.Subdivision)
		}
		rec := mmdbtype.Map{
			"city":         city,
			"country":      mmdbtype.Map{"iso_code": mmdbtype.String(p.Country), "names": names(p.CountryName)},
			"subdivisions": mmdbtype.Slice{sub},
			"location":     mmdbtype.Map{"latitude": mmdbtype.Float64(59.4), "longitude": mmdbtype.Float64(24.7)},
		}
		if err := w.Insert(network, rec); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "city.mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
