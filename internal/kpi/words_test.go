package kpi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/brand"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/i18n"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// wordsFixture is two public services with figures in March 2026 and in
// March 2025, the 12 months before the public pages' (June 2025 to May
// 2026, on 15 June 2026):
//   - Trend: digital 164 of 200 completed (82.0%), 70 of 100 a year
//     before (70.0%): up. With the phone's 41 (30 before), take-up is 164
//     of 205, 80.0% (70 of 100 before). Satisfied 3 of 5 (60.0%), 4 of 5
//     before (80.0%): down. Costs 861.00 over 205: £4.20, none before.
//   - Parking: costs only a year before (£2.00 a transaction), no answers.
func wordsFixture(t *testing.T, hs *harness) (trend, parking *catalog.Service) {
	t.Helper()
	trend = hs.service("Trend", "UTC", true)
	hs.transactions(trend, lines("date,channel,started,completed",
		"2025-03,digital,100,70", "2025-03,phone,30,30", "2026-03,digital,200,164", "2026-03,phone,50,41"))
	hs.costs(trend, lines("from,to,channel,amount", "2026-03-01,2026-03-31,all,861.00"))
	for rating, n := range map[int]int{5: 4, 1: 1} {
		hs.fakes.answer(trend, time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC), rating, n)
	}
	for rating, n := range map[int]int{4: 3, 2: 2} {
		hs.fakes.answer(trend, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), rating, n)
	}
	parking = hs.service("Parking", "UTC", true)
	hs.transactions(parking, lines("date,channel,started,completed", "2025-03,digital,10,10", "2026-03,digital,10,10"))
	hs.costs(parking, lines("from,to,channel,amount", "2025-03-01,2025-03-31,all,20.00"))
	return trend, parking
}

// TestFiguresInWords: each figure is said in words from the counts behind
// it, against the 12 months before — up, down, nothing to compare with,
// or only the year before's — or why it cannot be worked out; the team's
// page adds what to do, linked for an editor. The month-by-month tables
// give each month's figure beside the same month a year before.
func TestFiguresInWords(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		wordsFixture(t, hs)
		_, page := fetch(t, hs, "/performance/trend")
		webtest.Contains(t, "public page", page,
			"These figures cover the 12 months from 1 June 2025 to 31 May 2026.",
			"Each figure is compared with the 12 months before, 1 June 2024 to 31 May 2025.",
			`<p class="figure-words">82.0% of the transactions started online were completed (164 of 200). That is up from 70.0% in the 12 months before.</p>`,
			`<p class="figure-words">80.0% of all the transactions completed, through every channel, were completed online (164 of 205). That is up from 70.0% in the 12 months before.</p>`,
			`<p class="figure-words">60.0% of the people who answered the satisfaction survey were satisfied or very satisfied (3 of 5). That is down from 80.0% in the 12 months before.</p>`,
			`<p class="figure-words">It cost £4.20 on average to deliver one transaction (costs of £861.00 over 205 completed transactions). There are no figures for the 12 months before to compare with.</p>`,
			`up 12 points on the 12 months before: better`, `down 20 points on the 12 months before: worse`,
			`<th scope="col" class="num">In the 12 months before</th>`,
			`<th scope="row">2026-03</th><td class="num">82.0%</td><td class="num">1</td><td class="num">70.0% <span class="muted">(2025-03)</span></td>`,
			`<th scope="row">2026-04</th><td class="num">No figure</td><td class="num">0</td><td class="num">No figure <span class="muted">(2025-04)</span></td>`,
			"The dotted grey line shows the figures for the 12 months before.",
			`<th scope="col" class="num">Completed in the 12 months before</th>`,
			`<th scope="row">Phone</th><td class="num">50</td><td class="num">41</td><td class="num">20.0%</td><td class="num">–</td><td class="num">30</td>`)
		webtest.Lacks(t, "public page", page, "Upload the service’s")

		_, page = fetch(t, hs, "/performance/parking")
		webtest.Contains(t, "public page without costs", page,
			`<p class="figure-words">No cost figures have been uploaded for this period, so the cost per transaction cannot be worked out. In the 12 months before, it was £2.00.</p>`,
			`<p class="figure-words">No one answered the satisfaction survey in this period, so user satisfaction cannot be worked out.</p>`)
		webtest.Lacks(t, "public page without costs", page, "Upload the service’s costs", "/kpis/costs")

		page = hs.Browser("editor").Get("/services/parking/kpis", http.StatusOK)
		webtest.Contains(t, "team page", page, "Changes are against the period before, 2024-06-01 to 2025-05-31.",
			`No cost figures have been uploaded for this period, so the cost per transaction cannot be worked out. In the period before, it was £2.00. <a href="/services/parking/kpis/costs">Upload the service’s costs.</a></p>`)
		page = hs.Browser("viewer").Get("/services/parking/kpis", http.StatusOK)
		webtest.Contains(t, "team page for a viewer", page, "In the period before, it was £2.00. Upload the service’s costs.</p>")

		// No figures at all the year before: the page says so, once for
		// the page and once a figure.
		marchFixture(t, hs)
		_, page = fetch(t, hs, "/performance/apply-for-a-permit")
		webtest.Contains(t, "public page with nothing before", page,
			"There are no figures for the 12 months before, 1 June 2024 to 31 May 2025, to compare these with.",
			`<p class="figure-words">80.5% of the transactions started online were completed (765 of 950). There are no figures for the 12 months before to compare with.</p>`)
		webtest.Lacks(t, "public page with nothing before", page, "Each figure is compared with", "The dotted grey line")
	})
}

