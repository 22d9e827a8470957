package kpi

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Measure is one KPI's value over a period, or why there is none.
type Measure struct {
	Value  float64 // a fraction from 0 to 1, or an amount in currency units
	Known  bool    // false when it cannot be computed; Reason says why
	Reason string
	Points int // the figures (or answers) behind it
}

// MarshalJSON writes {"value": 0.81, "reason": null, "points": 31}, or a
// null value with the reason.
func (m Measure) MarshalJSON() ([]byte, error) {
	return json.Marshal(m.fields())
}

type measureJSON struct {
	Value  *float64 `json:"value"`
	Reason *string  `json:"reason"`
	Points int      `json:"points"`
}

func (m Measure) fields() measureJSON {
	out := measureJSON{Points: m.Points}
	if m.Known {
		v := m.Value
		out.Value = &v
	} else {
		r := m.Reason
		out.Reason = &r
	}
	return out
}

func known(v float64, points int) Measure { return Measure{Value: v, Known: true, Points: points} }

func unknown(reason string, points int) Measure { return Measure{Reason: reason, Points: points} }

// KPIs are the measures over one period.
type KPIs struct {
	CompletionRate     Measure
	DigitalTakeUp      Measure
	UserSatisfaction   Measure
	SatisfactionScore  Measure
	CostPerTransaction Measure
	// CostByChannel is cost per transaction of each channel that has costs
	// of its own, in the order of Channels.
	CostByChannel []ChannelMeasure
}

// ChannelMeasure is a measure of one channel.
type ChannelMeasure struct {
	Channel Channel
	Measure
}

// Get returns the measure called n.
func (k *KPIs) Get(n Name) Measure {
	switch n {
	case CompletionRate:
		return k.CompletionRate
	case DigitalTakeUp:
		return k.DigitalTakeUp
	case UserSatisfaction:
		return k.UserSatisfaction
	case SatisfactionScore:
		return k.SatisfactionScore
	}
	return k.CostPerTransaction
}

// Why a measure cannot be computed, as the API and pages say it.
const (
	reasonNoDigital     = "No digital transactions were counted: choose the service’s main funnel in the KPI settings, or submit digital figures."
	reasonNoStarts      = "No digital transactions were started in this period."
	reasonNoCompletions = "No transactions were completed in this period, through any channel."
	reasonNoAnswers     = "No one answered the satisfaction survey in this period."
	reasonNoCosts       = "No costs were given for any day of this period."
	reasonNoCoveredTx   = "No transactions were completed on the days the costs cover."
	reasonSomeCosts     = "Costs were given for some channels only, and not shared costs for all of them: give costs for "
)

// kpis computes the measures from the counts, exactly as DESIGN.md
// defines them. funnel says whether a main funnel counted digital
// transactions; digits is the currency's number of decimal places.
func (c *Counts) kpis(funnel bool, digits int) KPIs {
	var k KPIs
	dig := Digital.index()

	// Days whose digital transactions are unknown make every measure that
	// counts them unknown: leaving them out would read as 0 transactions.
	pruned := ""
	if c.UnknownDays > 0 {
		pruned = fmt.Sprintf("The digital transactions of %d %s of this period are unknown. %s Submit digital figures for %s to fill %s.",
			c.UnknownDays, plural(c.UnknownDays, "day", "days"), c.UnknownReason, plural(c.UnknownDays, "that day", "those days"), plural(c.UnknownDays, "it", "them"))
	}

	// Completion rate: digital completed ÷ digital started.
	switch {
	case pruned != "":
		k.CompletionRate = unknown(pruned, c.Figures[dig])
	case c.Started[dig] > 0:
		k.CompletionRate = known(c.Completed[dig]/c.Started[dig], c.Figures[dig])
	case !funnel && c.Figures[dig] == 0:
		k.CompletionRate = unknown(reasonNoDigital, 0)
	default:
		k.CompletionRate = unknown(reasonNoStarts, c.Figures[dig])
	}

	// Digital take-up: digital completed ÷ completed through every channel.
	figures := 0
	for _, n := range c.Figures {
		figures += n
	}
	switch all := c.CompletedAll(); {
	case pruned != "":
		k.DigitalTakeUp = unknown(pruned, figures)
	case !funnel && c.Figures[dig] == 0:
		// Nothing counts the digital channel: its share is unknown, not 0.
		k.DigitalTakeUp = unknown(reasonNoDigital, figures)
	case all > 0:
		k.DigitalTakeUp = known(c.Completed[dig]/all, figures)
	default:
		k.DigitalTakeUp = unknown(reasonNoCompletions, figures)
	}

	// User satisfaction: (satisfied + very satisfied) ÷ all answers, and the
	// score (mean rating − 1) ÷ 4, 0 when all are very dissatisfied.
	if n := c.Answers(); n > 0 {
		k.UserSatisfaction = known(float64(c.Satisfied())/float64(n), n)
		sum := 0
		for i, v := range c.Ratings {
			sum += (i + 1) * v
		}
		k.SatisfactionScore = known((float64(sum)/float64(n)-1)/4, n)
	} else {
		k.UserSatisfaction = unknown(reasonNoAnswers, 0)
		k.SatisfactionScore = unknown(reasonNoAnswers, 0)
	}

	// Cost per transaction: the cost ÷ the transactions completed on the
	// days the costs cover (the whole period when they cover it all).
	unit := float64(pow10(digits))
	costFigures := 0
	for _, n := range c.CostFigures {
		costFigures += n
	}
	var uncosted []string
	if c.CostFigures[costIndexAll] == 0 {
		for i, ch := range Channels {
			if c.CostFigures[i] == 0 && c.Completed[i] > 0 {
				uncosted = append(uncosted, ch.Label())
			}
		}
	}
	switch {
	case costFigures == 0:
		k.CostPerTransaction = unknown(reasonNoCosts, 0)
	case pruned != "":
		k.CostPerTransaction = unknown(pruned, costFigures)
	case len(uncosted) > 0:
		// Some channels' costs alone over every channel's transactions
		// would read as a cost per transaction lower than any channel's.
		k.CostPerTransaction = unknown(reasonSomeCosts+strings.ToLower(strings.Join(uncosted, ", "))+".", costFigures)
	case c.CompletedCovered > 0:
		k.CostPerTransaction = known(c.TotalCost()/unit/c.CompletedCovered, costFigures)
	default:
		k.CostPerTransaction = unknown(reasonNoCoveredTx, costFigures)
	}
	for i, ch := range Channels {
		switch {
		case c.CostFigures[i] == 0:
			continue
		case pruned != "" && ch == Digital:
			k.CostByChannel = append(k.CostByChannel, ChannelMeasure{ch, unknown(pruned, c.CostFigures[i])})
		case c.CompletedCoveredBy[i] > 0:
			k.CostByChannel = append(k.CostByChannel, ChannelMeasure{ch, known(c.Cost[i]/unit/c.CompletedCoveredBy[i], c.CostFigures[i])})
		default:
			k.CostByChannel = append(k.CostByChannel, ChannelMeasure{ch, unknown(reasonNoCoveredTx, c.CostFigures[i])})
		}
	}
	return k
}
