package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Create validates in and adds the service with its domains, all in one
// transaction. An empty slug is derived from the name, with -2, -3… added
// when that is taken. Problems with the input are an *InputError: 400 for
// values that are not valid, 409 for a slug or hostname already in use.
func (c *Catalog) Create(ctx context.Context, in Input) (*Service, error) {
	in, errs := checkInput(in, nil)
	if len(errs) > 0 {
		return nil, web.InvalidInput(errs)
	}
	var out *Service
	err := c.inTx(ctx, func(tx store.Querier) error {
		var errs web.FormErrors
		slug := in.Slug
		if slug == "" {
			var err error
			if slug, err = freeSlug(ctx, tx, Slugify(in.Name)); err != nil {
				return err
			}
		} else if owner, err := slugOwner(ctx, tx, slug); err != nil {
			return err
		} else if owner != "" {
			errs.Add("slug", fmt.Sprintf("%s is already the slug of %s: choose another", slug, quote(owner)))
		}
		if err := checkHostsFree(ctx, tx, in.Domains, 0, &errs); err != nil {
			return err
		}
		if len(errs) > 0 {
			return web.TakenInput(errs)
		}
		now := c.timestamp()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO services
			(slug, name, description, owner, timezone, phase, public, event_retention_days, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			slug, in.Name, in.Description, in.Owner, in.Timezone, string(in.Phase), in.Public, DefaultEventRetentionDays, now).Scan(&id)
		if err != nil {
			return &raceError{field: "slug", err: fmt.Errorf("insert service %s: %w", slug, err)}
		}
		if err := insertDomains(ctx, tx, id, in.Domains); err != nil {
			return err
		}
		out, err = getService(ctx, tx, "id = $1", id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Update applies p to the service with slug in one transaction, checking
// the result as Create does; domains, when given, replace the old set.
// A missing service is store.ErrNotFound.
func (c *Catalog) Update(ctx context.Context, slug string, p Patch) (*Service, error) {
	var out, before *Service
	err := c.inTx(ctx, func(tx store.Querier) error {
		cur, err := getService(ctx, tx, "slug = $1", slug)
		if err != nil {
			return err
		}
		before = cur
		in, errs := checkInput(patched(cur, p), cur)
		if len(errs) > 0 {
			return web.InvalidInput(errs)
		}
		newDomains := !slices.Equal(in.Domains, cur.Domains)
		if newDomains {
			if err := checkHostsFree(ctx, tx, in.Domains, cur.ID, &errs); err != nil {
				return err
			}
			if len(errs) > 0 {
				return web.TakenInput(errs)
			}
		}
		now := c.timestamp()
		archived := cur.ArchivedAt
		if p.Archived != nil && *p.Archived != cur.Archived() {
			archived = nil
			if *p.Archived {
				archived = &now
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE services SET name = $1, description = $2, owner = $3,
			timezone = $4, phase = $5, public = $6, archived_at = $7, updated_at = $8 WHERE id = $9`,
			in.Name, in.Description, in.Owner, in.Timezone, string(in.Phase), in.Public, archived, now, cur.ID); err != nil {
			return fmt.Errorf("update service %s: %w", slug, err)
		}
		if newDomains {
			if _, err := tx.ExecContext(ctx, `DELETE FROM service_domains WHERE service_id = $1`, cur.ID); err != nil {
				return fmt.Errorf("replace domains of %s: %w", slug, err)
			}
			if err := insertDomains(ctx, tx, cur.ID, in.Domains); err != nil {
				return err
			}
		}
		out, err = getService(ctx, tx, "id = $1", cur.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	audit.Changed(ctx, toAPI(before), toAPI(out)) // as the API shows a service
	return out, nil
}

// Archive hides the service from the services page and lists while keeping
// all its data. Archiving an archived service changes nothing. A missing
// service is store.ErrNotFound.
func (c *Catalog) Archive(ctx context.Context, slug string) error {
	return c.setArchived(ctx, slug, true)
}

// Restore brings an archived service back. A missing service is
// store.ErrNotFound.
func (c *Catalog) Restore(ctx context.Context, slug string) error {
	return c.setArchived(ctx, slug, false)
}

func (c *Catalog) setArchived(ctx context.Context, slug string, archive bool) error {
	q := `UPDATE services SET archived_at = NULL, updated_at = $1 WHERE slug = $2 AND archived_at IS NOT NULL`
	if archive {
		q = `UPDATE services SET archived_at = $1, updated_at = $1 WHERE slug = $2 AND archived_at IS NULL`
	}
	return c.inTx(ctx, func(tx store.Querier) error {
		res, err := tx.ExecContext(ctx, q, c.timestamp(), slug)
		if err != nil {
			return fmt.Errorf("archive or restore %s: %w", slug, err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		// Nothing changed: already so, or no such service.
		owner, err := slugOwner(ctx, tx, slug)
		if err == nil && owner == "" {
			return store.ErrNotFound
		}
		return err
	})
}

// raceError is a unique violation on field: another transaction took the
// value between this one's check and its write.
type raceError struct {
	field string
	err   error
}

func (e *raceError) Error() string { return e.err.Error() }
func (e *raceError) Unwrap() error { return e.err }

// inTx runs fn in a transaction. On PostgreSQL it first takes the catalog
// lock: checking that a slug or hostname is free and then taking it must not
// interleave with another writer doing the same, which read-committed
// isolation would allow. SQLite already runs one write transaction at a
// time. A unique violation that still happens (a writer outside the
// catalog) is retried, so that the checks can name what took the value.
func (c *Catalog) inTx(ctx context.Context, fn func(tx store.Querier) error) error {
	var err error
	for range 3 {
		if err = c.db.LockedTx(ctx, store.LockCatalog, fn); !store.IsUniqueViolation(err) {
			return err
		}
	}
	field := "domains"
	var re *raceError
	if errors.As(err, &re) {
		field = re.field
	}
	return web.TakenInput(web.FormErrors{{Field: field,
		Message: "Another change took this value at the same moment: check it and try again"}})
}
