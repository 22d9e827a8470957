package feedback

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/scrub"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/themes"
)

// The per-visitor rate limit on public submissions, which is also how long
// an identical submission is recognised as a repeat.
const (
	RateLimit  = 10
	RateWindow = 10 * time.Minute
)

// Receipt is what a public submission gives back.
type Receipt struct {
	ID int64
	// Duplicate is true when the same visitor sent the same submission in
	// the last RateWindow: nothing new was stored and ID is the first one's.
	Duplicate bool
}

// LimitError is returned when a visitor has sent RateLimit submissions in
// RateWindow. It unwraps to a TooMany fault.
type LimitError struct {
	RetryAfter time.Duration // until the oldest of them leaves the window
}

// Error says how long to wait, for logs.
func (e *LimitError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.RetryAfter)
}

// Unwrap is the fault a visitor sees.
func (e *LimitError) Unwrap() error {
	return fault.TooManyf("You have sent a lot of feedback in the last few minutes. Wait a few minutes and try again.")
}

// Seconds is RetryAfter in whole seconds, at least 1, for Retry-After.
func (e *LimitError) Seconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// Submit stores a public submission for the service (the web channel),
// scrubbed. visitor is the analytics visitor hash of whoever sent it, for
// the rate limit and the duplicate check; 0 means unknown, and turns both
// off. Its errors are an *InputError (400, by field) for invalid input and a
// *LimitError when the visitor has sent RateLimit submissions in RateWindow.
func (f *Feedback) Submit(ctx context.Context, serviceID, visitor int64, in Input) (Receipt, error) {
	in.Channel, in.GivenBy = "", ""
	e, errs := in.check(false)
	if err := invalid(errs); err != nil {
		return Receipt{}, err
	}
	sc, err := f.Scrubber(ctx, serviceID)
	if err != nil {
		return Receipt{}, err
	}
	e = e.scrubbed(sc)
	now := f.timestamp()
	fp := e.fingerprint()
	if e.Comment == "" && e.Doing == "" && e.Wrong == "" {
		// A bare rating or yes/no is what many people send, and people
		// behind one address and browser (a mobile network, an office) look
		// like one visitor: only a double click, within seconds, is one.
		fp += fmt.Sprintf(":%d", now.Unix()/10)
	}
	var rc Receipt
	err = f.db.Tx(ctx, func(tx store.Querier) error {
		if visitor != 0 {
			if f.db.Dialect() == store.Postgres {
				// Two requests of one visitor must not both pass the checks.
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(lockClass), visitorLock(serviceID, visitor)); err != nil {
					return fmt.Errorf("take visitor lock: %w", err)
				}
			}
			if err := f.pruneRecent(ctx, tx, now); err != nil {
				return err
			}
			dup, err := recent(ctx, tx, serviceID, visitor, fp, now)
			if err != nil || dup != 0 {
				rc = Receipt{ID: dup, Duplicate: dup != 0}
				return err
			}
		}
		id, err := insert(ctx, tx, serviceID, e, now)
		if err != nil {
			return err
		}
		rc.ID = id
		if visitor == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO feedback_recent (service_id, visitor_key, fingerprint, feedback_id, created_at)
			VALUES ($1, $2, $3, $4, $5)`, serviceID, visitor, fp, id, now)
		return err
	})
	var limit *LimitError
	if err != nil && !errors.As(err, &limit) {
		return Receipt{}, fmt.Errorf("store feedback for service %d: %w", serviceID, err)
	}
	return rc, err
}

// lockClass is the first key of the PostgreSQL advisory locks that
// serialise one visitor's submissions; the two-key lock space does not
// overlap the one-key space of store.Lock.
const lockClass = 7219

func visitorLock(serviceID, visitor int64) int32 {
	h := fnv.New32a()
	h.Write(strconv.AppendInt(strconv.AppendInt(nil, serviceID, 10), visitor, 16))
	return int32(h.Sum32())
}

// recent checks the visitor's submissions in the window: the id of an
// identical one, or a *LimitError when there are RateLimit of them.
func recent(ctx context.Context, tx store.Querier, serviceID, visitor int64, fp string, now time.Time) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT feedback_id, fingerprint, created_at FROM feedback_recent
		WHERE service_id = $1 AND visitor_key = $2 AND created_at > $3 ORDER BY created_at, feedback_id`,
		serviceID, visitor, now.Add(-RateWindow))
	if err != nil {
		return 0, fmt.Errorf("read recent submissions: %w", err)
	}
	defer rows.Close()
	var times []time.Time
	for rows.Next() {
		var id int64
		var seen string
		var at time.Time
		if err := rows.Scan(&id, &seen, &at); err != nil {
			return 0, fmt.Errorf("read recent submissions: %w", err)
		}
		if seen == fp {
			return id, nil
		}
		times = append(times, at)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read recent submissions: %w", err)
	}
	if len(times) >= RateLimit {
		return 0, &LimitError{RetryAfter: times[len(times)-RateLimit].Add(RateWindow).Sub(now)}
	}
	return 0, nil
}

