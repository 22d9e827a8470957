package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// maxSlugTries bounds the search for a free derived slug.
const maxSlugTries = 1000

// freeSlug returns base, or the first of base-2, base-3… that no service
// has and that is not reserved.
func freeSlug(ctx context.Context, q store.Querier, base string) (string, error) {
	for n := 1; n <= maxSlugTries; n++ {
		slug := base
		if n > 1 {
			slug = withSuffix(base, n)
		}
		if reservedSlug(slug) {
			continue
		}
		owner, err := slugOwner(ctx, q, slug)
		if err != nil {
			return "", err
		}
		if owner == "" {
			return slug, nil
		}
	}
	return "", web.TakenInput(web.FormErrors{{Field: "slug",
		Message: "Too many services have a slug like this one: enter a slug of your own"}})
}

// slugOwner returns the name of the service with slug, or "" when there is
// none.
func slugOwner(ctx context.Context, q store.Querier, slug string) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM services WHERE slug = $1`, slug).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("check slug %s: %w", slug, err)
	}
	return name, nil
}

// checkHostsFree adds a "domains" error to errs when another service than
// self (0 for none) already has one of hosts, naming that service.
func checkHostsFree(ctx context.Context, q store.Querier, hosts []string, self int64, errs *web.FormErrors) error {
	if len(hosts) == 0 {
		return nil
	}
	args := []any{self}
	for _, h := range hosts {
		args = append(args, h)
	}
	rows, err := q.QueryContext(ctx, `SELECT d.host, s.name FROM service_domains d
		JOIN services s ON s.id = d.service_id
		WHERE d.service_id <> $1 AND d.host IN (`+store.Placeholders(2, len(hosts))+`)`, args...)
	if err != nil {
		return fmt.Errorf("check hostnames: %w", err)
	}
	defer rows.Close()
	taken := map[string]string{}
	for rows.Next() {
		var host, name string
		if err := rows.Scan(&host, &name); err != nil {
			return fmt.Errorf("check hostnames: %w", err)
		}
		taken[host] = name
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check hostnames: %w", err)
	}
	// Report the first in the user's order, so the message is stable.
	for _, h := range hosts {
		if name, ok := taken[h]; ok {
			msg := fmt.Sprintf("%s is already used by the service %s", h, quote(name))
			if len(taken) > 1 {
				msg += fmt.Sprintf(", and %d more of these hostnames are used by other services", len(taken)-1)
			}
			errs.Add("domains", msg)
			break
		}
	}
	return nil
}

// insertDomains writes hosts for the service, keeping their order.
func insertDomains(ctx context.Context, q store.Querier, serviceID int64, hosts []string) error {
	for i, h := range hosts {
		if _, err := q.ExecContext(ctx, `INSERT INTO service_domains (host, service_id, position) VALUES ($1, $2, $3)`,
			h, serviceID, i); err != nil {
			return &raceError{field: "domains", err: fmt.Errorf("insert domain %s: %w", h, err)}
		}
	}
	return nil
}
