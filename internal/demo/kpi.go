package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/statsquery"
)

// The demo's KPI inputs tell the story of a service moving online: over
// the year, phone calls and paper forms fall as digital take-up grows, the
// phone team costs less each quarter, and the digital service costs much
// the same. The funnel's own figures cover the days of the demo traffic;
// for the months before it the service submits its digital figures itself,
// as a team that counted them before it had analytics would.

// Monthly figures of the other channels at the start of the year, and how
// much they change by its end (phone and paper fall; the rest hold).
var demoChannels = []struct {
	channel         kpi.Channel
	completed       float64 // a month, at the start of the year
	change          float64 // over the year, as a share: −0.4 is 40 % fewer
	completionShare float64 // completed ÷ started
}{
	{kpi.Phone, 1500, -0.40, 0.92},
	{kpi.Paper, 700, -0.55, 0.85},
	{kpi.FaceToFace, 160, -0.10, 0.97},
	{kpi.Other, 30, 0, 0.9},
}

// demoCosts are the quarterly costs by channel, in pounds, at the start of
// the year, and how they change a quarter.
var demoCosts = []struct {
	channel kpi.Channel
	amount  int64
	change  int64
}{
	{kpi.Digital, 42000, 500},
	{kpi.AssistedDigital, 9000, 0},
	{kpi.Phone, 64000, -6000},
	{kpi.Paper, 21000, -2500},
	{kpi.FaceToFace, 12000, -400},
	{kpi.Other, 1500, 0},
	{kpi.AllChannels, 30000, 0},
}

// SeedDemo gives the demo service, once, a year of KPI inputs ending
// before now: its main funnel (the demo's "Apply for a permit"), targets,
// monthly figures for phone, paper, face to face and other, daily ones for
// assisted digital, digital figures for the days before the funnel has
// any, and costs per quarter per channel. It does nothing when the service
// already has figures from other channels, so a second start adds nothing.
func SeedDemo(ctx context.Context, k *kpi.KPI, svc *catalog.Service, mainFunnel int64, now time.Time) error {
	loc := svc.Location()
	y, m, d := now.In(loc).Date()
	today := statsquery.Date{Year: y, Month: m, Day: d}
	from, to := kpi.DefaultPeriod(today)
	r, err := k.Report(ctx, svc, from, to, kpi.Yearly)
	if err != nil {
		return fmt.Errorf("demo kpi: %w", err)
	}
	for _, n := range r.Counts.Figures[1:] {
		if n > 0 {
			return nil
		}
	}

	set, err := k.Settings(ctx, svc.ID)
	if err != nil {
		return fmt.Errorf("demo kpi: %w", err)
	}
	set.MainFunnelID = mainFunnel
	set.Targets = map[kpi.Name]kpi.Target{
		kpi.CompletionRate:     {Micro: 400_000, Direction: kpi.Higher},
		kpi.DigitalTakeUp:      {Micro: 550_000, Direction: kpi.Higher},
		kpi.UserSatisfaction:   {Micro: 800_000, Direction: kpi.Higher},
		kpi.CostPerTransaction: {Micro: 15_000_000, Direction: kpi.Lower},
	}
	if err := k.SaveSettings(ctx, svc.ID, set); err != nil {
		return fmt.Errorf("demo kpi settings: %w", err)
	}

	rng := rand.New(rand.NewPCG(uint64(today.Year*10000+int(today.Month)*100+today.Day), pcgStream))
	figs, err := demoDigital(ctx, k, svc, today, from, rng)
	if err != nil {
		return err
	}
	first := time.Date(from.Year, from.Month, 1, 0, 0, 0, 0, time.UTC)
	for i := range 12 {
		month := first.AddDate(0, i, 0)
		progress := float64(i) / 11
		for _, c := range demoChannels {
			done := c.completed * (1 + c.change*progress) * (0.94 + 0.12*rng.Float64())
			figs = append(figs, kpi.TransactionFigure{Date: month.Format("2006-01"), Channel: c.channel,
				Started: int64(math.Round(done / c.completionShare)), Completed: int64(math.Round(done))})
		}
		for day := month; day.Month() == month.Month(); day = day.AddDate(0, 0, 1) {
			if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
				continue // the help line that takes people through it is closed
			}
			started := int64(3 + rng.IntN(4))
			figs = append(figs, kpi.TransactionFigure{Date: day.Format(time.DateOnly), Channel: kpi.AssistedDigital,
				Started: started, Completed: started - int64(rng.IntN(2))})
		}
	}
	if _, err := k.SubmitTransactions(ctx, svc, figs, false); err != nil {
		return fmt.Errorf("demo transactions: %w", err)
	}

	// Costs by calendar quarter, the last one ending before this quarter.
	q := time.Date(today.Year, time.Month((int(today.Month)-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -12, 0)
	var costs []kpi.CostFigure
	for i := range 4 {
		start := q.AddDate(0, 3*i, 0)
		end := start.AddDate(0, 3, -1)
		for _, c := range demoCosts {
			costs = append(costs, kpi.CostFigure{From: start.Format(time.DateOnly), To: end.Format(time.DateOnly), Channel: c.channel,
				Amount: fmt.Sprintf("%d.00", c.amount+c.change*int64(i))})
		}
	}
	if _, err := k.SubmitCosts(ctx, svc, costs, false); err != nil {
		return fmt.Errorf("demo costs: %w", err)
	}
	return nil
}

// demoDigital makes the digital figures of the year's days before the main
// funnel has figures: growing towards the funnel's own level, with its
// completion rate, fewer at weekends.
func demoDigital(ctx context.Context, k *kpi.KPI, svc *catalog.Service, today, from statsquery.Date, rng *rand.Rand) ([]kpi.TransactionFigure, error) {
	yesterday := time.Date(today.Year, today.Month, today.Day-1, 0, 0, 0, 0, time.UTC)
	start := yesterday.AddDate(0, 0, -120)
	r, err := k.Report(ctx, svc, statsquery.Date{Year: start.Year(), Month: start.Month(), Day: start.Day()},
		statsquery.Date{Year: yesterday.Year(), Month: yesterday.Month(), Day: yesterday.Day()}, kpi.Daily)
	if err != nil {
		return nil, fmt.Errorf("demo kpi: %w", err)
	}
	// The funnel's level: starts on an active day, and their completion.
	level, rate, firstDay := 150.0, 0.4, yesterday.AddDate(0, 0, 1)
	if c := r.Counts; c.FunnelDays > 0 && c.Started[0] > 0 {
		level, rate = c.Started[0]/float64(c.FunnelDays), c.Completed[0]/c.Started[0]
		for _, p := range r.Series {
			if p.Counts.FunnelDays > 0 {
				firstDay, _ = time.Parse(time.DateOnly, p.From())
				break
			}
		}
	}
	begin := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, time.UTC)
	total := firstDay.Sub(begin).Hours() / 24
	var figs []kpi.TransactionFigure
	for day := begin; day.Before(firstDay); day = day.AddDate(0, 0, 1) {
		growth := 0.6 + 0.4*day.Sub(begin).Hours()/24/math.Max(total, 1)
		week := 1.0
		if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			week = 0.55
		}
		started := int64(math.Round(level * growth * week * (0.9 + 0.2*rng.Float64())))
		completed := int64(math.Round(float64(started) * rate * (0.95 + 0.1*rng.Float64())))
		figs = append(figs, kpi.TransactionFigure{Date: day.Format(time.DateOnly), Channel: kpi.Digital, Started: started, Completed: min(completed, started)})
	}
	return figs, nil
}
