package kpi

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
)

// TransactionColumns are the columns of a transactions upload, in the
// order the CSV export writes them.
var TransactionColumns = []string{"date", "channel", "started", "completed"}

// TransactionFigure is one channel's started and completed transactions on
// a day or in a month, as uploads send them and the API shows them.
type TransactionFigure struct {
	Date      string  `json:"date"` // a day, 2026-03-31, or a whole month, 2026-03
	Channel   Channel `json:"channel"`
	Started   int64   `json:"started"`
	Completed int64   `json:"completed"`
}

// txRow is a transaction figure as it is checked and stored.
type txRow struct {
	line               int // in the upload; 0 when read from the store
	channel            Channel
	period             span
	started, completed int64
}

func (r txRow) key() (Channel, span, int) { return r.channel, r.period, r.line }

func (r txRow) figure() TransactionFigure {
	return TransactionFigure{Date: r.period.String(), Channel: r.channel, Started: r.started, Completed: r.completed}
}

// txName names a channel's figure for a period in problems.
func txName(ch Channel, s span, _ int) string {
	return fmt.Sprintf("the %s figure %s", lowerFirst(ch.Label()), periodText(s))
}

// ImportTransactions reads an upload of transaction figures — CSV with
// the header date,channel,started,completed, or a JSON array of objects
// with those fields, as f says (FormatAny: JSON when it starts with "[")
// — and submits them as SubmitTransactions does; problems name the lines
// of body.
func (k *KPI) ImportTransactions(ctx context.Context, s *catalog.Service, body []byte, f Format, dryRun bool) (*Change[TransactionFigure], error) {
	var ps problems
	recs := readRecords(body, TransactionColumns, f, &ps)
	return k.applyTransactions(ctx, s, recs, &ps, dryRun)
}

// SubmitTransactions stores transaction figures for the service, all or
// nothing. A figure for a period the channel already has replaces it; a
// digital figure replaces the main funnel's for the days it covers. When
// any figure is wrong — an unknown channel, a date that is not a day
// (2026-03-31) or a month (2026-03) or is in the future (a month must be
// over), a negative count,
// more completed than started, two figures for overlapping days of one
// channel in the upload or with a stored one — nothing is stored and the
// error is an *UploadError listing every problem. dryRun checks and
// reports the change without storing it.
func (k *KPI) SubmitTransactions(ctx context.Context, s *catalog.Service, figs []TransactionFigure, dryRun bool) (*Change[TransactionFigure], error) {
	recs := make([]record, len(figs))
	for i, f := range figs {
		recs[i] = record{line: i + 1, row: i + 1, fields: map[string]string{
			"date": f.Date, "channel": string(f.Channel),
			"started": strconv.FormatInt(f.Started, 10), "completed": strconv.FormatInt(f.Completed, 10),
		}}
	}
	var ps problems
	return k.applyTransactions(ctx, s, recs, &ps, dryRun)
}

func (k *KPI) applyTransactions(ctx context.Context, s *catalog.Service, recs []record, ps *problems, dryRun bool) (*Change[TransactionFigure], error) {
	today := dayAt(k.Now(), s.Location())
	var rows []txRow
	for _, rec := range recs {
		if r, ok := checkTransaction(rec, today, ps); ok {
			rows = append(rows, r)
		}
	}
	checkOverlaps(rows, ps, txName)
	if len(recs) == 0 {
		ps.add(0, 0, "", "There are no rows: give a row a line after the header")
	}
	// Rows with problems of their own are left out, but the others are
	// still checked against what is stored, so that one answer lists every
	// bad row; nothing is written while there is any problem.
	if len(rows) == 0 && len(ps.list) > 0 {
		sortProblems(ps)
		return nil, ps.err("transactions")
	}
	change := &Change[TransactionFigure]{Added: []TransactionFigure{}, Replaced: []Replacement[TransactionFigure]{}, Unchanged: []TransactionFigure{}}
	err := k.db.LockedTx(ctx, lockKPI, func(tx store.Querier) error {
		reach := span{rows[0].period.First, rows[0].period.Last}
		for _, r := range rows {
			reach = span{min(reach.First, r.period.First), max(reach.Last, r.period.Last)}
		}
		stored, err := readTransactions(ctx, tx, s.ID, reach)
		if err != nil {
			return err
		}
		index := byChannel(stored)
		for _, r := range rows {
			old, found, ok := storedMatch(r, index, ps, txName)
			switch {
			case !ok:
			case !found:
				change.Added = append(change.Added, r.figure())
			case old.started == r.started && old.completed == r.completed:
				change.Unchanged = append(change.Unchanged, r.figure())
			default:
				change.Replaced = append(change.Replaced, Replacement[TransactionFigure]{Old: old.figure(), New: r.figure()})
			}
		}
		if len(ps.list) > 0 {
			sortProblems(ps)
			return ps.err("transactions")
		}
		if dryRun {
			return nil
		}
		return writeTransactions(ctx, tx, s.ID, rows, k.timestamp())
	})
	var ue *UploadError
	if errors.As(err, &ue) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("submit transactions of service %d: %w", s.ID, err)
	}
	return change, nil
}

