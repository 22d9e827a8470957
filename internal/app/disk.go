package app

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/liveops/liveops/internal/store"
)

// A file system is full for /healthz when less than 16 MiB, or 5 % of a
// smaller one, is left: SQLite and the journal fail their next writes.
const minFreeBytes = 16 << 20

// diskFull says which of dirs is on a file system that is (nearly) full,
// and how much is left; "" when none is, or when it cannot be told.
func diskFull(dirs []string) string {
	for _, dir := range dirs {
		free, size, err := diskSpace(dir)
		if err != nil {
			continue
		}
		if free < min(minFreeBytes, size/20) {
			return fmt.Sprintf("%s has %d KiB free", dir, free>>10)
		}
	}
	return ""
}

// writtenDirs are the directories this node writes to that it can watch:
// its data directory (the journal) and a SQLite database's. PostgreSQL's
// disk is the server's to watch; a write it refuses for a full disk is
// answered 503 all the same.
func writtenDirs(dsn, dataDir string) []string {
	var dirs []string
	if dataDir != "" {
		dirs = append(dirs, dataDir)
	}
	if dsn == "" {
		dsn = store.DefaultDSN
	}
	if !store.IsPostgresDSN(dsn) {
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path != "" && path != ":memory:" {
			dirs = append(dirs, filepath.Dir(path))
		}
	}
	return dirs
}
