package kpi

import (
	"math"
	"time"
)

// reportJSON is a report as the API and the open data give it.
type reportJSON struct {
	Service     serviceJSON           `json:"service"`
	From        string                `json:"from"`
	To          string                `json:"to"`
	Interval    Interval              `json:"interval"`
	Previous    periodJSON            `json:"previous_period"`
	Currency    string                `json:"currency"`
	KPIs        map[Name]headlineJSON `json:"kpis"`
	Inputs      inputsJSON            `json:"inputs"`
	Series      []pointJSON           `json:"series"`
	LastUpdated *string               `json:"last_updated"`
	GeneratedAt string                `json:"generated_at"`
}

type serviceJSON struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

type periodJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// measureWithChannels is a measure and, for cost per transaction, the
// measure of each channel with costs of its own.
type measureWithChannels struct {
	measureJSON
	ByChannel map[Channel]Measure `json:"by_channel,omitempty"`
}

// headlineJSON is a KPI over the report's period, with the period before,
// the change and its target.
type headlineJSON struct {
	measureWithChannels
	Previous *float64    `json:"previous"`
	Change   *float64    `json:"change"`
	Trend    *Trend      `json:"trend"`
	Target   *targetJSON `json:"target"`
	Rating   *Rating     `json:"rating"`
}

type targetJSON struct {
	Value     float64   `json:"value"`
	Direction Direction `json:"direction"`
}

type pointJSON struct {
	From   string                       `json:"from"`
	To     string                       `json:"to"`
	KPIs   map[Name]measureWithChannels `json:"kpis"`
	Inputs inputsJSON                   `json:"inputs"`
}

type inputsJSON struct {
	Transactions         map[Channel]channelJSON `json:"transactions"`
	CompletedAllChannels float64                 `json:"completed_all_channels"`
	Satisfaction         satisfactionJSON        `json:"satisfaction"`
	Costs                costsJSON               `json:"costs"`
	Freshness            []freshnessJSON         `json:"freshness,omitempty"`
}

type channelJSON struct {
	Started    float64 `json:"started"`
	Completed  float64 `json:"completed"`
	Figures    int     `json:"figures"`
	FunnelDays *int    `json:"funnel_days,omitempty"`
}

type satisfactionJSON struct {
	Answers   int            `json:"answers"`
	Satisfied int            `json:"satisfied"`
	Ratings   map[string]int `json:"ratings"`
}

type costsJSON struct {
	Total                  float64             `json:"total"`
	ByChannel              map[Channel]float64 `json:"by_channel"`
	Figures                int                 `json:"figures"`
	Days                   int                 `json:"days"`
	CoveredDays            int                 `json:"covered_days"`
	CompletedOnCoveredDays float64             `json:"completed_on_covered_days"`
}

type freshnessJSON struct {
	Input           InputKind `json:"input"`
	Channel         *Channel  `json:"channel"`
	Label           string    `json:"label"`
	Source          string    `json:"source"`
	LastUpdated     *string   `json:"last_updated"`
	DataUntil       *string   `json:"data_until"`
	ExpectedAgeDays int       `json:"expected_age_days"`
	Stale           bool      `json:"stale"`
	Note            *string   `json:"note"`
}

// ratingNames are the keys of the satisfaction ratings, 1 to 5.
var ratingNames = [5]string{"very_dissatisfied", "dissatisfied", "neither", "satisfied", "very_satisfied"}

