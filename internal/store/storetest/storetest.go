// Package storetest gives tests a fresh, migrated database on every engine
// the machine can start: always SQLite, and PostgreSQL when
// LIVEOPS_TEST_POSTGRES holds a server DSN (CI always sets it).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/liveops/liveops/internal/store"
)

// PostgresEnv names the environment variable with the test server's DSN.
const PostgresEnv = "LIVEOPS_TEST_POSTGRES"

// Each runs fn once per available engine, as subtests named "sqlite" and
// "postgres", each with its own empty migrated database. On CI (CI=true) a
// missing PostgreSQL DSN fails the test instead of skipping it, so that the
// PostgreSQL half can never be silently left out.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// DSNs returns a fresh, empty database DSN per available engine, keyed by
// engine name, for tests that open the store themselves (the CLI, the server).
func DSNs(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{"sqlite": filepath.Join(t.TempDir(), "liveops.db")}
	if dsn := postgresDSN(t); dsn != "" {
		out["postgres"] = dsn
	}
	return out
}

// SQLite opens a migrated database in a fresh temporary file.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "liveops.db"))
}

// Postgres opens a migrated database in a fresh schema of the test server,
// or skips the test when none is configured (fails on CI).
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	dsn := postgresDSN(t)
	if dsn == "" {
		t.Skip(PostgresEnv + " is not set: PostgreSQL half skipped")
	}
	return open(t, dsn)
}

// postgresDSN creates an empty schema on the test server and returns a DSN
// whose search_path points at it; the schema is dropped after the test.
func postgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(PostgresEnv + " must be set on CI: .ci/run starts PostgreSQL")
		}
		return ""
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop test schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return db
}
