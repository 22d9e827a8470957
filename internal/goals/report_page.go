package goals

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/web"
)

// periodChoice is one entry of the report page's period menu.
type periodChoice struct {
	Key, Label string
}

// periodChoices are the periods the report page offers, resolved as the
// stats API resolves the same shorthands (Plausible's): "Nd" is the N whole
// days before today, "month" this month to today, "Nmo" the N whole months
// before this one.
var periodChoices = []periodChoice{
	{"day", "Today"},
	{"7d", "Last 7 days"},
	{"30d", "Last 30 days"},
	{"91d", "Last 91 days"},
	{"month", "This month"},
	{"6mo", "Last 6 months"},
	{"12mo", "Last 12 months"},
}

const defaultPeriod = "30d"

// resolvePeriod is the first and last day of period, counted from today.
func resolvePeriod(period string, today statsquery.Date) (first, last statsquery.Date, ok bool) {
	switch period {
	case "day":
		return today, today, true
	case "month":
		return statsquery.Date{Year: today.Year, Month: today.Month, Day: 1}, today, true
	}
	if n, found := strings.CutSuffix(period, "mo"); found {
		months, err := strconv.Atoi(n)
		if err != nil || months < 1 || months > 12 {
			return first, last, false
		}
		firstOfMonth := time.Date(today.Year, today.Month, 1, 12, 0, 0, 0, time.UTC)
		return dateOf(firstOfMonth.AddDate(0, -months, 0), time.UTC), dateOf(firstOfMonth, time.UTC).AddDays(-1), true
	}
	if n, found := strings.CutSuffix(period, "d"); found {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 || days > MaxReportDays {
			return first, last, false
		}
		return today.AddDays(-days), today.AddDays(-1), true
	}
	return first, last, false
}

// reportStep is one step of the report as the page shows it.
type reportStep struct {
	StepReport
	Number                                          int
	ConversionText, StepConversionText, DropoffText string
	// Share is the step's visitors against the first step's, 0 to 100,
	// for its bar: an HTML meter, which keeps its proportions and its
	// text's size at any width (an SVG drawn 640 units wide cut every bar
	// above half to the same length on a phone).
	Share float64
}

type reportData struct {
	Service     *catalog.Service
	CanWrite    bool
	Report      *FunnelReport
	Steps       []reportStep
	Period      string
	Periods     []periodChoice
	First, Last statsquery.Date
	Conversion  string
	ChartDesc   string
}

// funnelPage reports a funnel over ?period (default: the last 30 days) as
// bars, a summary in words and a table.
func (h *Handler) funnelPage(w http.ResponseWriter, r *http.Request) error {
	s, rep, period, first, last, err := h.report(r)
	if err != nil {
		return err
	}
	d := reportData{Service: s, CanWrite: auth.From(r.Context()).CanWrite(s.ID), Report: rep, Period: period, Periods: periodChoices, First: first, Last: last,
		Conversion: pct(rep.ConversionRate())}
	top := max(rep.Entered(), 1)
	for i, st := range rep.Steps {
		d.Steps = append(d.Steps, reportStep{
			StepReport: st, Number: i + 1,
			ConversionText: pct(st.ConversionRate), StepConversionText: pct(st.ConversionRateStep), DropoffText: pct(st.DropoffRate),
			Share: float64(st.Visitors) * 100 / float64(top),
		})
	}
	d.ChartDesc = chartSummary(rep)
	return h.pages.Render(w, r, http.StatusOK, "goals/funnel", d, nil)
}

// report reads the funnel in the path over ?period (default: the last 30
// days), for the page and its CSV.
func (h *Handler) report(r *http.Request) (s *catalog.Service, rep *FunnelReport, period string, first, last statsquery.Date, err error) {
	if s, err = h.readable(r); err != nil {
		return
	}
	id, err := web.PathID(r, "funnel")
	if err != nil {
		return
	}
	period = r.URL.Query().Get("period")
	if period == "" {
		period = defaultPeriod
	}
	first, last, ok := resolvePeriod(period, h.today(s))
	if !ok {
		err = web.BadRequest("period", "The period “%s” is not one this page offers: choose one from the menu", clip(period))
		return
	}
	loc := s.Location()
	rep, err = h.goals.Funnel(r.Context(), s.ID, id, first.Start(loc), last.AddDays(1).Start(loc))
	if err != nil {
		err = web.NotFoundAs(err, "funnel")
	}
	return
}

// funnelCSV writes the funnel report as CSV, a row a step.
func (h *Handler) funnelCSV(w http.ResponseWriter, r *http.Request) error {
	s, rep, _, first, last, err := h.report(r)
	if err != nil {
		return err
	}
	web.CSVDownload(w, fmt.Sprintf("%s-funnel-%d-%s-%s.csv", s.Slug, rep.Funnel.ID, first, last))
	cw := csv.NewWriter(w)
	cw.Write([]string{"Step", "Goal", "Visitors", "Conversion from the first step (%)", "Conversion from the step before (%)", "Drop-off", "Drop-off (%)"})
	for i, st := range rep.Steps {
		name := web.CSVCell(st.Goal.DisplayName)
		cw.Write([]string{strconv.Itoa(i + 1), name, strconv.Itoa(st.Visitors), strconv.FormatFloat(st.ConversionRate, 'f', -1, 64),
			strconv.FormatFloat(st.ConversionRateStep, 'f', -1, 64), strconv.Itoa(st.Dropoff), strconv.FormatFloat(st.DropoffRate, 'f', -1, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// chartSummary is the chart's text alternative: the headline, with the
// table below for the detail.
func chartSummary(rep *FunnelReport) string {
	if rep.Entered() == 0 {
		return "No visitors reached the first step in this period."
	}
	biggest := 0
	for i, st := range rep.Steps {
		if st.Dropoff > rep.Steps[biggest].Dropoff {
			biggest = i
		}
	}
	msg := fmt.Sprintf("%d %s reached the first step and %d (%s) the last.",
		rep.Entered(), plural(rep.Entered(), "visitor", "visitors"), rep.Completed(), pct(rep.ConversionRate()))
	if st := rep.Steps[biggest]; st.Dropoff > 0 {
		msg += fmt.Sprintf(" The biggest drop-off is before step %d, %s: %d %s (%s).",
			biggest+1, st.Goal.DisplayName, st.Dropoff, plural(st.Dropoff, "visitor", "visitors"), pct(st.DropoffRate))
	}
	return msg + " The table below gives every step."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pct formats a percentage with at most two decimals: 25%, 33.33%.
func pct(v float64) string {
	// One decimal, as every page of liveops writes a percentage; the CSV
	// keeps the exact figure.
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0") + "%"
}
