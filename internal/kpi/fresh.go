package kpi

import (
	"context"
	"fmt"
	"time"

	"github.com/liveops/liveops/internal/catalog"
)

// Freshness says when one input was last updated and whether that is
// longer ago than the service expects.
type Freshness struct {
	Input   InputKind
	Channel Channel // the channel of an InputChannels row; "" when none was ever submitted
	Source  string  // where the figures come from, in words
	// LastUpdated is when the input last changed: the last upload, or for
	// the funnel the end of the last day a visit started it. Zero when it
	// is not known (never, or the survey, which only says how many answers
	// came in lately).
	LastUpdated time.Time
	DataUntil   string // the last day the figures reach, "" when not known
	ExpectedAge int    // days
	Stale       bool
	// Missing is a stale input that never had figures: a service that has
	// just started is told what to provide first, not that it is late.
	Missing bool
	Note    string
}

// NextStep says what to do to provide a missing input, and where.
func (f Freshness) NextStep(slug string) (text, path string) {
	base := "/services/" + slug
	switch f.Input {
	case InputDigital:
		return "choose the service’s main funnel (its first step starts a transaction, its last completes one)", base + "/kpis/settings"
	case InputChannels:
		return "upload the transactions completed by phone, on paper or face to face", base + "/kpis/transactions"
	case InputCosts:
		return "upload what running the service costs", base + "/kpis/costs"
	case InputSatisfaction:
		return "link to the satisfaction survey from the service’s confirmation page", base + "/feedback/settings"
	}
	return "", ""
}

// Label names the input: "Digital transactions", "Phone transactions".
func (f Freshness) Label() string {
	if f.Input == InputChannels && f.Channel != "" {
		return f.Channel.Label() + " transactions"
	}
	return f.Input.Label()
}

// staleAfter reports whether t is older than days before now (or unknown).
func staleAfter(t, now time.Time, days int) bool {
	return t.IsZero() || now.Sub(t) > time.Duration(days)*24*time.Hour
}

// submitted is an input's row of kpi_inputs.
type submitted struct {
	updated time.Time
	until   day
}

// freshness reports on every input of the service as of now.
func (k *KPI) freshness(ctx context.Context, svc *catalog.Service, s Settings) ([]Freshness, error) {
	now := k.Now()
	inputs, err := k.submittedInputs(ctx, svc.ID)
	if err != nil {
		return nil, err
	}
	digital, err := k.digitalFreshness(ctx, svc, s, inputs[string(Digital)], now)
	if err != nil {
		return nil, err
	}
	out := []Freshness{digital}

	age := s.ExpectedAge[InputChannels]
	others := 0
	for _, ch := range Channels[1:] {
		in, ok := inputs[string(ch)]
		if !ok {
			continue
		}
		others++
		out = append(out, Freshness{Input: InputChannels, Channel: ch, Source: "Submitted figures", LastUpdated: in.updated,
			DataUntil: in.until.String(), ExpectedAge: age, Stale: staleAfter((in.until + 1).start(svc.Location()), now, age)})
	}
	if others == 0 {
		out = append(out, Freshness{Input: InputChannels, Source: "None submitted", ExpectedAge: age, Stale: true,
			Note: "No figures from channels other than digital were submitted, so digital take-up counts digital transactions only."})
	}

	age = s.ExpectedAge[InputCosts]
	costs := Freshness{Input: InputCosts, Source: "Submitted costs", ExpectedAge: age}
	// Stale is judged by how old the figures are, not when they were sent:
	// re-sending last year's figures today does not make them fresh.
	costs.Stale = true
	if in, ok := inputs[string(InputCosts)]; ok {
		costs.LastUpdated, costs.DataUntil = in.updated, in.until.String()
		costs.Stale = staleAfter((in.until + 1).start(svc.Location()), now, age)
	} else {
		costs.Source, costs.Note = "None submitted", "No costs were submitted, so there is no cost per transaction."
	}
	out = append(out, costs)

	age = s.ExpectedAge[InputSatisfaction]
	sat := Freshness{Input: InputSatisfaction, Source: "The satisfaction survey", ExpectedAge: age}
	ratings, connected, err := k.satisfaction(ctx, svc, now.Add(-time.Duration(age)*24*time.Hour), now)
	switch {
	case err != nil:
		return nil, err
	case !connected:
		sat.Source, sat.Stale, sat.Note = "Not connected", true, "The satisfaction survey is not connected."
	default:
		n := 0
		for _, v := range ratings {
			n += v
		}
		sat.Stale = n == 0
		sat.Note = fmt.Sprintf("%s in the last %d %s.", answers(n), age, plural(age, "day", "days"))
		if sat.LastUpdated, err = k.lastAnswer(ctx, svc); err != nil {
			return nil, err
		}
	}
	out = append(out, sat)
	for i := range out {
		out[i].Missing = out[i].Stale && out[i].LastUpdated.IsZero() && out[i].DataUntil == ""
	}
	return out, nil
}

