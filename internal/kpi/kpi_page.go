package kpi

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// reportView is a report as the KPI page and the public page show it.
type reportView struct {
	*Report
	Figures      []figureView
	Score        figureView
	CostChannels []ChannelMeasure
	Charts       []chartView
	ChannelChart template.HTML
	ChannelRows  []channelRow
	Totals       []channelTotal
	Channels     [numChannels]Channel
	InputRows    []inputView
}

func newReportView(rep *Report) *reportView {
	return &reportView{
		Report:       rep,
		Figures:      rep.figures(Headline),
		Score:        rep.figures([]Name{SatisfactionScore})[0],
		CostChannels: rep.KPIs.CostByChannel,
		Charts:       rep.charts(),
		ChannelChart: channelChart(rep.Series, rep.Interval),
		ChannelRows:  rep.channelRows(),
		Totals:       rep.channelTotals(),
		Channels:     Channels,
		InputRows:    rep.inputViews(),
	}
}

// Money formats a cost per transaction for the templates.
func (v *reportView) Money(m Measure) string {
	if !m.Known {
		return "No figure"
	}
	return formatMoney(m.Value, v.Settings.Currency)
}

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
	d.View = newReportView(rep)
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
