package kpi

import "strings"

// explanation is a headline figure in plain words: what it means for the
// service over the period, worked out from the figures behind it, and how
// it compares with the period before; or why it cannot be worked out and,
// on the team's page, what to do about it.
type explanation struct {
	Text     string
	Step     string // the team's next step, "" for none
	StepPath string // where to take it, "" when the reader may not
}

// explain explains assessment a of the report for the audience.
func (r *Report) explain(a Assessment, au audience) explanation {
	var e explanation
	if a.Current.Known {
		e.Text = r.meaning(a.Name, a.Current, au)
	} else {
		e = r.missing(a.Name, a.Current, au)
	}
	if c := r.comparison(a, au); c != "" {
		e.Text += " " + c
	}
	return e
}

// meaning says what a known figure stands for, with the counts it comes from.
func (r *Report) meaning(n Name, m Measure, au audience) string {
	c, dig := &r.Counts, Digital.index()
	share := formatPercent(m.Value)
	switch n {
	case CompletionRate:
		return au.t("%s of the transactions started online were completed (%s of %s).", share, formatCount(c.Completed[dig]), formatCount(c.Started[dig]))
	case DigitalTakeUp:
		return au.t("%s of all the transactions completed, through every channel, were completed online (%s of %s).", share, formatCount(c.Completed[dig]), formatCount(c.CompletedAll()))
	case UserSatisfaction:
		return au.t("%s of the people who answered the satisfaction survey were satisfied or very satisfied (%s of %s).", share, formatCount(float64(c.Satisfied())), formatCount(float64(c.Answers())))
	case CostPerTransaction:
		cur := r.Settings.Currency
		total := formatMoney(c.TotalCost()/float64(pow10(r.Digits())), cur)
		return au.tn(c.CompletedCovered, "It cost %s on average to deliver one transaction (costs of %s over %s completed transaction).",
			"It cost %s on average to deliver one transaction (costs of %s over %s completed transactions).", formatMoney(m.Value, cur), total, formatCount(c.CompletedCovered))
	}
	return ""
}

// missing says why figure n cannot be worked out, and the team what to do.
func (r *Report) missing(n Name, m Measure, au audience) explanation {
	kpis := "/services/" + r.Service.Slug + "/kpis/"
	step := func(e explanation, text, path string) explanation {
		if au.team {
			e.Step = text
			if au.canWrite {
				e.StepPath = path
			}
		}
		return e
	}
	uploadTransactions := func(e explanation) explanation {
		return step(e, "Upload the service’s transactions.", kpis+"transactions")
	}
	uploadCosts := func(e explanation) explanation {
		return step(e, "Upload the service’s costs.", kpis+"costs")
	}
	chooseFunnel := func(e explanation) explanation {
		return step(e, "Choose the service’s main funnel in the KPI settings, or upload its digital transactions.", kpis+"settings")
	}
	e := func(msg string) explanation { return explanation{Text: au.t(msg)} }
	switch {
	case m.Reason == reasonNoDigital && n == CompletionRate:
		return chooseFunnel(e("No transactions started online were counted in this period, so the completion rate cannot be worked out."))
	case m.Reason == reasonNoDigital:
		return chooseFunnel(e("No transactions completed online were counted in this period, so the digital take-up cannot be worked out."))
	case m.Reason == reasonNoStarts:
		return e("No one started the service online in this period, so the completion rate cannot be worked out.")
	case m.Reason == reasonNoCompletions:
		return uploadTransactions(e("No transactions were completed in this period, through any channel, so the digital take-up cannot be worked out."))
	case m.Reason == reasonNoAnswers:
		return step(e("No one answered the satisfaction survey in this period, so user satisfaction cannot be worked out."),
			"Link to the satisfaction survey from the service’s confirmation page.", "/services/"+r.Service.Slug+"/feedback/settings")
	case m.Reason == reasonNoCosts:
		return uploadCosts(e("No cost figures have been uploaded for this period, so the cost per transaction cannot be worked out."))
	case strings.HasPrefix(m.Reason, reasonSomeCosts):
		return uploadCosts(e("Costs were given for some channels only, so the cost per transaction cannot be worked out."))
	case m.Reason == reasonNoCoveredTx:
		return uploadTransactions(e("No transactions were completed on the days the costs cover, so the cost per transaction cannot be worked out."))
	case r.Counts.UnknownDays > 0 && au.team:
		// The reason names the days and why the analytics cannot count them.
		return step(explanation{Text: m.Reason}, "Upload the digital transactions for those days.", kpis+"transactions")
	case r.Counts.UnknownDays > 0:
		return e("The online transactions of some days in this period are not known, so this figure cannot be worked out.")
	}
	return e("This figure cannot be worked out for this period.")
}

// comparison compares a figure with the period before's, or says there is
// nothing to compare with.
func (r *Report) comparison(a Assessment, au audience) string {
	before, cur := au.before(r), r.Settings.Currency
	switch {
	case a.Current.Known && !a.Previous.Known:
		return au.t("There are no figures for %s to compare with.", before)
	case !a.Previous.Known:
		return ""
	}
	was := formatMeasure(a.Name, a.Previous.Value, cur)
	switch {
	case !a.Current.Known:
		return au.t("In %[2]s, it was %[1]s.", was, before)
	case a.Trend == Same || was == formatMeasure(a.Name, a.Current.Value, cur):
		return au.t("That is the same as in %s.", before)
	case a.Trend == Up:
		return au.t("That is up from %[1]s in %[2]s.", was, before)
	}
	return au.t("That is down from %[1]s in %[2]s.", was, before)
}
