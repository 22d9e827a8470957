package analytics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/liveops/liveops/internal/store"
)

// progress is how far into a node's journal the database holds the events:
// saved in the transaction that writes them, so that it can never say more
// or less than what is stored.
type progress struct {
	node string
	seq  uint64
}

// save records p in tx; a nil progress (events that came without the
// journal) records nothing.
func (p *progress) save(ctx context.Context, tx store.Querier) error {
	if p == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO analytics_journal_progress (node, seq) VALUES ($1, $2)
		ON CONFLICT (node) DO UPDATE SET seq = excluded.seq`, p.node, int64(p.seq))
	if err != nil {
		return fmt.Errorf("record journal progress: %w", err)
	}
	return nil
}

// writtenUpTo is the last journal record of node the database holds, 0
// when none.
func writtenUpTo(ctx context.Context, db *store.DB, node string) (uint64, error) {
	var seq int64
	err := db.QueryRowContext(ctx, `SELECT seq FROM analytics_journal_progress WHERE node = $1`, node).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read journal progress: %w", err)
	}
	return uint64(seq), nil
}