// checkTransaction reads one row, adding a problem for each bad value.
func checkTransaction(rec record, today day, ps *problems) (txRow, bool) {
	if !checkText(rec, TransactionColumns, ps) {
		return txRow{}, false
	}
	r := txRow{line: rec.line}
	ok := true
	bad := func(field, format string, args ...any) {
		ps.add(rec.line, rec.row, field, format, args...)
		ok = false
	}
	date := rec.fields["date"]
	if d, isDay := parseDay(date); isDay {
		r.period = span{d, d}
	} else if m, isMonth := parseMonth(date); isMonth {
		r.period = m
	} else if date == "" {
		bad("date", "The date is missing: give a day, such as 2026-03-31, or a month, such as 2026-03")
	} else {
		bad("date", "The date “%s” is not a day such as 2026-03-31, nor a month such as 2026-03, between %d and %d", clip(date), minYear, maxYear)
	}
	switch {
	case r.period.First > today:
		bad("date", "The date %s is in the future", date)
	case r.period.Last >= today && r.period.First != r.period.Last:
		// A month's figures are spread over its days: a month not over
		// would be spread over days that have not happened.
		bad("date", "The month %s is not over yet: send its figures when it is, or send days", date)
	}
	r.channel = Channel(strings.ToLower(rec.fields["channel"]))
	if i := r.channel.index(); i < 0 || i == costIndexAll {
		bad("channel", "The channel “%s” is not one of %s", clip(rec.fields["channel"]), channelList(false))
	}
	var okS, okC bool
	r.started, okS = count(rec, "started", ps)
	r.completed, okC = count(rec, "completed", ps)
	if okS && okC && r.completed > r.started {
		bad("completed", "More were completed (%d) than started (%d)", r.completed, r.started)
	}
	return r, ok && okS && okC
}

// count reads a whole number of transactions.
func count(rec record, field string, ps *problems) (int64, bool) {
	v := rec.fields[field]
	n, err := parseDecimal(v, 0)
	switch {
	case v == "":
		ps.add(rec.line, rec.row, field, "The number %s is missing", field)
	case errors.Is(err, errNegative):
		ps.add(rec.line, rec.row, field, "The number %s (%s) is negative", field, clip(v))
	case errors.Is(err, errTooLarge):
		ps.add(rec.line, rec.row, field, "The number %s (%s) is too large", field, clip(v))
	case err != nil:
		ps.add(rec.line, rec.row, field, "The number %s (“%s”) is not a whole number", field, clip(v))
	default:
		return n, true
	}
	return 0, false
}

// channelList names the channels for messages, with "all" for costs.
func channelList(withAll bool) string {
	var names []string
	for _, c := range Channels {
		names = append(names, string(c))
	}
	if withAll {
		names = append(names, string(AllChannels))
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// readTransactions reads the stored figures that overlap s.
func readTransactions(ctx context.Context, q store.Querier, serviceID int64, s span) ([]txRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT channel, first_day, last_day, started, completed FROM kpi_transactions
		WHERE service_id = $1 AND first_day BETWEEN $2 AND $3 AND last_day >= $4 ORDER BY first_day, channel`,
		serviceID, int(s.First)-30, int(s.Last), int(s.First))
	if err != nil {
		return nil, fmt.Errorf("read transactions: %w", err)
	}
	defer rows.Close()
	var out []txRow
	var channel sql.RawBytes // a constant of Channels, not a new string a row
	for rows.Next() {
		var r txRow
		var first, last int
		if err := rows.Scan(&channel, &first, &last, &r.started, &r.completed); err != nil {
			return nil, fmt.Errorf("read transactions: %w", err)
		}
		r.channel = channelOf(channel)
		r.period = span{day(first), day(last)}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read transactions: %w", err)
	}
	return out, nil
}

// channelOf is the channel named b, one of the Channels constants.
func channelOf(b []byte) Channel {
	for _, c := range Channels {
		if string(b) == string(c) {
			return c
		}
	}
	return Channel(b)
}

// batchRows is how many rows one INSERT writes: well under both engines'
// limits on parameters.
const batchRows = 400

// writeTransactions stores rows, replacing those of the same channel and
// first day, and records when each channel's figures were updated.
func writeTransactions(ctx context.Context, tx store.Querier, serviceID int64, rows []txRow, now time.Time) error {
	for start := 0; start < len(rows); start += batchRows {
		batch := rows[start:min(start+batchRows, len(rows))]
		args := make([]any, 0, 7*len(batch))
		values := make([]string, len(batch))
		for i, r := range batch {
			values[i] = "(" + store.Placeholders(7*i+1, 7) + ", 'submitted')"
			args = append(args, serviceID, int(r.period.First), string(r.channel), int(r.period.Last), r.started, r.completed, now)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO kpi_transactions (service_id, first_day, channel, last_day, started, completed, updated_at, source)
			VALUES `+strings.Join(values, ", ")+`
			ON CONFLICT (service_id, first_day, channel) DO UPDATE SET last_day = excluded.last_day, started = excluded.started,
			completed = excluded.completed, updated_at = excluded.updated_at, source = excluded.source`, args...)
		if err != nil {
			return fmt.Errorf("write transactions: %w", err)
		}
	}
	until := map[Channel]day{}
	for _, r := range rows {
		until[r.channel] = max(until[r.channel], r.period.Last)
	}
	for ch, last := range until {
		if err := touchInput(ctx, tx, serviceID, string(ch), last, now); err != nil {
			return err
		}
	}
	return nil
}

// touchInput records that an input was updated now, with figures up to
// the day until (kept when an earlier one is sent again).
func touchInput(ctx context.Context, tx store.Querier, serviceID int64, input string, until day, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO kpi_inputs (service_id, input, updated_at, data_until) VALUES ($1, $2, $3, $4)
		ON CONFLICT (service_id, input) DO UPDATE SET updated_at = excluded.updated_at,
		data_until = CASE WHEN excluded.data_until > kpi_inputs.data_until THEN excluded.data_until ELSE kpi_inputs.data_until END`,
		serviceID, input, now, int(until))
	if err != nil {
		return fmt.Errorf("record update of %s: %w", input, err)
	}
	return nil
}

// lockKPI serialises uploads of one kind across PostgreSQL nodes, so that
// two cannot both pass the overlap check and then overlap.
const lockKPI store.Lock = 7_219_384_020
