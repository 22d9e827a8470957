package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/liveops/liveops/internal/store"
)

// A node's data directory holds what is the node's own, not the
// database's: its name among the nodes sharing a database, and the journal
// of the events it has accepted but not yet written. It is bound to one
// database, so that a journal is never replayed into another.

const (
	nodeFile       = "node"
	databaseFile   = "database"
	journalDirName = "journal"
	// databaseIDSetting names the database's own random identity in the
	// settings table.
	databaseIDSetting = "database_id"
)

// defaultDataDir is where a node keeps its data when --data-dir is not
// given: beside a SQLite file (one per database), or in the working
// directory for PostgreSQL.
func defaultDataDir(dsn string) string {
	if dsn == "" {
		dsn = store.DefaultDSN
	}
	if store.IsPostgresDSN(dsn) {
		return "liveops-data"
	}
	dsn = strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
	return dsn + ".data"
}

// dataDir is an opened data directory.
type dataDir struct {
	path string
	node string
}

// openDataDir creates or opens dir for db, and names the node: node when
// given, else the name kept in the directory, else a new one kept there.
// It fails when the directory belongs to another database.
func openDataDir(ctx context.Context, dir, node string, db *store.DB) (*dataDir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	id, err := databaseID(ctx, db)
	if err != nil {
		return nil, err
	}
	bound, err := readOrWrite(filepath.Join(dir, databaseFile), id)
	if err != nil {
		return nil, err
	}
	if bound != id {
		return nil, fmt.Errorf("data directory %s belongs to another database: its journal must not be replayed into this one; give this node its own --data-dir", dir)
	}
	if node == "" {
		host, _ := os.Hostname()
		if host == "" {
			host = "node"
		}
		if node, err = readOrWrite(filepath.Join(dir, nodeFile), host+"-"+randomHex(3)); err != nil {
			return nil, err
		}
	}
	return &dataDir{path: dir, node: node}, nil
}

// databaseID is the database's identity, made on first use.
func databaseID(ctx context.Context, db *store.DB) (string, error) {
	id, err := db.Setting(ctx, databaseIDSetting)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("read database identity: %w", err)
	}
	// Two nodes starting at once may both make one: the first stored
	// stays, and both read it back.
	if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
		databaseIDSetting, randomHex(16)); err != nil {
		return "", fmt.Errorf("save database identity: %w", err)
	}
	return db.Setting(ctx, databaseIDSetting)
}

// readOrWrite returns the first line of path, writing value there first
// when the file does not exist.
func readOrWrite(path, value string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(value+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return value, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
