package enrich

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// The credits the free city databases' licences ask for wherever their
// data is shown: DB-IP's IP to City Lite (CC BY 4.0) and MaxMind's GeoLite2
// (GeoLite2 End User License Agreement).
const (
	DBIPAttribution     = "IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0."
	GeoLite2Attribution = "This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com."
)

// Place is where an address is: each field is empty when unknown.
type Place struct {
	Country     string // ISO 3166-1 alpha-2, "EE"
	CountryName string // in English, "Estonia"
	Region      string // ISO 3166-2, "EE-37": the country and its first subdivision
	RegionName  string // in English, "Harjumaa"
	City        string // the city's GeoNames id in decimal, "588409"
	CityName    string // in English, "Tallinn"
}

// Longest names kept; a database's names are far shorter.
const (
	maxPlaceName = 100
	maxPlaceCode = 12
)

// GeoDB is a city database in MaxMind's format (DB-IP's "IP to City Lite",
// MaxMind's GeoLite2 City) that the operator provides. It is safe for
// concurrent use. Open it with OpenGeoDB and Close it at shutdown.
type GeoDB struct {
	r *maxminddb.Reader
}

// OpenGeoDB opens a .mmdb city database. It fails if the file cannot be
// read or is not a MaxMind DB.
func OpenGeoDB(path string) (*GeoDB, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open city database %s: %w", path, err)
	}
	return &GeoDB{r: r}, nil
}

// Attribution is the credit the database's licence asks for, told by the
// type its metadata names: DB-IP's, MaxMind's GeoLite2, or for any other
// database a credit naming that type.
func (g *GeoDB) Attribution() string {
	t := g.r.Metadata.DatabaseType
	switch {
	case strings.Contains(strings.ToLower(t), "dbip"), strings.Contains(strings.ToLower(t), "db-ip"):
		return DBIPAttribution
	case strings.HasPrefix(t, "GeoLite2"):
		return GeoLite2Attribution
	}
	return "Regions and cities from the city database " + clean(t, maxPlaceName) + "."
}

// Close releases the database's file.
func (g *GeoDB) Close() error { return g.r.Close() }

// cityRecord is the part of a City record liveops reads; DB-IP's and
// MaxMind's share it.
type cityRecord struct {
	City struct {
		GeoNameID uint32            `maxminddb:"geoname_id"`
		Names     map[string]string `maxminddb:"names"`
	} `maxminddb:"city"`
	Country struct {
		ISOCode string            `maxminddb:"iso_code"`
		Names   map[string]string `maxminddb:"names"`
	} `maxminddb:"country"`
	Subdivisions []struct {
		ISOCode string            `maxminddb:"iso_code"`
		Names   map[string]string `maxminddb:"names"`
	} `maxminddb:"subdivisions"`
}

// lookup reads ip's place; a record that does not decode is no place.
func (g *GeoDB) lookup(ip netip.Addr) Place {
	var rec cityRecord
	if err := g.r.Lookup(ip).Decode(&rec); err != nil {
		return Place{}
	}
	var p Place
	if c := strings.ToUpper(rec.Country.ISOCode); validCountry(c) {
		p.Country, p.CountryName = c, clean(rec.Country.Names["en"], maxPlaceName)
	}
	if p.Country == "" {
		return p
	}
	// A database may name a place without its code (a free edition
	// without GeoNames ids or subdivision codes): the name is kept alone.
	if len(rec.Subdivisions) > 0 {
		sub := rec.Subdivisions[0]
		if code := clean(sub.ISOCode, maxPlaceCode); code != "" && !strings.ContainsAny(code, " -") {
			p.Region = p.Country + "-" + strings.ToUpper(code)
		}
		p.RegionName = clean(sub.Names["en"], maxPlaceName)
	}
	if rec.City.GeoNameID != 0 {
		p.City = strconv.FormatUint(uint64(rec.City.GeoNameID), 10)
	}
	p.CityName = clean(rec.City.Names["en"], maxPlaceName)
	return p
}

func validCountry(c string) bool {
	return len(c) == 2 && c != "ZZ" && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// Locate returns where ip is. With a city database (NewWithGeo) it gives
// the country, region and city the database has, falling back to the
// embedded country table for an address the database places in no
// country; without one, only the country, unnamed. Private, reserved and
// unknown addresses have no place. The address itself is kept nowhere.
func (e *Enricher) Locate(ip netip.Addr) Place {
	ip = ip.Unmap()
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return Place{}
	}
	if e.geo != nil {
		if p := e.geo.lookup(ip); p.Country != "" {
			return p
		}
	}
	return Place{Country: e.Country(ip)}
}