// toJSON is the report in the API's shape.
func (r *Report) toJSON() reportJSON {
	out := reportJSON{
		Service: serviceJSON{Slug: r.Service.Slug, Name: r.Service.Name, Description: r.Service.Description},
		From:    r.From(), To: r.To(), Interval: r.Interval,
		Previous:    periodJSON{r.PreviousFrom(), r.PreviousTo()},
		Currency:    r.Settings.Currency,
		KPIs:        map[Name]headlineJSON{},
		Inputs:      r.inputsJSON(r.Counts),
		Series:      make([]pointJSON, len(r.Series)),
		GeneratedAt: r.Now.UTC().Format(time.RFC3339),
	}
	for _, a := range r.Assessments {
		h := headlineJSON{measureWithChannels: withChannels(a.Name, a.Current, r.KPIs)}
		if a.Previous.Known {
			h.Previous = ptr(a.Previous.Value)
		}
		if a.Trend != "" {
			h.Change, h.Trend = ptr(a.Change), ptr(a.Trend)
		}
		if a.HasTarget {
			h.Target = &targetJSON{Value: a.Target.Value(), Direction: a.Target.Direction}
		}
		if a.Rating != "" {
			h.Rating = ptr(a.Rating)
		}
		out.KPIs[a.Name] = h
	}
	for _, f := range r.Inputs {
		fj := freshnessJSON{Input: f.Input, Label: f.Label(), Source: f.Source, ExpectedAgeDays: f.ExpectedAge, Stale: f.Stale}
		if f.Channel != "" {
			fj.Channel = ptr(f.Channel)
		}
		if !f.LastUpdated.IsZero() {
			fj.LastUpdated = ptr(f.LastUpdated.UTC().Format(time.RFC3339))
		}
		if f.DataUntil != "" {
			fj.DataUntil = ptr(f.DataUntil)
		}
		if f.Note != "" {
			fj.Note = ptr(f.Note)
		}
		out.Inputs.Freshness = append(out.Inputs.Freshness, fj)
	}
	if t := r.LastUpdated(); !t.IsZero() {
		out.LastUpdated = ptr(t.UTC().Format(time.RFC3339))
	}
	for i, p := range r.Series {
		pj := pointJSON{From: p.From(), To: p.To(), KPIs: map[Name]measureWithChannels{}, Inputs: r.inputsJSON(p.Counts)}
		for _, n := range []Name{CompletionRate, DigitalTakeUp, UserSatisfaction, SatisfactionScore, CostPerTransaction} {
			pj.KPIs[n] = withChannels(n, p.KPIs.Get(n), p.KPIs)
		}
		out.Series[i] = pj
	}
	return out
}

func withChannels(n Name, m Measure, k KPIs) measureWithChannels {
	out := measureWithChannels{measureJSON: m.fields()}
	if n == CostPerTransaction && len(k.CostByChannel) > 0 {
		out.ByChannel = map[Channel]Measure{}
		for _, cm := range k.CostByChannel {
			out.ByChannel[cm.Channel] = cm.Measure
		}
	}
	return out
}

// inputsJSON is the counts behind the KPIs; counts are rounded to two
// decimals (a month's share may be fractional), money to the currency's
// minor unit.
func (r *Report) inputsJSON(c Counts) inputsJSON {
	unit := float64(pow10(r.Digits()))
	out := inputsJSON{
		Transactions:         map[Channel]channelJSON{},
		CompletedAllChannels: round2(c.CompletedAll()),
		Satisfaction:         satisfactionJSON{Answers: c.Answers(), Satisfied: c.Satisfied(), Ratings: map[string]int{}},
		Costs: costsJSON{Total: math.Round(c.TotalCost()) / unit, ByChannel: map[Channel]float64{},
			Days: c.Days, CoveredDays: c.CoveredDays, CompletedOnCoveredDays: round2(c.CompletedCovered)},
	}
	for i, ch := range Channels {
		cj := channelJSON{Started: round2(c.Started[i]), Completed: round2(c.Completed[i]), Figures: c.Figures[i]}
		if ch == Digital {
			cj.FunnelDays = ptr(c.FunnelDays)
		}
		out.Transactions[ch] = cj
	}
	for i, n := range c.Ratings {
		out.Satisfaction.Ratings[ratingNames[i]] = n
	}
	for i, v := range c.Cost {
		if c.CostFigures[i] == 0 {
			continue
		}
		ch := AllChannels
		if i < numChannels {
			ch = Channels[i]
		}
		out.Costs.ByChannel[ch] = math.Round(v) / unit
		out.Costs.Figures += c.CostFigures[i]
	}
	return out
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func ptr[T any](v T) *T { return &v }
