package kpi_test

import (
	"math"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// near fails unless got is want to within float rounding.
func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// value fails unless m is known and equal to want, from points figures.
func value(t *testing.T, what string, m kpi.Measure, want float64, points int) {
	t.Helper()
	if !m.Known {
		t.Errorf("%s has no value (%s), want %v", what, m.Reason, want)
		return
	}
	near(t, what, m.Value, want)
	if m.Points != points {
		t.Errorf("%s points = %d, want %d", what, m.Points, points)
	}
}

// none fails unless m is unknown for reason.
func none(t *testing.T, what string, m kpi.Measure, reason string) {
	t.Helper()
	if m.Known || m.Reason != reason {
		t.Errorf("%s = %+v, want no value because %q", what, m, reason)
	}
}

// marchFixture is March 2026 for a UTC service, worked out by hand:
//
//   - the main funnel: 100 started and 80 completed on each of 1 to 10
//     March; a submitted digital figure for 5 March (50 started, 45
//     completed) replaces that day's. Digital: started 9×100 + 50 = 950,
//     completed 9×80 + 45 = 765, from 9 funnel days + 1 figure = 10.
//   - phone, a monthly figure: 400 started, 300 completed. Paper on 10
//     March: 30 started, 20 completed. Completed through every channel:
//     765 + 300 + 20 = 1085, from 12 figures.
//   - survey answers in March by rating 1 to 5: 1, 1, 2, 4, 2 (10).
//     Satisfied: 4 + 2 = 6. Sum of ratings 1 + 2 + 6 + 16 + 10 = 35, mean
//     3.5, score (3.5 − 1) ÷ 4 = 0.625.
//   - costs: 9000.00 shared by all channels over Q1 (90 days), so March
//     (31 days) takes 9000 × 31 ÷ 90 = 3100; phone 620.00 over March.
//     Total 3720, covering every day: 3720 ÷ 1085 per transaction; phone
//     620 ÷ 300.
func marchFixture(t *testing.T, hs *harness) *catalog.Service {
	t.Helper()
	s := hs.service("Apply for a permit", "UTC", true)
	hs.settings(s, func(set *kpi.Settings) { set.MainFunnelID = hs.funnel(s) })
	for d := 1; d <= 10; d++ {
		hs.fakes.funnel(time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), 100, 80)
	}
	hs.transactions(s, lines("date,channel,started,completed", "2026-03-05,digital,50,45", "2026-03,phone,400,300", "2026-03-10,paper,30,20"))
	for rating, n := range []int{1, 1, 2, 4, 2} {
		hs.fakes.answer(s, time.Date(2026, 3, 3+rating, 9, 0, 0, 0, time.UTC), rating+1, n)
	}
	hs.fakes.answer(s, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), 1, 3) // April: outside
	hs.costs(s, lines("from,to,channel,amount", "2026-01-01,2026-03-31,all,9000.00", "2026-03-01,2026-03-31,phone,620"))
	return s
}

