package themes

import (
	"context"
	"slices"
	"testing"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestFilterMatchesTop runs the inbox's filter on real databases: for every
// theme Top lists, the filter returns as many comments as the theme's count.
func TestFilterMatchesTop(t *testing.T) {
	t.Parallel()
	texts := genCorpus(5, 1000)
	words, phrases := Top(texts, nil, 30)
	// Random text has few phrases above the minimum support (1 % of the
	// texts); enough to check the filter on, as words are.
	if len(words) < 20 || len(phrases) < 5 {
		t.Fatalf("got %d words and %d phrases, want at least 20 words and 5 phrases", len(words), len(phrases))
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `CREATE TABLE themes_test (normalized TEXT NOT NULL)`); err != nil {
			t.Fatalf("create table: %v", err)
		}
		err := db.Tx(ctx, func(tx store.Querier) error {
			for _, text := range texts {
				if _, err := tx.ExecContext(ctx, `INSERT INTO themes_test (normalized) VALUES ($1)`, Normalize(text)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("insert texts: %v", err)
		}
		for _, th := range slices.Concat(words, phrases) {
			var n int
			err := db.QueryRowContext(ctx,
				`SELECT count(*) FROM themes_test WHERE normalized LIKE '% ' || $1 || ' %'`, th.Term).Scan(&n)
			if err != nil {
				t.Fatalf("count %q: %v", th.Term, err)
			}
			if n != th.Count {
				t.Errorf("filter on %q returns %d comments, Top counts %d", th.Term, n, th.Count)
			}
		}
	})
}
