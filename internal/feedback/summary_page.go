package feedback

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/themes"
	"github.com/liveops/liveops/internal/web"
)

// MaxSummaryDays bounds the period of the summaries page.
const MaxSummaryDays = 366

// summaryData is the summaries page.
type summaryData struct {
	Service      *catalog.Service
	From, To     string // the period's first and last days, as the form shows them
	PrevFrom     string // the period before, of equal length
	PrevTo       string
	Ready        bool // the period is valid and summarised
	S            *Summary
	Pages        []pageRow
	Bars         []barRow
	ChartHeight  int
	Trend        []trendRow
	Words        []themeRow
	Phrases      []themeRow
	Score, Share string
}

type pageRow struct {
	PageSummary
	Share string // of "yes", or "–" without answers
	Link  string // the inbox, filtered to the page and period
}

type barRow struct {
	Rating  int
	Label   string
	Count   int
	Percent string
	Width   int // of the bar, out of chartWidth
	Y       int
}

type trendRow struct {
	Label   string
	Answers int
	Score   string
	Share   string
}

type themeRow struct {
	Term     string
	Count    int
	Previous int
	Change   string
	Link     string
}

const chartWidth = 300

// summaryPage answers GET /services/{slug}/feedback/summary?from=&to=:
// dates in the service's zone, both included; the last 30 days by default.
func (h *Handler) summaryPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	loc := s.Location()
	q := r.URL.Query()
	d := &summaryData{Service: s, From: q.Get("from"), To: q.Get("to")}
	y, m, dd := h.Now().In(loc).Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, loc)
	if d.From == "" && d.To == "" {
		d.From, d.To = today.AddDate(0, 0, -29).Format(time.DateOnly), today.Format(time.DateOnly)
	}
	var errs web.FormErrors
	first, ok1 := parseDay(d.From, loc)
	if !ok1 {
		errs.Add("from", "Enter the first day of the period as a date such as 2026-01-31")
	}
	last, ok2 := parseDay(d.To, loc)
	if !ok2 {
		errs.Add("to", "Enter the last day of the period as a date such as 2026-01-31")
	}
	switch {
	case !ok1 || !ok2:
	case last.Before(first):
		errs.Add("to", "The last day must be the same as or after the first day")
	case last.Sub(first) > (MaxSummaryDays-1)*24*time.Hour+time.Hour:
		errs.Add("to", fmt.Sprintf("The period must be %d days or shorter", MaxSummaryDays))
	}
	if len(errs) > 0 {
		return h.pages.Render(w, r, http.StatusBadRequest, "feedback/summary", d, errs)
	}
	from, to := first, nextDay(last, loc)
	sum, err := h.fb.Summarize(r.Context(), s.ID, from, to, loc)
	if err != nil {
		return err
	}
	d.Ready, d.S = true, sum
	days := int(to.Sub(from).Round(24*time.Hour) / (24 * time.Hour))
	d.PrevFrom, d.PrevTo = first.AddDate(0, 0, -days).Format(time.DateOnly), first.AddDate(0, 0, -1).Format(time.DateOnly)
	inbox := func(v url.Values) string {
		v.Set("from", d.From)
		v.Set("to", d.To)
		return "/services/" + s.Slug + "/feedback?" + v.Encode()
	}
	for _, p := range sum.Pages {
		row := pageRow{PageSummary: p, Share: "–", Link: inbox(url.Values{"page_path": {p.Page}})}
		if share, ok := p.UsefulShare(); ok {
			row.Share = percent(share)
		}
		d.Pages = append(d.Pages, row)
	}
	total := sum.Satisfaction.Total()
	for i, rt := range surveyRatings {
		n := sum.Satisfaction.Of(rt.Value)
		b := barRow{Rating: rt.Value, Label: rt.Label, Count: n, Percent: "–", Y: i * 32}
		if total > 0 {
			b.Percent = percent(float64(n) / float64(total))
			b.Width = n * chartWidth / total
		}
		d.Bars = append(d.Bars, b)
	}
	d.ChartHeight = len(d.Bars) * 32
	d.Score, d.Share = "–", "–"
	if total > 0 {
		d.Score, d.Share = percent(sum.Satisfaction.Score()), percent(sum.Satisfaction.SatisfiedShare())
	}
	for _, p := range sum.Trend {
		row := trendRow{Label: periodLabel(p, loc, sum.Monthly), Answers: p.Counts.Total(), Score: "–", Share: "–"}
		if row.Answers > 0 {
			row.Score, row.Share = percent(p.Counts.Score()), percent(p.Counts.SatisfiedShare())
		}
		d.Trend = append(d.Trend, row)
	}
	themeRows := func(list []themeRow, top []themes.Theme) []themeRow {
		for _, t := range top {
			list = append(list, themeRow{Term: t.Term, Count: t.Count, Previous: t.Previous,
				Change: fmt.Sprintf("%+d", t.Count-t.Previous), Link: inbox(url.Values{"theme": {t.Term}})})
		}
		return list
	}
	d.Words, d.Phrases = themeRows(nil, sum.Words), themeRows(nil, sum.Phrases)
	return h.pages.Render(w, r, http.StatusOK, "feedback/summary", d, nil)
}

// percent writes a share of 0 to 1 as a whole percentage.
func percent(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }

// periodLabel names a month ("June 2026"), or a week by its days ("1 to 7
// Jun 2026"), which for the first and last may be fewer than seven.
func periodLabel(p TrendPoint, loc *time.Location, monthly bool) string {
	first, last := p.Start.In(loc), p.End.In(loc).Add(-time.Nanosecond)
	switch {
	case monthly:
		return first.Format("January 2006")
	case first.YearDay() == last.YearDay() && first.Year() == last.Year():
		return first.Format("2 Jan 2006")
	case first.Year() != last.Year():
		return first.Format("2 Jan 2006") + " to " + last.Format("2 Jan 2006")
	case first.Month() != last.Month():
		return first.Format("2 Jan") + " to " + last.Format("2 Jan 2006")
	}
	return first.Format("2") + " to " + last.Format("2 Jan 2006")
}