func TestKPIValues(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := marchFixture(t, hs)
		r := hs.report(s, "2026-03-01", "2026-03-31", kpi.Monthly)
		k := r.KPIs
		value(t, "completion rate", k.CompletionRate, 765.0/950, 10)
		value(t, "digital take-up", k.DigitalTakeUp, 765.0/1085, 12)
		value(t, "user satisfaction", k.UserSatisfaction, 0.6, 10)
		value(t, "satisfaction score", k.SatisfactionScore, 0.625, 10)
		value(t, "cost per transaction", k.CostPerTransaction, 3720.0/1085, 2)
		if len(k.CostByChannel) != 1 || k.CostByChannel[0].Channel != kpi.Phone {
			t.Fatalf("cost by channel = %+v, want phone only", k.CostByChannel)
		}
		value(t, "phone cost per transaction", k.CostByChannel[0].Measure, 620.0/300, 1)
		c := r.Counts
		near(t, "digital started", c.Started[0], 950)
		near(t, "digital completed", c.Completed[0], 765)
		near(t, "total cost (pence)", c.TotalCost(), 372000)
		if c.FunnelDays != 9 || c.CoveredDays != 31 || c.Days != 31 {
			t.Errorf("funnel days %d, covered days %d, days %d; want 9, 31, 31", c.FunnelDays, c.CoveredDays, c.Days)
		}
		// One monthly point, the same as the whole.
		if len(r.Series) != 1 || r.Series[0].From() != "2026-03-01" || r.Series[0].To() != "2026-03-31" {
			t.Fatalf("series %+v", r.Series)
		}
		near(t, "March point", r.Series[0].KPIs.CostPerTransaction.Value, 3720.0/1085)

		// By week, a month's figure is cut: 1 March is a Sunday, so the
		// weeks are 1, 2–8, 9–15, 16–22, 23–29 and 30–31 March.
		r = hs.report(s, "2026-03-01", "2026-03-31", kpi.Weekly)
		if len(r.Series) != 6 || r.Series[1].From() != "2026-03-02" || r.Series[1].To() != "2026-03-08" || r.Series[5].From() != "2026-03-30" {
			t.Fatalf("weeks: %v", r.Series)
		}
		// 2–8 March: digital 6 funnel days and 5 March's figure: 650
		// started, 525 completed; phone 300 × 7 ÷ 31; cost 9000 × 7 ÷ 90 +
		// 620 × 7 ÷ 31 = 840.
		w := r.Series[1]
		phone := 300.0 * 7 / 31
		value(t, "week completion rate", w.KPIs.CompletionRate, 525.0/650, 7)
		value(t, "week digital take-up", w.KPIs.DigitalTakeUp, 525/(525+phone), 8)
		value(t, "week cost per transaction", w.KPIs.CostPerTransaction, 840/(525+phone), 2)
		value(t, "week user satisfaction", w.KPIs.UserSatisfaction, 0.6, 10)
		// The whole is not the mean of the weeks: it is the sums' ratio.
		value(t, "period by week", r.KPIs.CompletionRate, 765.0/950, 10)
		// By day, 5 March is the submitted figure, not the funnel's.
		r = hs.report(s, "2026-03-04", "2026-03-06", kpi.Daily)
		value(t, "4 March", r.Series[0].KPIs.CompletionRate, 0.8, 1)
		value(t, "5 March", r.Series[1].KPIs.CompletionRate, 0.9, 1)
		if r.Series[1].Counts.FunnelDays != 0 {
			t.Errorf("5 March counts %d funnel days, want 0", r.Series[1].Counts.FunnelDays)
		}
	})
}

