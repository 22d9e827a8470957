package goals

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/store"
)

const goalColumns = `id, service_id, page_path, event_name, display_name, created_at`

func scanGoal(row interface{ Scan(...any) error }) (Goal, error) {
	var g Goal
	var path, event sql.NullString
	if err := row.Scan(&g.ID, &g.ServiceID, &path, &event, &g.DisplayName, &g.CreatedAt); err != nil {
		return g, err
	}
	if path.Valid {
		g.Kind, g.PagePath = KindPage, path.String
	} else {
		g.Kind, g.EventName = KindEvent, event.String
	}
	g.CreatedAt = g.CreatedAt.UTC()
	return g, nil
}

// sortGoals orders goals by display name, ignoring case (in Go: the
// engines' collations differ), then by age.
func sortGoals(list []Goal) {
	slices.SortFunc(list, func(a, b Goal) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName)), cmp.Compare(a.ID, b.ID))
	})
}

// List returns the service's goals, ordered by display name. The stats API
// uses it for the event:goal dimension and conversion_rate: a goal's
// DisplayName is its value there, and Goal.Matches says which events count.
func (g *Goals) List(ctx context.Context, serviceID int64) ([]Goal, error) {
	return listGoals(ctx, g.db, serviceID)
}

func listGoals(ctx context.Context, q store.Querier, serviceID int64) ([]Goal, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+goalColumns+` FROM goals WHERE service_id = $1`, serviceID)
	if err != nil {
		return nil, fmt.Errorf("list goals of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	var list []Goal
	for rows.Next() {
		gl, err := scanGoal(rows)
		if err != nil {
			return nil, fmt.Errorf("list goals of service %d: %w", serviceID, err)
		}
		list = append(list, gl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list goals of service %d: %w", serviceID, err)
	}
	sortGoals(list)
	return list, nil
}

// Goal returns one goal of the service, or store.ErrNotFound (also when
// the goal belongs to another service).
func (g *Goals) Goal(ctx context.Context, serviceID, id int64) (Goal, error) {
	gl, err := scanGoal(g.db.QueryRowContext(ctx, `SELECT `+goalColumns+` FROM goals WHERE id = $1 AND service_id = $2`, id, serviceID))
	if errors.Is(err, sql.ErrNoRows) {
		return gl, store.ErrNotFound
	}
	if err != nil {
		return gl, fmt.Errorf("load goal %d: %w", id, err)
	}
	return gl, nil
}

// CreateGoal adds a goal to the service. Its errors are an *InputError:
// 400 for an invalid goal, 409 when the service already has a goal for the
// same page pattern or event, or with the same display name.
func (g *Goals) CreateGoal(ctx context.Context, serviceID int64, in GoalInput) (Goal, error) {
	gl, errs := in.normalize()
	if err := invalid(errs); err != nil {
		return Goal{}, err
	}
	gl.ServiceID, gl.CreatedAt = serviceID, timestamp()
	err := g.db.Tx(ctx, func(tx store.Querier) error {
		if err := goalConflict(ctx, tx, gl); err != nil {
			return err
		}
		var path, event any
		if gl.Kind == KindPage {
			path = gl.PagePath
		} else {
			event = gl.EventName
		}
		return tx.QueryRowContext(ctx, `INSERT INTO goals (service_id, page_path, event_name, display_name, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, serviceID, path, event, gl.DisplayName, gl.CreatedAt).Scan(&gl.ID)
	})
	if store.IsUniqueViolation(err) {
		// Another request added the same goal between the check and the insert.
		return Goal{}, conflict("display_name", "The service already has this goal")
	}
	if err != nil && !isInputError(err) {
		return Goal{}, fmt.Errorf("add goal to service %d: %w", serviceID, err)
	}
	return gl, err
}

// UpdateGoal changes a goal of the service: what completes it and its
// display name. Funnels that use it keep it as their step. It returns
// store.ErrNotFound when the service has no such goal.
func (g *Goals) UpdateGoal(ctx context.Context, serviceID, id int64, in GoalInput) (Goal, error) {
	gl, errs := in.normalize()
	if err := invalid(errs); err != nil {
		return Goal{}, err
	}
	gl.ID, gl.ServiceID = id, serviceID
	before, _ := g.Goal(ctx, serviceID, id)
	err := g.db.LockedTx(ctx, store.LockGoals, func(tx store.Querier) error {
		if err := goalConflict(ctx, tx, gl); err != nil {
			return err
		}
		var path, event any
		if gl.Kind == KindPage {
			path = gl.PagePath
		} else {
			event = gl.EventName
		}
		return tx.QueryRowContext(ctx, `UPDATE goals SET page_path = $1, event_name = $2, display_name = $3
			WHERE id = $4 AND service_id = $5 RETURNING created_at`, path, event, gl.DisplayName, id, serviceID).Scan(&gl.CreatedAt)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Goal{}, store.ErrNotFound
	}
	if store.IsUniqueViolation(err) {
		return Goal{}, conflict("display_name", "The service already has this goal")
	}
	if err != nil && !isInputError(err) {
		return Goal{}, fmt.Errorf("change goal %d: %w", id, err)
	}
	if err == nil {
		audit.Changed(ctx, before, gl)
	}
	return gl, err
}

// goalConflict is the 409 for a goal that repeats one of the service's.
func goalConflict(ctx context.Context, q store.Querier, gl Goal) error {
	existing, err := listGoals(ctx, q, gl.ServiceID)
	if err != nil {
		return err
	}
	for _, e := range existing {
		switch {
		case e.ID == gl.ID:
			// the goal itself, being changed
		case gl.Kind == KindPage && e.Kind == KindPage && e.PagePath == gl.PagePath:
			return conflict("page_path", fmt.Sprintf("There is already a goal for visits to %s: “%s”", gl.PagePath, e.DisplayName))
		case gl.Kind == KindEvent && e.Kind == KindEvent && e.EventName == gl.EventName:
			return conflict("event_name", fmt.Sprintf("There is already a goal for the event %s: “%s”", gl.EventName, e.DisplayName))
		case e.DisplayName == gl.DisplayName:
			return conflict("display_name", fmt.Sprintf("Another goal is already called “%s”: choose another display name", gl.DisplayName))
		}
	}
	return nil
}

func isInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// DeleteGoal deletes a goal of the service: store.ErrNotFound when it has
// no such goal, an *InUseError (a Conflict) when funnels use it.
func (g *Goals) DeleteGoal(ctx context.Context, serviceID, id int64) error {
	err := g.db.LockedTx(ctx, store.LockGoals, func(tx store.Querier) error {
		gl, err := scanGoal(tx.QueryRowContext(ctx, `SELECT `+goalColumns+` FROM goals WHERE id = $1 AND service_id = $2`, id, serviceID))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT f.name FROM funnels f JOIN funnel_steps s ON s.funnel_id = f.id
			WHERE s.goal_id = $1 ORDER BY f.id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		inUse := &InUseError{Goal: gl}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return err
			}
			inUse.Funnels = append(inUse.Funnels, name)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(inUse.Funnels) > 0 {
			return inUse
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM goals WHERE id = $1`, id)
		return err
	})
	var inUse *InUseError
	if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.As(err, &inUse) {
		return fmt.Errorf("delete goal %d: %w", id, err)
	}
	return err
}

// Funnels returns the service's funnels with their steps, ordered by name.
func (g *Goals) Funnels(ctx context.Context, serviceID int64) ([]*Funnel, error) {
	return g.loadFunnels(ctx, g.db, serviceID, 0)
}

// FunnelByID returns one funnel of the service with its steps, or
// store.ErrNotFound (also when it belongs to another service).
func (g *Goals) FunnelByID(ctx context.Context, serviceID, id int64) (*Funnel, error) {
	list, err := g.loadFunnels(ctx, g.db, serviceID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, store.ErrNotFound
	}
	return list[0], nil
}

// loadFunnels reads the service's funnels, or only funnel id when it is
// not 0, in one query.
func (g *Goals) loadFunnels(ctx context.Context, q store.Querier, serviceID, id int64) ([]*Funnel, error) {
	where := `f.service_id = $1`
	args := []any{serviceID}
	if id != 0 {
		where += ` AND f.id = $2`
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT f.id, f.name, f.created_at, `+prefixed("g.", goalColumns)+`
		FROM funnels f JOIN funnel_steps s ON s.funnel_id = f.id JOIN goals g ON g.id = s.goal_id
		WHERE `+where+` ORDER BY f.id, s.position`, args...)
	if err != nil {
		return nil, fmt.Errorf("load funnels of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	var list []*Funnel
	for rows.Next() {
		var f Funnel
		var gl Goal
		var path, event sql.NullString
		if err := rows.Scan(&f.ID, &f.Name, &f.CreatedAt, &gl.ID, &gl.ServiceID, &path, &event, &gl.DisplayName, &gl.CreatedAt); err != nil {
			return nil, fmt.Errorf("load funnels of service %d: %w", serviceID, err)
		}
		if path.Valid {
			gl.Kind, gl.PagePath = KindPage, path.String
		} else {
			gl.Kind, gl.EventName = KindEvent, event.String
		}
		gl.CreatedAt = gl.CreatedAt.UTC()
		if n := len(list); n == 0 || list[n-1].ID != f.ID {
			f.ServiceID, f.CreatedAt = serviceID, f.CreatedAt.UTC()
			list = append(list, &f)
		}
		last := list[len(list)-1]
		last.Steps = append(last.Steps, gl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load funnels of service %d: %w", serviceID, err)
	}
	slices.SortFunc(list, func(a, b *Funnel) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// CreateFunnel adds a funnel to the service. Its errors are an
// *InputError: 400 for a missing name, fewer than 2 or more than 8 steps,
// a step that is not one of the service's goals or repeats another; 409
// when the service already has a funnel of that name.
func (g *Goals) CreateFunnel(ctx context.Context, serviceID int64, in FunnelInput) (*Funnel, error) {
	f := &Funnel{ServiceID: serviceID, CreatedAt: timestamp()}
	err := g.db.LockedTx(ctx, store.LockGoals, func(tx store.Querier) error {
		if err := checkFunnel(ctx, tx, f, in); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO funnels (service_id, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
			serviceID, f.Name, f.CreatedAt).Scan(&f.ID); err != nil {
			return err
		}
		return insertSteps(ctx, tx, f)
	})
	if err := funnelWriteError(err, in.Name, "add funnel to service %d", serviceID); err != nil {
		return nil, err
	}
	return f, nil
}

// UpdateFunnel replaces a funnel's name and steps, or returns
// store.ErrNotFound; its other errors are CreateFunnel's. Reports follow
// the new steps over the whole stored history.
func (g *Goals) UpdateFunnel(ctx context.Context, serviceID, id int64, in FunnelInput) (*Funnel, error) {
	var f *Funnel
	err := g.db.LockedTx(ctx, store.LockGoals, func(tx store.Querier) error {
		list, err := g.loadFunnels(ctx, tx, serviceID, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return store.ErrNotFound
		}
		f = list[0]
		if err := checkFunnel(ctx, tx, f, in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE funnels SET name = $1 WHERE id = $2`, f.Name, f.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM funnel_steps WHERE funnel_id = $1`, f.ID); err != nil {
			return err
		}
		return insertSteps(ctx, tx, f)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err := funnelWriteError(err, in.Name, "change funnel %d", id); err != nil {
		return nil, err
	}
	return f, nil
}

// checkFunnel validates in for f (a new funnel has ID 0) and sets f's name
// and steps from it.
func checkFunnel(ctx context.Context, tx store.Querier, f *Funnel, in FunnelInput) error {
	name, errs := in.normalize()
	goals, err := listGoals(ctx, tx, f.ServiceID)
	if err != nil {
		return err
	}
	byID := make(map[int64]Goal, len(goals))
	for _, gl := range goals {
		byID[gl.ID] = gl
	}
	steps := make([]Goal, 0, len(in.Steps))
	for i, id := range in.Steps {
		gl, ok := byID[id]
		if !ok {
			errs.Add(fmt.Sprintf("steps-%d", i+1), fmt.Sprintf("Step %d is not one of the service’s goals (id %d)", i+1, id))
			continue
		}
		steps = append(steps, gl)
	}
	if err := invalid(errs); err != nil {
		return err
	}
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM funnels WHERE service_id = $1 AND name = $2 AND id <> $3`,
		f.ServiceID, name, f.ID).Scan(&taken); err != nil {
		return err
	}
	if taken > 0 {
		return conflict("name", fmt.Sprintf("There is already a funnel called “%s”: choose another name", name))
	}
	f.Name, f.Steps = name, steps
	return nil
}

func insertSteps(ctx context.Context, tx store.Querier, f *Funnel) error {
	for i, gl := range f.Steps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO funnel_steps (funnel_id, position, goal_id) VALUES ($1, $2, $3)`,
			f.ID, i+1, gl.ID); err != nil {
			return err
		}
	}
	return nil
}

// funnelWriteError passes input errors through as they are, turns a lost
// race for the name into the same 409 the check gives, and wraps other
// errors with what was being done.
func funnelWriteError(err error, name, doing string, args ...any) error {
	switch {
	case err == nil || isInputError(err):
		return err
	case store.IsUniqueViolation(err):
		return conflict("name", fmt.Sprintf("There is already a funnel called “%s”: choose another name", strings.TrimSpace(name)))
	}
	return fmt.Errorf(doing+": %w", append(args, err)...)
}

// DeleteFunnel deletes a funnel of the service (its goals stay), or
// returns store.ErrNotFound.
func (g *Goals) DeleteFunnel(ctx context.Context, serviceID, id int64) error {
	res, err := g.db.ExecContext(ctx, `DELETE FROM funnels WHERE id = $1 AND service_id = $2`, id, serviceID)
	if err != nil {
		return fmt.Errorf("delete funnel %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete funnel %d: %w", id, err)
	} else if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