// digitalFreshness is the later of the main funnel's last day with a
// start and the last submitted digital figures. The funnel's is looked
// for over twice the expected age, at least a month and at most
// maxLookBack days: further back it is stale and unknown.
func (k *KPI) digitalFreshness(ctx context.Context, svc *catalog.Service, s Settings, in submitted, now time.Time) (Freshness, error) {
	age := s.ExpectedAge[InputDigital]
	f := Freshness{Input: InputDigital, ExpectedAge: age, LastUpdated: in.updated}
	if !in.updated.IsZero() {
		f.Source, f.DataUntil = "Submitted figures", in.until.String()
	}
	if s.MainFunnelID != 0 && k.opt.Metrics != nil {
		loc := svc.Location()
		today := dayAt(now, loc)
		first := today - day(age)
		back := today - day(min(max(2*age, 31), maxLookBack))
		days, found, err := k.recentFunnelDays(ctx, svc, s.MainFunnelID, age, back.start(loc), (today + 1).start(loc), now)
		if err != nil {
			return f, fmt.Errorf("count recent transactions of funnel %d: %w", s.MainFunnelID, err)
		}
		source := "The service’s main funnel"
		if f.Source != "" {
			source += ", and submitted figures"
		}
		f.Source = source
		for i := len(days) - 1; i >= 0; i-- {
			if days[i].started == 0 {
				continue
			}
			d := days[i].day
			end := (d + 1).start(loc)
			if now.Before(end) {
				end = now
			}
			if end.After(f.LastUpdated) {
				f.LastUpdated, f.DataUntil = end, d.String()
			}
			break
		}
		if found && f.LastUpdated.Before(first.start(loc)) {
			f.Note = fmt.Sprintf("No visit started the main funnel in the last %d %s: check that the tracker is on the start page.", age, plural(age, "day", "days"))
		}
	}
	if f.Source == "" {
		f.Source = "None"
		f.Note = "No main funnel is chosen and no digital figures were submitted."
	}
	f.Stale = staleAfter(f.LastUpdated, now, age)
	return f, nil
}

// maxLookBack bounds how far back the funnel's last start is looked for.
const maxLookBack = 400

// submittedInputs reads kpi_inputs by input.
func (k *KPI) submittedInputs(ctx context.Context, serviceID int64) (map[string]submitted, error) {
	rows, err := k.db.QueryContext(ctx, `SELECT input, updated_at, data_until FROM kpi_inputs WHERE service_id = $1`, serviceID)
	if err != nil {
		return nil, fmt.Errorf("read kpi inputs of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	out := map[string]submitted{}
	for rows.Next() {
		var name string
		var in submitted
		var until int
		if err := rows.Scan(&name, &in.updated, &until); err != nil {
			return nil, fmt.Errorf("read kpi inputs of service %d: %w", serviceID, err)
		}
		in.until = day(until)
		out[name] = in
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read kpi inputs of service %d: %w", serviceID, err)
	}
	return out, nil
}

func answers(n int) string {
	if n == 0 {
		return "No answers"
	}
	return fmt.Sprintf("%s %s", groupThousands(fmt.Sprint(n)), plural(n, "answer", "answers"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// recentFunnelDays is the funnel's transactions of [from, to), as the
// registry counts them, reused for funnelSeenFor.
func (k *KPI) recentFunnelDays(ctx context.Context, svc *catalog.Service, funnel int64, age int, from, to, now time.Time) ([]funnelDay, bool, error) {
	key := funnelSeenKey{svc.ID, funnel, age}
	k.mu.Lock()
	e, ok := k.funnelSeen[key]
	k.mu.Unlock()
	if ok && now.Sub(e.at) < funnelSeenFor && !now.Before(e.at) {
		return e.days, true, nil
	}
	days, found, err := k.funnelDays(ctx, svc, funnel, from, to)
	if err != nil || !found {
		return days, found, err
	}
	k.mu.Lock()
	if len(k.funnelSeen) > 10_000 {
		clear(k.funnelSeen)
	}
	k.funnelSeen[key] = funnelSeenEntry{days: days, at: now}
	k.mu.Unlock()
	return days, true, nil
}
