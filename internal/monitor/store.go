package monitor

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
)

// Checks keeps the checks of every service.
type Checks struct {
	db  *store.DB
	now func() time.Time
	// changed is called after a check is added, changed or deleted, so
	// that the scheduler reads the list again at once.
	changed func()
}

// NewChecks returns the checks kept in db.
func NewChecks(db *store.DB) *Checks {
	return &Checks{db: db, now: time.Now, changed: func() {}}
}

const checkColumns = `id, service_id, name, spec, interval_ms, retries, labels, component, public, paused,
	status, fails, reason, last_run_ms, beat_ms, since_ms, created_at, updated_at`

func scanCheck(row interface{ Scan(...any) error }) (*Check, error) {
	var c Check
	var spec, labels, status string
	var interval, lastRun, beat, since int64
	if err := row.Scan(&c.ID, &c.ServiceID, &c.Name, &spec, &interval, &c.Retries, &labels, &c.Component, &c.Public, &c.Paused,
		&status, &c.Fails, &c.Reason, &lastRun, &beat, &since, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	var stored storedSpec
	if err := json.Unmarshal([]byte(spec), &stored); err != nil {
		return nil, err
	}
	c.Spec, c.Grace = stored.Spec, stored.Grace
	c.Interval = time.Duration(interval) * time.Millisecond
	c.Status = Status(status)
	if labels != "" {
		c.Labels = strings.Split(labels, ",")
	}
	c.LastRun, c.LastBeat, c.Since = fromMillis(lastRun), fromMillis(beat), fromMillis(since)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// storedSpec is the spec column: the probe's settings and what only the
// monitor reads.
type storedSpec struct {
	probe.Spec
	Grace time.Duration `json:",omitempty"`
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// List returns a service's checks by name.
func (cs *Checks) List(ctx context.Context, serviceID int64) ([]*Check, error) {
	return listChecks(ctx, cs.db, serviceID)
}

func listChecks(ctx context.Context, q store.Querier, serviceID int64) ([]*Check, error) {
	return queryChecks(ctx, q, `SELECT `+checkColumns+` FROM monitor_checks WHERE service_id = $1 ORDER BY name, id`, serviceID)
}

// All returns every check that is not paused, for the scheduler.
func (cs *Checks) All(ctx context.Context) ([]*Check, error) {
	return queryChecks(ctx, cs.db, `SELECT `+checkColumns+` FROM monitor_checks WHERE NOT paused ORDER BY id`)
}

func queryChecks(ctx context.Context, q store.Querier, query string, args ...any) ([]*Check, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Check
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Get returns one of a service's checks.
func (cs *Checks) Get(ctx context.Context, serviceID, id int64) (*Check, error) {
	c, err := scanCheck(cs.db.QueryRowContext(ctx, `SELECT `+checkColumns+` FROM monitor_checks WHERE id = $1 AND service_id = $2`, id, serviceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("check")
	}
	return c, err
}

// ByName returns a service's check of that name.
func (cs *Checks) ByName(ctx context.Context, serviceID int64, name string) (*Check, error) {
	c, err := scanCheck(cs.db.QueryRowContext(ctx, `SELECT `+checkColumns+` FROM monitor_checks WHERE service_id = $1 AND name = $2`, serviceID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("check")
	}
	return c, err
}

// Add saves a new check. A heartbeat check gets a token, returned once:
// only its hash is kept.
func (cs *Checks) Add(ctx context.Context, c *Check) (token string, err error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	err = cs.db.Tx(ctx, func(tx store.Querier) error {
		token, err = cs.insert(ctx, tx, c)
		return err
	})
	if err != nil {
		return "", err
	}
	cs.changed()
	return token, nil
}

// insert saves a new, valid check with q.
func (cs *Checks) insert(ctx context.Context, q store.Querier, c *Check) (token string, err error) {
	now := cs.now().UTC()
	var hash any
	if c.Spec.Type == probe.Heartbeat {
		token = newToken()
		hash = tokenHash(token)
	}
	c.Status, c.CreatedAt, c.UpdatedAt, c.Since = Pending, now, now, now
	err = q.QueryRowContext(ctx, `INSERT INTO monitor_checks (service_id, name, type, spec, interval_ms, retries, labels, component,
		public, paused, token_hash, status, since_ms, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
		c.ServiceID, c.Name, string(c.Spec.Type), specJSON(storedSpec{c.Spec, c.Grace}), c.Interval.Milliseconds(), c.Retries,
		strings.Join(c.Labels, ","), c.Component, c.Public, c.Paused, hash, string(Pending), millis(now), now).Scan(&c.ID)
	if store.IsUniqueViolation(err) {
		return "", fault.Conflictf("name", "The service already has a check named %s", c.Name)
	}
	return token, err
}

// Update saves a check's settings. Changing what it checks makes it
// pending again: its state was about the old settings.
func (cs *Checks) Update(ctx context.Context, c *Check) error {
	if err := c.Validate(); err != nil {
		return err
	}
	old, err := cs.Get(ctx, c.ServiceID, c.ID)
	if err != nil {
		return err
	}
	if err := cs.update(ctx, cs.db, old, c); err != nil {
		return err
	}
	cs.changed()
	return nil
}

// update saves with q the valid settings c of the stored check old.
func (cs *Checks) update(ctx context.Context, q store.Querier, old, c *Check) error {
	if err := retype(old, c); err != nil {
		return err
	}
	now := cs.now().UTC()
	status, since := old.Status, millis(old.Since)
	if specJSON(old.Spec) != specJSON(c.Spec) {
		status, since = Pending, millis(now)
	}
	res, err := q.ExecContext(ctx, `UPDATE monitor_checks SET name = $1, type = $2, spec = $3, interval_ms = $4, retries = $5,
		labels = $6, component = $7, public = $8, paused = $9, status = $10, since_ms = $11, updated_at = $12
		WHERE id = $13 AND service_id = $14`,
		c.Name, string(c.Spec.Type), specJSON(storedSpec{c.Spec, c.Grace}), c.Interval.Milliseconds(), c.Retries,
		strings.Join(c.Labels, ","), c.Component, c.Public, c.Paused, string(status), since, now, c.ID, c.ServiceID)
	if store.IsUniqueViolation(err) {
		return fault.Conflictf("name", "The service already has a check named %s", c.Name)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.NotFoundf("check")
	}
	c.Status, c.Since, c.UpdatedAt = status, fromMillis(since), now
	return nil
}

// retype refuses to turn a check into a heartbeat or a heartbeat into
// another kind: a heartbeat's token is its identity.
func retype(old, c *Check) error {
	if c.Spec.Type != old.Spec.Type && (c.Spec.Type == probe.Heartbeat || old.Spec.Type == probe.Heartbeat) {
		return fault.Invalidf("type", "A check cannot become or stop being a heartbeat: add a new check instead")
	}
	return nil
}

// Delete removes a check with its results and rollups.
func (cs *Checks) Delete(ctx context.Context, serviceID, id int64) error {
	if err := remove(ctx, cs.db, serviceID, id); err != nil {
		return err
	}
	cs.changed()
	return nil
}

func remove(ctx context.Context, q store.Querier, serviceID, id int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM monitor_checks WHERE id = $1 AND service_id = $2`, id, serviceID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.NotFoundf("check")
	}
	return nil
}

// ByToken returns the heartbeat check a token belongs to.
func (cs *Checks) ByToken(ctx context.Context, token string) (*Check, error) {
	c, err := scanCheck(cs.db.QueryRowContext(ctx, `SELECT `+checkColumns+` FROM monitor_checks WHERE token_hash = $1`, tokenHash(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("heartbeat")
	}
	return c, err
}

func newToken() string {
	b := make([]byte, 24)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Beat records a heartbeat's call.
func (cs *Checks) Beat(ctx context.Context, id int64, at time.Time) error {
	_, err := cs.db.ExecContext(ctx, `UPDATE monitor_checks SET beat_ms = $1 WHERE id = $2`, at.UnixMilli(), id)
	return err
}