func TestNullKPIs(t *testing.T) {
	t.Parallel()
	const (
		noDigital     = "No digital transactions were counted: choose the service’s main funnel in the KPI settings, or submit digital figures."
		noStarts      = "No digital transactions were started in this period."
		noCompletions = "No transactions were completed in this period, through any channel."
		noAnswers     = "No one answered the satisfaction survey in this period."
		noCosts       = "No costs were given for any day of this period."
		noCoveredTx   = "No transactions were completed on the days the costs cover."
	)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		for _, tc := range []struct {
			name  string
			setup func(s *catalog.Service)
			check func(t *testing.T, k kpi.KPIs)
		}{
			{"nothing at all", func(s *catalog.Service) {}, func(t *testing.T, k kpi.KPIs) {
				none(t, "completion rate", k.CompletionRate, noDigital)
				none(t, "digital take-up", k.DigitalTakeUp, noDigital)
				none(t, "user satisfaction", k.UserSatisfaction, noAnswers)
				none(t, "satisfaction score", k.SatisfactionScore, noAnswers)
				none(t, "cost per transaction", k.CostPerTransaction, noCosts)
			}},
			{"a funnel with no starts", func(s *catalog.Service) {
				hs.settings(s, func(set *kpi.Settings) { set.MainFunnelID = hs.funnel(s) })
			}, func(t *testing.T, k kpi.KPIs) {
				none(t, "completion rate", k.CompletionRate, noStarts)
			}},
			{"digital figures of zero", func(s *catalog.Service) {
				hs.transactions(s, lines("date,channel,started,completed", "2026-02-03,digital,0,0"))
			}, func(t *testing.T, k kpi.KPIs) {
				none(t, "completion rate", k.CompletionRate, noStarts)
				if k.CompletionRate.Points != 1 {
					t.Errorf("points %d, want 1", k.CompletionRate.Points)
				}
			}},
			{"starts but no completions anywhere", func(s *catalog.Service) {
				hs.transactions(s, lines("date,channel,started,completed", "2026-02-03,digital,10,0", "2026-02,phone,5,0"))
				hs.costs(s, lines("from,to,channel,amount", "2026-02-01,2026-02-28,phone,100"))
			}, func(t *testing.T, k kpi.KPIs) {
				value(t, "completion rate", k.CompletionRate, 0, 1)
				none(t, "digital take-up", k.DigitalTakeUp, noCompletions)
				none(t, "cost per transaction", k.CostPerTransaction, noCoveredTx)
				if len(k.CostByChannel) != 1 || k.CostByChannel[0].Known || k.CostByChannel[0].Reason != noCoveredTx {
					t.Errorf("phone cost per transaction %+v", k.CostByChannel)
				}
			}},
			{"costs outside the period", func(s *catalog.Service) {
				hs.transactions(s, lines("date,channel,started,completed", "2026-02-03,paper,10,10"))
				hs.costs(s, lines("from,to,channel,amount", "2026-03-01,2026-03-31,all,100"))
			}, func(t *testing.T, k kpi.KPIs) {
				none(t, "cost per transaction", k.CostPerTransaction, noCosts)
				// Paper only, and nothing counts the digital channel: its share
				// is unknown, not 0 (digital figures of 0 would make it 0).
				none(t, "digital take-up", k.DigitalTakeUp, noDigital)
				none(t, "completion rate", k.CompletionRate, noDigital)
			}},
			{"answers outside the period", func(s *catalog.Service) {
				hs.fakes.answer(s, time.Date(2026, 1, 31, 23, 59, 0, 0, time.UTC), 5, 1)
				hs.fakes.answer(s, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 5, 1)
			}, func(t *testing.T, k kpi.KPIs) {
				none(t, "user satisfaction", k.UserSatisfaction, noAnswers)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := hs.service(tc.name, "UTC", false)
				tc.setup(s)
				tc.check(t, hs.report(s, "2026-02-01", "2026-02-28", kpi.Monthly).KPIs)
			})
		}
	})
}

func TestCostSpreading(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Spread", "UTC", false)
		// 10 paper transactions completed each day of February.
		var rows []string
		rows = append(rows, "date,channel,started,completed")
		for d := 1; d <= 28; d++ {
			rows = append(rows, time.Date(2026, 2, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)+",paper,10,10")
		}
		hs.transactions(s, lines(rows...))
		hs.costs(s, lines("from,to,channel,amount", "2026-01-01,2026-03-31,all,9000", "2026-02-15,2026-02-28,phone,1400"))

		// 10 to 19 February: the quarter gives 9000 × 10 ÷ 90 = 1000; the
		// phone cost 1400 × 5 ÷ 14 = 500 for 15 to 19 February. 100 paper
		// transactions: 1500 ÷ 100 = 15. Phone had none on its days.
		r := hs.report(s, "2026-02-10", "2026-02-19", kpi.Monthly)
		near(t, "cost (pence)", r.Counts.TotalCost(), 150000)
		value(t, "cost per transaction", r.KPIs.CostPerTransaction, 15, 2)
		if len(r.KPIs.CostByChannel) != 1 || r.KPIs.CostByChannel[0].Known {
			t.Errorf("phone cost per transaction %+v, want none", r.KPIs.CostByChannel)
		}
		if r.Counts.CoveredDays != 10 {
			t.Errorf("covered days %d, want 10", r.Counts.CoveredDays)
		}

		// Costs cover part of a period: cost per transaction is over the
		// days they cover. Shared costs cover 15 to 28 February only:
		// 1400 ÷ 140 paper transactions on those 14 days.
		s2 := hs.service("Partial", "UTC", false)
		hs.transactions(s2, lines(rows...))
		hs.costs(s2, lines("from,to,channel,amount", "2026-02-15,2026-02-28,all,1400"))
		r = hs.report(s2, "2026-02-01", "2026-02-28", kpi.Monthly)
		value(t, "partly covered", r.KPIs.CostPerTransaction, 10, 1)
		if r.Counts.CoveredDays != 14 || r.Counts.CompletedCovered != 140 {
			t.Errorf("covered %d days, %v completed; want 14, 140", r.Counts.CoveredDays, r.Counts.CompletedCovered)
		}

		// Costs of one channel only: overall, they would be spread over
		// every channel's transactions, so there is no overall figure.
		s3 := hs.service("Phone costs", "UTC", false)
		hs.transactions(s3, lines(rows...))
		hs.costs(s3, lines("from,to,channel,amount", "2026-02-01,2026-02-28,phone,1400"))
		r = hs.report(s3, "2026-02-01", "2026-02-28", kpi.Monthly)
		none(t, "one channel's costs", r.KPIs.CostPerTransaction,
			"Costs were given for some channels only, and not shared costs for all of them: give costs for paper.")
	})
}

