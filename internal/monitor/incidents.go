package monitor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
)

// Incident states, in the order an incident usually goes through them.
var incidentStatuses = []string{"investigating", "identified", "monitoring", "resolved"}

// Impacts, from least to most.
var impacts = []string{"degraded", "partial", "major"}

// impactLabels name the impacts for people.
var impactLabels = map[string]string{"degraded": "Degraded performance", "partial": "Partial outage", "major": "Major outage"}

// Incident is a time the service was not working as it should.
type Incident struct {
	ID         int64
	ServiceID  int64
	CheckID    int64 // the check whose failure opened it; 0 for one opened by hand
	Title      string
	Status     string
	Impact     string
	StartedAt  time.Time
	ResolvedAt time.Time // zero while open
	UpdatedAt  time.Time
	Updates    []Update // newest first
}

// Update is a post on an incident.
type Update struct {
	ID     int64
	Status string
	Body   string
	At     time.Time
}

// Open says whether the incident is not resolved.
func (i *Incident) Open() bool { return i.ResolvedAt.IsZero() }

// Duration is how long it lasted, or has lasted until now.
func (i *Incident) Duration(now time.Time) time.Duration {
	if i.Open() {
		return now.Sub(i.StartedAt)
	}
	return i.ResolvedAt.Sub(i.StartedAt)
}

// ImpactLabel names the impact.
func (i *Incident) ImpactLabel() string { return impactLabels[i.Impact] }

// Incidents keeps the incidents of every service.
type Incidents struct {
	db  *store.DB
	now func() time.Time
}

// NewIncidents returns the incidents kept in db.
func NewIncidents(db *store.DB) *Incidents { return &Incidents{db: db, now: time.Now} }

const incidentColumns = `id, service_id, check_id, title, status, impact, started_at, resolved_at, updated_at`

func scanIncident(row interface{ Scan(...any) error }) (*Incident, error) {
	var in Incident
	var check sql.NullInt64
	var resolved sql.NullTime
	if err := row.Scan(&in.ID, &in.ServiceID, &check, &in.Title, &in.Status, &in.Impact, &in.StartedAt, &resolved, &in.UpdatedAt); err != nil {
		return nil, err
	}
	in.CheckID = check.Int64
	in.StartedAt, in.UpdatedAt = in.StartedAt.UTC(), in.UpdatedAt.UTC()
	if resolved.Valid {
		in.ResolvedAt = resolved.Time.UTC()
	}
	return &in, nil
}

// List returns a service's incidents, newest first, with their updates:
// the open ones and those that started since.
func (is *Incidents) List(ctx context.Context, serviceID int64, since time.Time, limit int) ([]*Incident, error) {
	rows, err := is.db.QueryContext(ctx, `SELECT `+incidentColumns+` FROM monitor_incidents
		WHERE service_id = $1 AND (resolved_at IS NULL OR started_at >= $2) ORDER BY started_at DESC, id DESC LIMIT $3`,
		serviceID, since.UTC(), limit)
	if err != nil {
		return nil, err
	}
	var out []*Incident
	byID := map[int64]*Incident{}
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, in)
		byID[in.ID] = in
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, 0, len(out))
	for _, in := range out {
		ids = append(ids, in.ID)
	}
	urows, err := is.db.QueryContext(ctx, `SELECT incident_id, id, status, body, at FROM monitor_incident_updates
		WHERE incident_id IN (`+store.Placeholders(1, len(ids))+`) ORDER BY at DESC, id DESC`, ids...)
	if err != nil {
		return nil, err
	}
	defer urows.Close()
	for urows.Next() {
		var inc int64
		var u Update
		if err := urows.Scan(&inc, &u.ID, &u.Status, &u.Body, &u.At); err != nil {
			return nil, err
		}
		u.At = u.At.UTC()
		byID[inc].Updates = append(byID[inc].Updates, u)
	}
	return out, urows.Err()
}

// Get returns one of a service's incidents with its updates.
func (is *Incidents) Get(ctx context.Context, serviceID, id int64) (*Incident, error) {
	list, err := is.List(ctx, serviceID, time.Time{}, 1<<30)
	if err != nil {
		return nil, err
	}
	for _, in := range list {
		if in.ID == id {
			return in, nil
		}
	}
	return nil, fault.NotFoundf("incident")
}

// NewIncident is what the team writes to open an incident by hand.
type NewIncident struct {
	Title, Status, Impact, Body string
}