// pruneRecent deletes the submissions that have left the window, at most
// once a minute per process.
func (f *Feedback) pruneRecent(ctx context.Context, tx store.Querier, now time.Time) error {
	f.mu.Lock()
	due := now.Sub(f.lastPrune) >= time.Minute
	if due {
		f.lastPrune = now
	}
	f.mu.Unlock()
	if !due {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM feedback_recent WHERE created_at <= $1`, now.Add(-RateWindow)); err != nil {
		return fmt.Errorf("prune recent submissions: %w", err)
	}
	return nil
}

// Enter stores feedback that staff received by phone, email, in person,
// from a partner or on social media, scrubbed. Its errors are an
// *InputError (400, by field).
func (f *Feedback) Enter(ctx context.Context, serviceID int64, in Input) (*Item, error) {
	e, errs := in.check(true)
	if err := invalid(errs); err != nil {
		return nil, err
	}
	sc, err := f.Scrubber(ctx, serviceID)
	if err != nil {
		return nil, err
	}
	e = e.scrubbed(sc)
	now := f.timestamp()
	var id int64
	err = f.db.Tx(ctx, func(tx store.Querier) error {
		id, err = insert(ctx, tx, serviceID, e, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store staff feedback for service %d: %w", serviceID, err)
	}
	return f.Item(ctx, serviceID, id)
}

// scrubbed is e with every text passed through sc.
func (e entry) scrubbed(sc *scrub.Scrubber) entry {
	e.URL, e.Page = scrubURL(sc, e.URL, e.Page)
	e.Comment, e.Doing, e.Wrong = sc.String(e.Comment), sc.String(e.Doing), sc.String(e.Wrong)
	e.GivenBy = sc.String(e.GivenBy)
	return e
}

// scrubURL scrubs a page's address (as checkURL cleaned it) and its path.
// The address is rebuilt from the decoded path: percent-encoding
// ("07700%20900123", "bob%40example.com") would hide what is in it.
func scrubURL(sc *scrub.Scrubber, clean, path string) (string, string) {
	origin := ""
	if i := strings.Index(clean, "://"); i >= 0 {
		if j := strings.IndexByte(clean[i+3:], '/'); j >= 0 {
			origin = clean[:i+3+j]
		}
	}
	path = sc.String(path)
	if clean == "" {
		return "", path
	}
	return sc.String(origin) + path, path
}

// fingerprint identifies a submission's content, scrubbed, for the
// duplicate check.
func (e entry) fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%v\x00%v\x00", e.Kind, e.URL, deref(e.Useful), deref(e.Rating))
	for _, s := range []string{e.Comment, e.Doing, e.Wrong} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func deref[T any](p *T) any {
	if p == nil {
		return "-"
	}
	return *p
}

// searchText is what the inbox's text and theme filters search.
func (e entry) searchText() string {
	return themes.Normalize(e.Comment + "\n" + e.Doing + "\n" + e.Wrong)
}

func insert(ctx context.Context, tx store.Querier, serviceID int64, e entry, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO feedback (service_id, kind, url, page, useful, rating, comment, doing, wrong,
			search_text, channel, given_by, status, note, held, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'new', '', $13, $14, $14) RETURNING id`,
		serviceID, e.Kind, e.URL, e.Page, e.Useful, e.Rating, e.Comment, e.Doing, e.Wrong,
		e.searchText(), e.Channel, e.GivenBy, e.Held, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert feedback: %w", err)
	}
	return id, nil
}