// TestPerformanceInWelsh: the performance pages in Welsh by ?lang=cy, or
// by the service's default language, under its Welsh name when it has one
// and its English public name when not, with the switch back to English;
// every message they show has its Welsh.
func TestPerformanceInWelsh(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := brand.New(db)
		hs := newHarness(t, db, withBrand(b))
		trend, parking := wordsFixture(t, hs)
		marchFixture(t, hs)
		ctx := context.Background()
		if err := b.SaveService(ctx, trend.ID, brand.Service{PublicName: "Check a trend", WelshName: "Gwirio tuedd"}); err != nil {
			t.Fatal(err)
		}
		if err := b.SaveService(ctx, parking.ID, brand.Service{PublicName: "Park", DefaultLang: "cy"}); err != nil {
			t.Fatal(err)
		}

		_, page := fetch(t, hs, "/performance/trend?lang=cy")
		webtest.Contains(t, "Welsh page", page, `<html lang="cy">`, "<title>Gwirio tuedd: perfformiad – Gwirio tuedd</title>",
			"<h1>Gwirio tuedd: perfformiad</h1>", `<a href="/performance?lang=cy">Perfformiad pob gwasanaeth</a>`,
			"Mae’r ffigurau hyn yn cwmpasu’r 12 mis o 1 Mehefin 2025 i 31 Mai 2026.", "Cafodd y data eu diweddaru ddiwethaf ar 15 Mehefin 2026.",
			`<h2 id="headline-heading">Y pedwar mesur</h2>`, "<dt>Cyfradd gwblhau</dt>",
			`<p class="figure-words">Cwblhawyd 82.0% o’r trafodiadau a ddechreuwyd ar-lein (164 o 200). Yn y 12 mis cynt, roedd yn 70.0%, felly mae wedi codi.</p>`,
			`<p class="figure-words">Ar gyfartaledd, roedd yn costio £4.20 i ddarparu un trafodiad (costau o £861.00 dros 205 o drafodiadau a gwblhawyd). Does dim ffigurau ar gyfer y 12 mis cynt i gymharu â nhw.</p>`,
			"12 pwynt yn uwch nag yn y 12 mis cynt: gwell", `<h2 id="trends-heading">Fesul mis</h2>`,
			`<title id="chart-completion_rate-title">Cyfradd gwblhau fesul mis</title>`, "<th scope=\"row\">Ffôn</th>",
			`<td>15 Meh 2026 12:00</td>`, `hreflang="en">English</a>`, `href="/performance/trend?lang=en"`,
			`<a href="/performance/trend.csv">Perfformiad Gwirio tuedd fel CSV</a>`)
		webtest.Lacks(t, "Welsh page", page, "Check a trend", "The four measures", "No figure<")

		// English: the English public name, and the switch to Welsh.
		_, page = fetch(t, hs, "/performance/trend")
		webtest.Contains(t, "English page", page, `<html lang="en">`, "<h1>Check a trend: performance</h1>", `hreflang="cy">Cymraeg</a>`,
			"Last updated", "15 Jun 2026 12:00")
		webtest.Lacks(t, "English page", page, "Gwirio tuedd")

		// Welsh by default, without a Welsh name: the English public name.
		_, page = fetch(t, hs, "/performance/parking")
		webtest.Contains(t, "Welsh by default", page, `<html lang="cy">`, "<h1>Park: perfformiad</h1>",
			"Nid oes unrhyw ffigurau costau wedi’u huwchlwytho ar gyfer y cyfnod hwn, felly does dim modd cyfrifo’r gost fesul trafodiad. Yn y 12 mis cynt, roedd yn £2.00.",
			"Ni atebodd neb yr arolwg bodlonrwydd yn y cyfnod hwn")

		_, page = fetch(t, hs, "/performance?lang=cy")
		webtest.Contains(t, "Welsh list", page, `<html lang="cy">`, "<h1>Perfformiad gwasanaethau</h1>",
			`<a href="/performance/trend?lang=cy">Gwirio tuedd</a>`, `<a href="/performance/parking?lang=cy">Park</a>`,
			`href="/performance?lang=cy&amp;order=asc&amp;sort=completion_rate">Cyfradd gwblhau<span class="visually-hidden"> (trefnu o’r lleiaf i’r mwyaf)</span>`,
			"o 1 Mehefin 2025 i 31 Mai 2026", "Dim ffigur")
		_, page = fetch(t, hs, "/performance/apply-for-a-permit?lang=cy")
		webtest.Contains(t, "Welsh page with nothing before", page, "Does dim ffigurau ar gyfer y 12 mis cynt, o 1 Mehefin 2024 i 31 Mai 2025, i gymharu’r rhain â nhw.")
		if m := i18n.Missing(); len(m) > 0 {
			t.Errorf("messages without their Welsh: %q", m)
		}
	})
}
