package kpi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
)

// CostColumns are the columns of a costs upload.
var CostColumns = []string{"from", "to", "channel", "amount"}

// MaxCostDays bounds the range of one cost: ten years.
const MaxCostDays = 3660

// CostFigure is an amount spent on a channel (or on all of them) over a
// range of days, both included, as uploads send it and the API shows it.
type CostFigure struct {
	From    string  `json:"from"`
	To      string  `json:"to"`
	Channel Channel `json:"channel"` // a channel, or "all" for costs shared by every channel
	Amount  string  `json:"amount"`  // in the service's currency, such as "12500.00"
}

// costRow is a cost as it is checked and stored.
type costRow struct {
	line    int
	channel Channel
	period  span
	amount  int64 // minor units
}

func (r costRow) key() (Channel, span, int) { return r.channel, r.period, r.line }

func (r costRow) figure(currency string) CostFigure {
	return CostFigure{From: r.period.First.String(), To: r.period.Last.String(), Channel: r.channel,
		Amount: formatFixed(r.amount, minorDigits(currency))}
}

func costName(ch Channel, s span, _ int) string {
	return fmt.Sprintf("the cost of %s from %s to %s", lowerFirst(ch.Label()), s.First, s.Last)
}

// ImportCosts reads an upload of costs — CSV with the header
// from,to,channel,amount, or a JSON array of objects with those fields —
// and submits them as SubmitCosts does; problems name the lines of body.
func (k *KPI) ImportCosts(ctx context.Context, s *catalog.Service, body []byte, f Format, dryRun bool) (*Change[CostFigure], error) {
	var ps problems
	recs := readRecords(body, CostColumns, f, &ps)
	return k.applyCosts(ctx, s, recs, &ps, dryRun)
}

// SubmitCosts stores costs for the service, all or nothing: amounts in the
// currency of its settings, from and to both included. A cost of a channel
// over exactly the range of a stored one replaces it. When any cost is
// wrong — a date that is not a day, to before from, an unknown channel, a
// negative amount or one with more decimals than the currency has, two
// costs of one channel over overlapping days in the upload or with a stored
// one — nothing is stored and the error is an *UploadError listing every
// problem. dryRun checks and reports the change without storing it.
func (k *KPI) SubmitCosts(ctx context.Context, s *catalog.Service, figs []CostFigure, dryRun bool) (*Change[CostFigure], error) {
	recs := make([]record, len(figs))
	for i, f := range figs {
		recs[i] = record{line: i + 1, row: i + 1, fields: map[string]string{
			"from": f.From, "to": f.To, "channel": string(f.Channel), "amount": f.Amount,
		}}
	}
	var ps problems
	return k.applyCosts(ctx, s, recs, &ps, dryRun)
}

func (k *KPI) applyCosts(ctx context.Context, s *catalog.Service, recs []record, ps *problems, dryRun bool) (*Change[CostFigure], error) {
	settings, err := k.Settings(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	cur := settings.Currency
	var rows []costRow
	for _, rec := range recs {
		if r, ok := checkCost(rec, cur, ps); ok {
			rows = append(rows, r)
		}
	}
	checkOverlaps(rows, ps, costName)
	if len(recs) == 0 {
		ps.add(0, 0, "", "There are no rows: give a row a line after the header")
	}
	// Rows with problems of their own are left out, but the others are
	// still checked against what is stored, so that one answer lists every
	// bad row; nothing is written while there is any problem.
	if len(rows) == 0 && len(ps.list) > 0 {
		sortProblems(ps)
		return nil, ps.err("costs")
	}
	change := &Change[CostFigure]{Added: []CostFigure{}, Replaced: []Replacement[CostFigure]{}, Unchanged: []CostFigure{}}
	err = k.db.LockedTx(ctx, lockKPI, func(tx store.Querier) error {
		reach := rows[0].period
		for _, r := range rows {
			reach = span{min(reach.First, r.period.First), max(reach.Last, r.period.Last)}
		}
		stored, err := readCosts(ctx, tx, s.ID, reach)
		if err != nil {
			return err
		}
		index := byChannel(stored)
		for _, r := range rows {
			old, found, ok := storedMatch(r, index, ps, costName)
			switch {
			case !ok:
			case !found:
				change.Added = append(change.Added, r.figure(cur))
			case old.amount == r.amount:
				change.Unchanged = append(change.Unchanged, r.figure(cur))
			default:
				change.Replaced = append(change.Replaced, Replacement[CostFigure]{Old: old.figure(cur), New: r.figure(cur)})
			}
		}
		if len(ps.list) > 0 {
			sortProblems(ps)
			return ps.err("costs")
		}
		if dryRun {
			return nil
		}
		return writeCosts(ctx, tx, s.ID, rows, k.timestamp())
	})
	var ue *UploadError
	if errors.As(err, &ue) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("submit costs of service %d: %w", s.ID, err)
	}
	return change, nil
}

