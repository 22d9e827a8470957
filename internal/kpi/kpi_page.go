package kpi

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// reportView is a report as the KPI page and the public page show it, in
// the page's language.
type reportView struct {
	*Report
	Figures      []figureView
	Score        figureView
	Charts       []chartView
	ChannelChart template.HTML
	ChannelRows  []channelRow
	Totals       []channelTotal
	Channels     [numChannels]Channel
	InputRows    []inputView
	// Before names the period before, for "Changes are against …"; the
	// dates are the period's and the period before's, written for the page.
	Before                                     string
	FromText, ToText, PrevFromText, PrevToText string
	// HasPrevious is whether the period before has any measure to compare with.
	HasPrevious bool

	au audience
}

func newReportView(rep *Report, au audience) *reportView {
	v := &reportView{
		Report:       rep,
		Figures:      rep.figures(Headline, au),
		Score:        rep.figures([]Name{SatisfactionScore}, au)[0],
		Charts:       rep.charts(au),
		ChannelChart: channelChart(rep.Series, rep.Interval, au),
		ChannelRows:  rep.channelRows(),
		Totals:       rep.channelTotals(au),
		Channels:     Channels,
		InputRows:    rep.inputViews(au),
		Before:       au.before(rep),
		FromText:     au.date(rep.period.First),
		ToText:       au.date(rep.period.Last),
		PrevFromText: au.date(rep.previous.First),
		PrevToText:   au.date(rep.previous.Last),
		au:           au,
	}
	// Counts without a measure (phone calls, but no digital figures)
	// compare with nothing the page shows first.
	for _, a := range rep.Assessments {
		v.HasPrevious = v.HasPrevious || a.Previous.Known
	}
	return v
}

// T translates msg into the page's language, for the templates.
func (v *reportView) T(msg string, args ...any) string { return v.au.t(msg, args...) }

// kpiPageData is the KPI page: the period form, and the report when the
// period is valid.
type kpiPageData struct {
	Service   *catalog.Service
	CanWrite  bool
	Form      periodQuery
	Intervals []Interval
	View      *reportView // nil when the period is not valid
	Query     string      // the period's query string, for the CSV link
}

// kpiPage shows the service's KPIs over ?from, ?to by ?interval (the last
// 12 whole months by month when they are absent): the headline figures
// with trend and target, a chart and table per KPI, transactions by
// channel, and the inputs with their freshness.
func (h *Handler) kpiPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	d := &kpiPageData{Service: s, CanWrite: auth.From(r.Context()).CanWrite(s.ID), Intervals: Intervals}
	q, from, to, iv, err := h.readPeriod(r, s)
	d.Form = q
	var rep *Report
	if err == nil {
		rep, err = h.kpi.Report(r.Context(), s, from, to, iv)
	}
	if e, ok := web.AsError(err); ok && e.Status == http.StatusBadRequest {
		return h.pages.Render(w, r, http.StatusBadRequest, "kpi/kpis", d, FormErrors{{Field: e.Field, Message: capitalise(e.Message)}})
	}
	if err != nil {
		return err
	}
	d.View = newReportView(rep, teamPage(d.CanWrite))
	d.Query = "?" + url.Values{"from": {rep.From()}, "to": {rep.To()}, "interval": {string(rep.Interval)}}.Encode()
	return h.pages.Render(w, r, http.StatusOK, "kpi/kpis", d, nil)
}

// capitalise starts an API message as a sentence for a page.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
