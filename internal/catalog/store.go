package catalog

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/store"
)

const serviceColumns = `id, slug, name, description, owner, timezone, phase, public, archived_at, created_at, updated_at`

// BySlug returns the service with slug, archived or not, or
// store.ErrNotFound.
func (c *Catalog) BySlug(ctx context.Context, slug string) (*Service, error) {
	return getService(ctx, c.db, "slug = $1", slug)
}

// ByID returns the service with id, archived or not, or store.ErrNotFound.
func (c *Catalog) ByID(ctx context.Context, id int64) (*Service, error) {
	return getService(ctx, c.db, "id = $1", id)
}

// ByHost returns the service whose pages are served on host (a hostname
// without a port), for ingestion: case does not matter, and www.example.gov
// finds example.gov and the other way round when only one is registered.
// An exact match wins. The service may be archived; the caller decides what
// that means. A host nobody registered is store.ErrNotFound.
func (c *Catalog) ByHost(ctx context.Context, host string) (*Service, error) {
	host = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	if host == "" || strings.IndexByte(host, 0) >= 0 || !utf8.ValidString(host) {
		// No host has one, and PostgreSQL refuses it in text.
		return nil, store.ErrNotFound
	}
	alt := "www." + host
	if rest, ok := strings.CutPrefix(host, "www."); ok {
		alt = rest
	}
	var id int64
	err := c.db.QueryRowContext(ctx, `SELECT service_id FROM service_domains
		WHERE host = $1 OR host = $2
		ORDER BY CASE WHEN host = $1 THEN 0 ELSE 1 END LIMIT 1`, host, alt).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		// Not the host: it comes from outside (an event's domain) and the
		// error is logged.
		return nil, fmt.Errorf("find service by host: %w", err)
	}
	return c.ByID(ctx, id)
}

// List returns the services ordered by name (ignoring case), without the
// archived ones unless opt asks for them.
func (c *Catalog) List(ctx context.Context, opt ListOptions) ([]*Service, error) {
	where := ""
	if !opt.IncludeArchived {
		where = ` WHERE s.archived_at IS NULL`
	}
	rows, err := c.db.QueryContext(ctx, `SELECT `+prefixed("s.", serviceColumns)+` FROM services s`+where)
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	defer rows.Close()
	var list []*Service
	byID := map[int64]*Service{}
	for rows.Next() {
		s, err := scanService(rows)
		if err != nil {
			return nil, fmt.Errorf("list services: %w", err)
		}
		list = append(list, s)
		byID[s.ID] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	rows.Close()

	drows, err := c.db.QueryContext(ctx, `SELECT d.service_id, d.host FROM service_domains d
		JOIN services s ON s.id = d.service_id`+where+` ORDER BY d.service_id, d.position, d.host`)
	if err != nil {
		return nil, fmt.Errorf("list service domains: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var id int64
		var host string
		if err := drows.Scan(&id, &host); err != nil {
			return nil, fmt.Errorf("list service domains: %w", err)
		}
		// A service created after the first query is not in byID: skip it.
		if s := byID[id]; s != nil {
			s.Domains = append(s.Domains, host)
		}
	}
	if err := drows.Err(); err != nil {
		return nil, fmt.Errorf("list service domains: %w", err)
	}
	// Sorted here rather than in SQL: the engines' collations differ.
	slices.SortFunc(list, func(a, b *Service) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Slug, b.Slug))
	})
	return list, nil
}

// getService loads one service and its domains with q, which may be a
// transaction.
func getService(ctx context.Context, q store.Querier, where string, args ...any) (*Service, error) {
	s, err := scanService(q.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM services WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load service: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT host FROM service_domains WHERE service_id = $1 ORDER BY position, host`, s.ID)
	if err != nil {
		return nil, fmt.Errorf("load domains of %s: %w", s.Slug, err)
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("load domains of %s: %w", s.Slug, err)
		}
		s.Domains = append(s.Domains, h)
	}
	return s, rows.Err()
}

func scanService(row interface{ Scan(...any) error }) (*Service, error) {
	var s Service
	var archived sql.NullTime
	if err := row.Scan(&s.ID, &s.Slug, &s.Name, &s.Description, &s.Owner, &s.Timezone, &s.Phase,
		&s.Public, &archived, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	if archived.Valid {
		t := archived.Time.UTC()
		s.ArchivedAt = &t
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	s.Domains = []string{}
	return &s, nil
}

// prefixed qualifies each of a comma-separated column list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}
