package kpi

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/liveops/liveops/internal/web"
)

// exportCSV answers GET /services/{slug}/kpis/export.csv with the
// series of the period the KPI page shows, a row per point.
func (h *Handler) exportCSV(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	_, from, to, iv, err := h.readPeriod(r, s)
	if err != nil {
		return err
	}
	rep, err := h.kpi.Report(r.Context(), s, from, to, iv)
	if err != nil {
		return err
	}
	web.CSVDownload(w, fmt.Sprintf("%s-kpis-%s-%s-by-%s.csv", s.Slug, rep.From(), rep.To(), rep.Interval))
	return rep.writeCSV(w)
}

// csvHeader names the columns of the series CSV: the period, the five
// measures (rates as fractions, cost in currency units; empty when there
// is no figure), then their inputs.
func csvHeader() []string {
	h := []string{"from", "to", string(CompletionRate), string(DigitalTakeUp), string(UserSatisfaction), string(SatisfactionScore), string(CostPerTransaction)}
	for _, ch := range Channels {
		h = append(h, string(ch)+"_started", string(ch)+"_completed")
	}
	return append(h, "completed_all_channels", "survey_answers", "satisfied_answers", "cost_total", "cost_covered_days", "currency")
}

// writeCSV writes the series, a row per point.
func (r *Report) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader())
	unit := float64(pow10(r.Digits()))
	for _, p := range r.Series {
		row := []string{p.From(), p.To()}
		for _, n := range []Name{CompletionRate, DigitalTakeUp, UserSatisfaction, SatisfactionScore, CostPerTransaction} {
			row = append(row, csvMeasure(p.KPIs.Get(n)))
		}
		c := p.Counts
		for i := range numChannels {
			row = append(row, csvNumber(round2(c.Started[i])), csvNumber(round2(c.Completed[i])))
		}
		row = append(row, csvNumber(round2(c.CompletedAll())), strconv.Itoa(c.Answers()), strconv.Itoa(c.Satisfied()),
			strconv.FormatFloat(c.TotalCost()/unit, 'f', r.Digits(), 64), strconv.Itoa(c.CoveredDays), r.Settings.Currency)
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func csvMeasure(m Measure) string {
	if !m.Known {
		return ""
	}
	return csvNumber(m.Value)
}

func csvNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