func TestTrendAndRating(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Trend", "UTC", false)
		// February against January, the month before. Digital completion
		// 70% then 80%; costs 2.00 (140 over 4 to 31 January, 70 completed
		// on those days) then 2.50 a transaction.
		hs.transactions(s, lines("date,channel,started,completed",
			"2026-01-10,digital,100,70", "2026-02-10,digital,100,80"))
		hs.costs(s, lines("from,to,channel,amount", "2026-01-04,2026-01-31,all,140", "2026-02-01,2026-02-28,all,200"))
		hs.settings(s, func(set *kpi.Settings) {
			set.Targets = map[kpi.Name]kpi.Target{
				kpi.CompletionRate:     {Micro: 820_000, Direction: kpi.Higher},  // 80 ≥ 82 × 0.95 = 77.9: near
				kpi.DigitalTakeUp:      {Micro: 900_000, Direction: kpi.Higher},  // 100%: on target
				kpi.CostPerTransaction: {Micro: 2_000_000, Direction: kpi.Lower}, // 2.50 > 2.10: off
			}
		})
		r := hs.report(s, "2026-02-01", "2026-02-28", kpi.Monthly)
		if r.PreviousFrom() != "2026-01-01" || r.PreviousTo() != "2026-01-31" {
			t.Fatalf("previous period %s to %s", r.PreviousFrom(), r.PreviousTo())
		}
		for _, tc := range []struct {
			name   kpi.Name
			rating kpi.Rating
			trend  kpi.Trend
			change float64
			better int
		}{
			{kpi.CompletionRate, kpi.Near, kpi.Up, 0.1, 1},
			{kpi.DigitalTakeUp, kpi.OnTarget, kpi.Same, 0, 0},
			{kpi.CostPerTransaction, kpi.OffTarget, kpi.Up, 0.5, -1},
			{kpi.UserSatisfaction, "", "", 0, 0},
		} {
			a := r.Assessment(tc.name)
			if a.Rating != tc.rating || a.Trend != tc.trend || a.Better != tc.better {
				t.Errorf("%s: rating %q, trend %q, better %d; want %q, %q, %d", tc.name, a.Rating, a.Trend, a.Better, tc.rating, tc.trend, tc.better)
			}
			near(t, string(tc.name)+" change", a.Change, tc.change)
		}
	})
}

func TestDefaultPeriod(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ today, from, to string }{
		{"2026-06-15", "2025-06-01", "2026-05-31"},
		{"2026-01-01", "2025-01-01", "2025-12-31"},
		{"2024-03-31", "2023-03-01", "2024-02-29"},
	} {
		from, to := kpi.DefaultPeriod(date(tc.today))
		if from.String() != tc.from || to.String() != tc.to {
			t.Errorf("DefaultPeriod(%s) = %s to %s, want %s to %s", tc.today, from, to, tc.from, tc.to)
		}
	}
}