// checkCost reads one row, adding a problem for each bad value.
func checkCost(rec record, currency string, ps *problems) (costRow, bool) {
	if !checkText(rec, CostColumns, ps) {
		return costRow{}, false
	}
	r := costRow{line: rec.line}
	ok := true
	bad := func(field, format string, args ...any) {
		ps.add(rec.line, rec.row, field, format, args...)
		ok = false
	}
	var okFrom, okTo bool
	for _, field := range []string{"from", "to"} {
		v := rec.fields[field]
		d, valid := parseDay(v)
		switch {
		case v == "":
			bad(field, "The date %s is missing: give a day, such as 2026-03-31", field)
		case !valid:
			bad(field, "The date %s (“%s”) is not a day such as 2026-03-31 between %d and %d", field, clip(v), minYear, maxYear)
		case field == "from":
			r.period.First, okFrom = d, true
		default:
			r.period.Last, okTo = d, true
		}
	}
	if okFrom && okTo {
		switch {
		case r.period.Last < r.period.First:
			bad("to", "The date to (%s) is before from (%s)", r.period.Last, r.period.First)
		case r.period.Days() > MaxCostDays:
			bad("to", "The range from %s to %s is longer than %d days: split it", r.period.First, r.period.Last, MaxCostDays)
		}
	}
	r.channel = Channel(strings.ToLower(rec.fields["channel"]))
	if r.channel.index() < 0 {
		bad("channel", "The channel “%s” is not one of %s", clip(rec.fields["channel"]), channelList(true))
	}
	v := rec.fields["amount"]
	amount, err := parseDecimal(v, minorDigits(currency))
	switch {
	case v == "":
		bad("amount", "The amount is missing")
	case errors.Is(err, errNegative):
		bad("amount", "The amount (%s) is negative", clip(v))
	case errors.Is(err, errTooPrecise):
		bad("amount", "The amount (%s) has more decimal places than %s has (%d)", clip(v), currency, minorDigits(currency))
	case errors.Is(err, errTooLarge):
		bad("amount", "The amount (%s) is too large", clip(v))
	case err != nil:
		bad("amount", "The amount (“%s”) is not a number such as 12500.00, without a currency sign or commas", clip(v))
	default:
		r.amount = amount
	}
	return r, ok
}

// readCosts reads the stored costs that overlap s.
func readCosts(ctx context.Context, q store.Querier, serviceID int64, s span) ([]costRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT channel, first_day, last_day, amount_minor FROM kpi_costs
		WHERE service_id = $1 AND last_day >= $2 AND first_day <= $3 ORDER BY channel, first_day`,
		serviceID, int(s.First), int(s.Last))
	if err != nil {
		return nil, fmt.Errorf("read costs: %w", err)
	}
	defer rows.Close()
	var out []costRow
	for rows.Next() {
		var r costRow
		var first, last int
		if err := rows.Scan(&r.channel, &first, &last, &r.amount); err != nil {
			return nil, fmt.Errorf("read costs: %w", err)
		}
		r.period = span{day(first), day(last)}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read costs: %w", err)
	}
	return out, nil
}

// writeCosts stores rows, replacing those of the same channel and range,
// and records when the costs were updated.
func writeCosts(ctx context.Context, tx store.Querier, serviceID int64, rows []costRow, now time.Time) error {
	until := rows[0].period.Last
	for start := 0; start < len(rows); start += batchRows {
		batch := rows[start:min(start+batchRows, len(rows))]
		args := make([]any, 0, 6*len(batch))
		values := make([]string, len(batch))
		for i, r := range batch {
			values[i] = "(" + store.Placeholders(6*i+1, 6) + ")"
			args = append(args, serviceID, string(r.channel), int(r.period.First), int(r.period.Last), r.amount, now)
			until = max(until, r.period.Last)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO kpi_costs (service_id, channel, first_day, last_day, amount_minor, updated_at)
			VALUES `+strings.Join(values, ", ")+`
			ON CONFLICT (service_id, channel, first_day) DO UPDATE SET last_day = excluded.last_day,
			amount_minor = excluded.amount_minor, updated_at = excluded.updated_at`, args...)
		if err != nil {
			return fmt.Errorf("write costs: %w", err)
		}
	}
	return touchInput(ctx, tx, serviceID, string(InputCosts), until, now)
}
