// Package store opens the liveops database — an embedded SQLite file or a
// PostgreSQL server — applies the embedded migrations and runs queries and
// transactions on it.
//
// SQL is written once with PostgreSQL-style placeholders ($1, $2, …): both
// drivers bind them by position, so most queries need no dialect of their own.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// The dialects liveops speaks.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultDSN is the database used when none is configured: a SQLite file in
// the working directory.
const DefaultDSN = "liveops.db"

// ErrNotFound is returned when a row that was asked for by key does not exist.
var ErrNotFound = errors.New("not found")

// Querier is what DB and Tx have in common, so that a function can run its
// SQL inside or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open liveops database. On SQLite it holds one writer connection
// and a pool of readers, because SQLite allows one writer at a time and a
// busy writer pool only produces lock errors. On PostgreSQL both are one pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	dsn     string
}

// Open connects to the database named by dsn: a postgres:// or postgresql://
// URL selects PostgreSQL, anything else is a SQLite file path (an empty dsn
// means DefaultDSN). It checks the connection before it returns, so a bad DSN
// or an unreachable server is reported here. Open does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		dsn = DefaultDSN
	}
	if IsPostgresDSN(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// IsPostgresDSN reports whether dsn names a PostgreSQL server.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	if _, err := pgconn.ParseConfig(dsn); err != nil {
		return nil, fmt.Errorf("invalid PostgreSQL DSN: %s", redactPGError(err))
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(5)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := ping(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %s", redactPGError(err))
	}
	return &DB{dialect: Postgres, write: db, read: db, dsn: dsn}, nil
}

// redactPGError keeps a password that pgx may echo from reaching logs, and
// joins the lines pgx gives each address it tried: a CLI error is one line.
func redactPGError(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if i := strings.Index(msg, "://"); i >= 0 {
		if at := strings.Index(msg[i:], "@"); at > 0 {
			if colon := strings.Index(msg[i+3:i+at], ":"); colon >= 0 {
				msg = msg[:i+3+colon+1] + "xxxxx" + msg[i+at:]
			}
		}
	}
	return msg
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		return nil, fmt.Errorf("invalid SQLite DSN %q: give a file path without options", path)
	}
	if path == "" {
		return nil, errors.New("invalid SQLite DSN: empty file path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("open SQLite database %q: directory %q does not exist", path, dir)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL, not NORMAL: a commit is on disk when it returns. The event
	// journal deletes its copy of events once their batch has committed,
	// and with NORMAL a power cut can take back the last commits. Writes
	// come in batches, so the fsync per commit costs little.
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_time_format", "sqlite")
	readQ := url.Values{}
	for k, v := range q {
		readQ[k] = v
	}
	q.Set("_txlock", "immediate") // take the write lock at BEGIN: no upgrade deadlocks
	readQ.Add("_pragma", "query_only(1)")

	write, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open SQLite database %q: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := pingSQLite(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("open SQLite database %q: %w", path, err)
	}
	read, err := sql.Open("sqlite", "file:"+path+"?"+readQ.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open SQLite database %q: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(2)
	read.SetConnMaxIdleTime(time.Minute)
	return &DB{dialect: SQLite, write: write, read: read, dsn: path}, nil
}

// pingSQLite opens the first connection, which switches a new file to WAL.
// That switch needs the file to itself and SQLite answers "locked" at once,
// without waiting, when another process opens the same new file at that
// moment: so it is retried for a while.
func pingSQLite(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(10 * time.Second)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := ping(ctx, db)
		var se *sqlite.Error
		busy := errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED)
		if !busy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

func ping(ctx context.Context, db *sql.DB) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// Dialect tells which engine this is, for the few queries that differ.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes every connection.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers, for health checks.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// ExecContext runs a statement that changes data.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.write.ExecContext(ctx, query, args...)
}

// QueryContext runs a read-only query on the reader pool. A query that
// writes (INSERT … RETURNING) must run in a transaction instead.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a read-only query that returns at most one row.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, query, args...)
}

// Tx runs fn in one transaction on the writer: committed when fn returns
// nil, rolled back when it returns an error or panics. Inside fn use only
// the Tx; on SQLite the writer is a single connection that the Tx holds.
func (db *DB) Tx(ctx context.Context, fn func(tx Querier) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IsUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY constraint
// failure, which callers turn into "already exists" messages.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// Placeholders returns "$from, $from+1, …" n times, for IN lists and
// multi-row inserts.
func Placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// Lock names a PostgreSQL advisory lock that serialises one kind of write
// across every liveops node. Each kind has its own number.
type Lock int64

// The advisory locks liveops takes.
const (
	LockMigrations Lock = 7_219_384_001
	LockCatalog    Lock = 7_219_384_002 // slugs and hostnames must stay unique
	LockAccounts   Lock = 7_219_384_003 // there must always be an admin
	LockRetention  Lock = 7_219_384_004 // one node prunes raw events at a time
	LockGoals      Lock = 7_219_384_010 // goal and funnel names stay unique
)

// LockedTx is Tx that first takes lock on PostgreSQL, for a check-then-write
// that read-committed isolation would let two writers interleave (two
// services taking one hostname, two admins demoting each other). SQLite
// needs no lock: it runs one write transaction at a time.
func (db *DB) LockedTx(ctx context.Context, lock Lock, fn func(tx Querier) error) error {
	return db.Tx(ctx, func(tx Querier) error {
		if db.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lock)); err != nil {
				return fmt.Errorf("take lock %d: %w", lock, err)
			}
		}
		return fn(tx)
	})
}
