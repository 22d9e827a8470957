package demo

import (
	"net/url"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/enrich"
)

// userAgents are the browsers of the service's visitors, weighted in
// thousandths to about 45 % desktop, 48 % mobile and 7 % tablet, as a UK
// public service sees them. Versions are those of late 2026, as in
// cmd/loadgen/useragents.txt; Chrome and Edge freeze their minor versions
// and Android version, Safari on iOS 26 and later the OS version, so that
// is what the enricher reads from them.
var userAgents = []weighted[string]{
	// Desktop: 450
	{120, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 Safari/537.36"},
	{70, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/153.0.0.0 Safari/537.36"},
	{20, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/152.0.0.0 Safari/537.36"},
	{60, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 Safari/537.36 Edg/154.0.0.0"},
	{25, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/153.0.0.0 Safari/537.36 Edg/153.0.0.0"},
	{25, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:157.0) Gecko/20100101 Firefox/157.0"},
	{8, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:156.0) Gecko/20100101 Firefox/156.0"},
	{7, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"},
	{35, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 Safari/537.36"},
	{12, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/153.0.0.0 Safari/537.36"},
	{28, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/27.1 Safari/605.1.15"},
	{12, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.4 Safari/605.1.15"},
	{6, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:157.0) Gecko/20100101 Firefox/157.0"},
	{10, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 Safari/537.36"},
	{12, "Mozilla/5.0 (X11; Linux x86_64; rv:157.0) Gecko/20100101 Firefox/157.0"},
	// Mobile: 480
	{120, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/27.1 Mobile/15E148 Safari/604.1"},
	{70, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.4 Mobile/15E148 Safari/604.1"},
	{30, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1"},
	{12, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1"},
	{18, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/154.0.7727.47 Mobile/15E148 Safari/604.1"},
	{110, "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 Mobile Safari/537.36"},
	{50, "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/153.0.0.0 Mobile Safari/537.36"},
	{15, "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/151.0.0.0 Mobile Safari/537.36"},
	{35, "Mozilla/5.0 (Linux; Android 16; SAMSUNG SM-S938B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/30.0 Chrome/140.0.0.0 Mobile Safari/537.36"},
	{15, "Mozilla/5.0 (Linux; Android 15; SAMSUNG SM-A556B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/29.0 Chrome/136.0.0.0 Mobile Safari/537.36"},
	{5, "Mozilla/5.0 (Android 16; Mobile; rv:157.0) Gecko/157.0 Firefox/157.0"},
	// Tablet: 70
	{30, "Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/27.1 Mobile/15E148 Safari/604.1"},
	{12, "Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.4 Mobile/15E148 Safari/604.1"},
	{18, "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 Safari/537.36"},
	{10, "Mozilla/5.0 (Linux; Android 15; SAMSUNG SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/30.0 Chrome/140.0.0.0 Safari/537.36"},
}

// places of visitors, in thousandths: residents, and a few from abroad
// (people moving in, landlords, visitors' hosts), as a city database names
// them (regions are GeoNames' first subdivisions, cities GeoNames ids). A
// few are placed in a country alone, as for an address the database lacks.
var places = []weighted[enrich.Place]{
	{300, gb("ENG", "England", "2643743", "London")}, {120, gb("ENG", "England", "2643123", "Manchester")},
	{100, gb("ENG", "England", "2655603", "Birmingham")}, {70, gb("ENG", "England", "2644688", "Leeds")},
	{60, gb("ENG", "England", "2654675", "Bristol")}, {80, gb("SCT", "Scotland", "2648579", "Glasgow")},
	{60, gb("WLS", "Wales", "2653822", "Cardiff")}, {40, gb("NIR", "Northern Ireland", "2655984", "Belfast")},
	{50, enrich.Place{Country: "GB"}},
	{30, enrich.Place{Country: "IE", CountryName: "Ireland", Region: "IE-L", RegionName: "Leinster", City: "2964574", CityName: "Dublin"}},
	{22, enrich.Place{Country: "PL", CountryName: "Poland", Region: "PL-14", RegionName: "Mazovia", City: "756135", CityName: "Warsaw"}},
	{20, enrich.Place{Country: "US", CountryName: "United States", Region: "US-NY", RegionName: "New York", City: "5128581", CityName: "New York"}},
	{18, enrich.Place{Country: "FR", CountryName: "France", Region: "FR-IDF", RegionName: "Île-de-France", City: "2988507", CityName: "Paris"}},
	{16, enrich.Place{Country: "IN", CountryName: "India", Region: "IN-MH", RegionName: "Maharashtra", City: "1275339", CityName: "Mumbai"}},
	{14, enrich.Place{Country: "ES", CountryName: "Spain", Region: "ES-MD", RegionName: "Madrid", City: "3117735", CityName: "Madrid"}},
}

// gb is a place in the United Kingdom.
func gb(region, regionName, city, cityName string) enrich.Place {
	return enrich.Place{Country: "GB", CountryName: "United Kingdom", Region: "GB-" + region, RegionName: regionName, City: city, CityName: cityName}
}

// A landing is how a visit arrives: the campaign tags on the landing page's
// URL, the referrer the browser reports, and what such visitors come to do.
type landing struct {
	query, referrer string
	plans           []weighted[plan]
}

// organic are the landings of visitors who find the service by themselves,
// weighted in percent.
var organic = []weighted[landing]{
	{25, landing{"", "https://www.google.co.uk/", searchPlans}},
	{13, landing{"", "https://www.google.com/", searchPlans}},
	{26, landing{"", "", directPlans}},
	{14, landing{"", "https://www.gov.uk/parking", govukPlans}},
	{5, landing{"", "https://www.bing.com/", searchPlans}},
	{3, landing{"", "https://duckduckgo.com/", searchPlans}},
	{4, landing{"", "https://l.facebook.com/", socialPlans}},
}

// Campaigns: the renewal reminder email, and the spring ads on Facebook in
// two variants.
var (
	newsletter = []weighted[landing]{
		{1, landing{"utm_source=newsletter&utm_medium=email&utm_campaign=renewal-reminder", "", emailPlans}},
	}
	springAds = []weighted[landing]{
		{60, landing{"utm_source=facebook&utm_medium=paid-social&utm_campaign=spring-parking&utm_content=video", "https://m.facebook.com/", socialPlans}},
		{40, landing{"utm_source=facebook&utm_medium=paid-social&utm_campaign=spring-parking&utm_content=carousel", "https://m.facebook.com/", socialPlans}},
	}
)

// source is a landing as ingestion would enrich it.
type source struct {
	acq   analytics.Visit // the acquisition fields only
	plans *chooser[plan]
}

// audience is everything a visitor is drawn from.
type audience struct {
	clients                       *chooser[enrich.Client]
	places                        *chooser[enrich.Place]
	organic, newsletter, springAd *chooser[*source]
	direct                        *source
}

func newAudience(e *enrich.Enricher, host string) *audience {
	sources := func(ls []weighted[landing]) *chooser[*source] {
		items := make([]weighted[*source], len(ls))
		for i, l := range ls {
			u := &url.URL{Scheme: "https", Host: host, Path: "/", RawQuery: l.v.query}
			a := e.Acquisition(u, l.v.referrer)
			if a.Source == "" && a.Channel == "" {
				a.Channel = "Direct" // as ingestion does
			}
			items[i] = weighted[*source]{l.w, &source{
				acq: analytics.Visit{Source: a.Source, Referrer: a.Referrer, Channel: a.Channel,
					UTMSource: a.UTMSource, UTMMedium: a.UTMMedium, UTMCampaign: a.UTMCampaign,
					UTMTerm: a.UTMTerm, UTMContent: a.UTMContent},
				plans: newChooser(l.v.plans),
			}}
		}
		return newChooser(items)
	}
	clients := make([]weighted[enrich.Client], len(userAgents))
	for i, ua := range userAgents {
		clients[i] = weighted[enrich.Client]{ua.w, e.Client(ua.v)}
	}
	a := &audience{
		clients: newChooser(clients), places: newChooser(places),
		organic: sources(organic), newsletter: sources(newsletter), springAd: sources(springAds),
	}
	a.direct = sources([]weighted[landing]{{1, landing{"", "", directPlans}}}).vals[0]
	return a
}