const itemColumns = `f.id, f.service_id, f.kind, f.url, f.page, f.useful, f.rating, f.comment, f.doing, f.wrong,
	f.channel, f.given_by, f.status, f.note, f.held, f.text_removed, f.created_at, f.updated_at, f.assignee_id`

func scanItem(row interface{ Scan(...any) error }) (*Item, error) {
	var it Item
	var useful sql.NullBool
	var rating, assignee sql.NullInt64
	if err := row.Scan(&it.ID, &it.ServiceID, &it.Kind, &it.URL, &it.Page, &useful, &rating, &it.Comment, &it.Doing, &it.Wrong,
		&it.Channel, &it.GivenBy, &it.Status, &it.Note, &it.Held, &it.TextRemoved, &it.CreatedAt, &it.UpdatedAt, &assignee); err != nil {
		return nil, err
	}
	it.AssigneeID = assignee.Int64
	if useful.Valid {
		it.Useful = ptr(useful.Bool)
	}
	if rating.Valid {
		it.Rating = ptr(int(rating.Int64))
	}
	it.CreatedAt, it.UpdatedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	it.Tags = []string{}
	return &it, nil
}

// Item returns one item of the service with its tags, or store.ErrNotFound
// (also when it belongs to another service).
func (f *Feedback) Item(ctx context.Context, serviceID, id int64) (*Item, error) {
	it, err := f.ItemByID(ctx, id)
	if err == nil && it.ServiceID != serviceID {
		return nil, store.ErrNotFound
	}
	return it, err
}

// ItemByID returns one item of any service with its tags, or
// store.ErrNotFound; the caller checks who may see it.
func (f *Feedback) ItemByID(ctx context.Context, id int64) (*Item, error) {
	it, err := scanItem(f.db.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM feedback f WHERE f.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load feedback %d: %w", id, err)
	}
	if err := loadTags(ctx, f.db, []*Item{it}); err != nil {
		return nil, err
	}
	return it, nil
}

// loadTags fills in the tags of items, in one query.
func loadTags(ctx context.Context, q store.Querier, items []*Item) error {
	if len(items) == 0 {
		return nil
	}
	byID := make(map[int64]*Item, len(items))
	args := make([]any, len(items))
	for i, it := range items {
		byID[it.ID] = it
		args[i] = it.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT feedback_id, tag FROM feedback_tags WHERE feedback_id IN (`+
		store.Placeholders(1, len(args))+`)`, args...)
	if err != nil {
		return fmt.Errorf("load feedback tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return fmt.Errorf("load feedback tags: %w", err)
		}
		if it := byID[id]; it != nil {
			it.Tags = append(it.Tags, tag)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load feedback tags: %w", err)
	}
	// Sorted here rather than in SQL: the engines' collations differ.
	for _, it := range items {
		slices.Sort(it.Tags)
	}
	return nil
}

// Tags lists the tags used on the service's feedback, for the forms'
// suggestions.
func (f *Feedback) Tags(ctx context.Context, serviceID int64) ([]string, error) {
	rows, err := f.db.QueryContext(ctx, `SELECT DISTINCT tag FROM feedback_tags WHERE service_id = $1`, serviceID)
	if err != nil {
		return nil, fmt.Errorf("list feedback tags of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("list feedback tags of service %d: %w", serviceID, err)
		}
		out = append(out, t)
	}
	slices.Sort(out)
	return out, rows.Err()
}

// nextID is an id the next item could have, for answering a filled honeypot
// as a success would be answered.
func (f *Feedback) nextID(ctx context.Context) (int64, error) {
	var id int64
	if err := f.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM feedback`).Scan(&id); err != nil {
		return 0, fmt.Errorf("read last feedback id: %w", err)
	}
	return id, nil
}
