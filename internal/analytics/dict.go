package analytics

import (
	"context"
	"fmt"

	"github.com/liveops/liveops/internal/store"
)

// dictionary gives every string an event carries (page, referrer, source,
// browser…) a small integer id, so that events, sessions and rollups store
// and group integers. The empty string is always 0. Only the writer
// goroutine uses it, so it needs no lock.
type dictionary struct {
	db  *store.DB
	ids map[string]int64
}

// maxCachedStrings bounds the cache; past it the cache starts again empty
// (ids stay stable in the database, so this only costs look-ups).
const maxCachedStrings = 200_000

func newDictionary(db *store.DB) *dictionary {
	return &dictionary{db: db, ids: map[string]int64{"": 0}}
}

// resolve makes sure every value has an id, creating the missing ones.
func (d *dictionary) resolve(ctx context.Context, values map[string]struct{}) error {
	if len(d.ids) > maxCachedStrings {
		d.ids = map[string]int64{"": 0}
	}
	var missing []string
	for v := range values {
		if _, ok := d.ids[v]; !ok {
			missing = append(missing, v)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	found := make(map[string]int64, len(missing))
	err := d.db.Tx(ctx, func(tx store.Querier) error {
		for _, v := range missing {
			if _, err := tx.ExecContext(ctx, `INSERT INTO analytics_strings (value) VALUES ($1) ON CONFLICT (value) DO NOTHING`, v); err != nil {
				return fmt.Errorf("add string: %w", err)
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `SELECT id FROM analytics_strings WHERE value = $1`, v).Scan(&id); err != nil {
				return fmt.Errorf("read string id: %w", err)
			}
			found[v] = id
		}
		return nil
	})
	if err != nil {
		return err // nothing cached: the ids of a rolled-back transaction are not real
	}
	for v, id := range found {
		d.ids[v] = id
	}
	return nil
}

// id is the id of a value that resolve has seen.
func (d *dictionary) id(v string) int64 { return d.ids[v] }