func validIncident(title, status, impact, body string) error {
	switch {
	case strings.TrimSpace(title) == "":
		return fault.Invalidf("title", "Enter a title, such as Payments are failing")
	case len(title) > 200:
		return fault.Invalidf("title", "The title must be 200 characters or fewer")
	case !contains(incidentStatuses, status):
		return fault.Invalidf("status", "The status must be one of %s", strings.Join(incidentStatuses, ", "))
	case !contains(impacts, impact):
		return fault.Invalidf("impact", "The impact must be degraded, partial or major")
	case len(body) > 5000:
		return fault.Invalidf("body", "The update must be 5,000 characters or fewer")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Open opens an incident by hand, with its first update.
func (is *Incidents) Open(ctx context.Context, serviceID int64, n NewIncident) (*Incident, error) {
	if n.Status == "" {
		n.Status = "investigating"
	}
	if err := validIncident(n.Title, n.Status, n.Impact, n.Body); err != nil {
		return nil, err
	}
	if n.Status == "resolved" {
		return nil, fault.Invalidf("status", "A new incident cannot be resolved already")
	}
	var id int64
	err := is.db.Tx(ctx, func(tx store.Querier) error {
		var err error
		id, err = openIncident(ctx, tx, serviceID, 0, strings.TrimSpace(n.Title), n.Status, n.Impact, n.Body, is.now().UTC())
		return err
	})
	if err != nil {
		return nil, err
	}
	return is.Get(ctx, serviceID, id)
}

func openIncident(ctx context.Context, tx store.Querier, serviceID, checkID int64, title, status, impact, body string, at time.Time) (int64, error) {
	var check any
	if checkID != 0 {
		check = checkID
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO monitor_incidents (service_id, check_id, title, status, impact, started_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, serviceID, check, title, status, impact, at).Scan(&id); err != nil {
		return 0, err
	}
	if body != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO monitor_incident_updates (incident_id, status, body, at) VALUES ($1, $2, $3, $4)`,
			id, status, body, at); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// Post adds an update to an incident; a "resolved" update resolves it.
func (is *Incidents) Post(ctx context.Context, serviceID, id int64, status, impact, body string) (*Incident, error) {
	in, err := is.Get(ctx, serviceID, id)
	if err != nil {
		return nil, err
	}
	if impact == "" {
		impact = in.Impact
	}
	if strings.TrimSpace(body) == "" {
		return nil, fault.Invalidf("body", "Enter the update, such as We have found the cause")
	}
	if err := validIncident(in.Title, status, impact, body); err != nil {
		return nil, err
	}
	now := is.now().UTC()
	err = is.db.Tx(ctx, func(tx store.Querier) error {
		return postUpdate(ctx, tx, id, status, impact, body, now)
	})
	if err != nil {
		return nil, err
	}
	return is.Get(ctx, serviceID, id)
}

func postUpdate(ctx context.Context, tx store.Querier, id int64, status, impact, body string, at time.Time) error {
	var resolved any
	if status == "resolved" {
		resolved = at
	}
	if _, err := tx.ExecContext(ctx, `UPDATE monitor_incidents SET status = $1, impact = $2, updated_at = $3,
		resolved_at = COALESCE(resolved_at, $4) WHERE id = $5`, status, impact, at, resolved, id); err != nil {
		return err
	}
	if status != "resolved" {
		// Reopened by a later update: open again.
		if _, err := tx.ExecContext(ctx, `UPDATE monitor_incidents SET resolved_at = NULL WHERE id = $1`, id); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO monitor_incident_updates (incident_id, status, body, at) VALUES ($1, $2, $3, $4)`, id, status, body, at)
	return err
}

// Apply opens an incident for each check confirmed down and resolves the
// open one of each check that came back up.
func (is *Incidents) Apply(ctx context.Context, changes []Transition) {
	for _, t := range changes {
		var err error
		switch {
		case t.To == Down:
			err = is.db.Tx(ctx, func(tx store.Querier) error {
				var open int64
				err := tx.QueryRowContext(ctx, `SELECT id FROM monitor_incidents WHERE check_id = $1 AND resolved_at IS NULL`, t.CheckID).Scan(&open)
				if err == nil {
					return nil // already open (another node's batch)
				}
				if !errors.Is(err, sql.ErrNoRows) {
					return err
				}
				_, err = openIncident(ctx, tx, t.ServiceID, t.CheckID, t.Name+" is down", "investigating", "major",
					"The check "+t.Name+" failed: "+t.Reason+".", t.At)
				return err
			})
		case t.To == Up && t.From == Down:
			err = is.db.Tx(ctx, func(tx store.Querier) error {
				var open int64
				var started time.Time
				err := tx.QueryRowContext(ctx, `SELECT id, started_at FROM monitor_incidents WHERE check_id = $1 AND resolved_at IS NULL`, t.CheckID).
					Scan(&open, &started)
				if errors.Is(err, sql.ErrNoRows) {
					return nil
				}
				if err != nil {
					return err
				}
				var impact string
				if err := tx.QueryRowContext(ctx, `SELECT impact FROM monitor_incidents WHERE id = $1`, open).Scan(&impact); err != nil {
					return err
				}
				return postUpdate(ctx, tx, open, "resolved", impact,
					fmt.Sprintf("The check %s is up again, after %s.", t.Name, spanText(t.At.Sub(started.UTC()))), t.At)
			})
		}
		if err != nil {
			slog.Error("monitor: open or resolve an incident", "check", t.CheckID, "to", t.To, "err", err)
		}
	}
}
