package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

func TestMigrateTwiceAndConcurrently(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			// Two processes migrating at once are modelled by two DBs.
			var wg sync.WaitGroup
			errs := make([]error, 3)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db, err := store.Open(ctx, dsn)
					if err != nil {
						errs[i] = err
						return
					}
					defer db.Close()
					errs[i] = db.Migrate(ctx)
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatalf("concurrent migrate: %v", err)
				}
			}
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
			v, err := db.SchemaVersion(ctx)
			if err != nil || v < 1 {
				t.Fatalf("schema version = %d, %v; want >= 1", v, err)
			}
			// Numbers may have gaps (a branch keeps its number while another
			// lands), so each file is counted rather than the last number.
			files, _ := filepath.Glob(filepath.Join("migrations", string(db.Dialect()), "*.sql"))
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(files) {
				t.Fatalf("schema_migrations rows = %d, %v; want %d (each migration recorded once)", n, err, len(files))
			}
		})
	}
}

func TestTxRollsBackAndUniqueViolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		errBoom := errors.New("boom")
		err := db.Tx(ctx, func(tx store.Querier) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, "a", "1"); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("Tx error = %v, want boom", err)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT count(*) FROM settings`).Scan(&n)
		if n != 0 {
			t.Fatalf("rolled-back insert is visible: %d rows", n)
		}
		insert := `INSERT INTO services (slug, name, created_at, updated_at) VALUES ($1, $2, $3, $3)`
		if _, err := db.ExecContext(ctx, insert, "x", "X", now); err != nil {
			t.Fatal(err)
		}
		_, err = db.ExecContext(ctx, insert, "x", "Y", now)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate slug: IsUniqueViolation(%v) = false", err)
		}
		var got time.Time
		if err := db.QueryRowContext(ctx, `SELECT created_at FROM services WHERE slug = $1`, "x").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if d := got.Sub(now); d > time.Millisecond || d < -time.Millisecond {
			t.Fatalf("time round trip: got %v, want %v", got, now)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct{ dsn, want string }{
		"missing directory": {filepath.Join(t.TempDir(), "nope", "x.db"), "does not exist"},
		"bad postgres url":  {"postgres://u:secret@[::1:5432/db", "invalid PostgreSQL DSN"},
		"unreachable":       {"postgres://u:secret@127.0.0.1:1/db?connect_timeout=2", "connect to PostgreSQL"},
	} {
		t.Run(name, func(t *testing.T) {
			db, err := store.Open(ctx, tc.dsn)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error leaks the password: %q", err)
			}
		})
	}
}
