package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/liveops/liveops/internal/store"
)

// storage is the disk the analytics data takes. Raw is what each event
// costs (events, visits and the string dictionary, with their indexes);
// rollups are what the dashboard reads (daily and hourly rows).
type storage struct {
	Dialect     string           `json:"dialect"`
	FileBytes   int64            `json:"file_bytes"` // SQLite: the file and its -wal; PostgreSQL: the analytics tables
	RawBytes    int64            `json:"raw_bytes"`
	RollupBytes int64            `json:"rollup_bytes"`
	ByTable     map[string]int64 `json:"by_table"`
	// Per stored event (engagement events included).
	FilePerEvent   float64 `json:"file_bytes_per_event"`
	RawPerEvent    float64 `json:"raw_bytes_per_event"`
	RollupPerEvent float64 `json:"rollup_bytes_per_event"`
}

var (
	rawTables    = []string{"analytics_events", "analytics_sessions", "analytics_strings"}
	rollupTables = []string{"analytics_daily", "analytics_hourly"}
)

// fileBytes is the size of a SQLite database and its write-ahead log; 0
// for PostgreSQL, whose size is asked of the server.
func fileBytes(dsn string) (int64, error) {
	if store.IsPostgresDSN(dsn) {
		return 0, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
	var total int64
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) && p != path {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("size of the database: %w", err)
		}
		total += fi.Size()
	}
	return total, nil
}

// On SQLite, dbstat gives the pages of each table and index; an index
// counts for its table.
const (
	sqliteTableBytes = `SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d
		JOIN sqlite_master m ON m.name = d.name WHERE m.tbl_name LIKE 'analytics_%' GROUP BY m.tbl_name`
	postgresTableBytes = `SELECT t, COALESCE(pg_total_relation_size(to_regclass(t)), 0)
		FROM unnest($1::text[]) AS t`
)

func measureStorage(ctx context.Context, db *store.DB, files int64) (*storage, error) {
	s := &storage{Dialect: string(db.Dialect()), FileBytes: files, ByTable: map[string]int64{}}
	var (
		q    = sqliteTableBytes
		args []any
	)
	if db.Dialect() == store.Postgres {
		q, args = postgresTableBytes, []any{append(rawTables, rollupTables...)}
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("size of the tables: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table string
		var n int64
		if err := rows.Scan(&table, &n); err != nil {
			return nil, fmt.Errorf("size of the tables: %w", err)
		}
		s.ByTable[table] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("size of the tables: %w", err)
	}
	for _, t := range rawTables {
		s.RawBytes += s.ByTable[t]
	}
	for _, t := range rollupTables {
		s.RollupBytes += s.ByTable[t]
	}
	if db.Dialect() == store.Postgres {
		s.FileBytes = s.RawBytes + s.RollupBytes
	}
	return s, nil
}

func (s *storage) perEvent(events int64) {
	if events > 0 {
		n := float64(events)
		s.FilePerEvent, s.RawPerEvent, s.RollupPerEvent = float64(s.FileBytes)/n, float64(s.RawBytes)/n, float64(s.RollupBytes)/n
	}
}

func (s *storage) writeText(w io.Writer) {
	what := "database file + -wal"
	if s.Dialect == string(store.Postgres) {
		what = "analytics tables"
	}
	fmt.Fprintf(w, "disk          %s %.1f MB, %.1f bytes per stored event\n", what, float64(s.FileBytes)/1e6, s.FilePerEvent)
	fmt.Fprintf(w, "  raw         %.1f MB, %.1f bytes per stored event (events, visits, strings, with indexes)\n", float64(s.RawBytes)/1e6, s.RawPerEvent)
	fmt.Fprintf(w, "  rollups     %.1f MB, %.1f bytes per stored event (daily, hourly)\n", float64(s.RollupBytes)/1e6, s.RollupPerEvent)
}
