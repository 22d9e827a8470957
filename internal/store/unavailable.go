package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// IsUnavailable reports whether err says the database is not answering —
// PostgreSQL down, restarting or unreachable, a connection cut, SQLite locked
// by another writer past its busy timeout, or a disk that is full — rather
// than that a query was wrong. Such a request is worth trying again
// shortly: the web layer answers it 503 with Retry-After, not 500.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 53: insufficient resources;
		// 57P0x: the server is shutting down or starting.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "53") || strings.HasPrefix(pe.Code, "57P")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	// A connection cut in the middle of an answer reads as an early EOF.
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, sql.ErrConnDone) || pgconn.Timeout(err) || pgconn.SafeToRetry(err)
}

// IsLocked reports whether err says the database is held by someone else
// for now: SQLite's write lock taken by another process past the busy
// timeout, or PostgreSQL starting up or shutting down. A server starting
// waits for it rather than exiting; any other error at start is a mistake
// to report (a wrong path, a refused password).
func IsLocked(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Code, "57P")
}

// IsFull reports whether err says the disk the database writes to is
// full: SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100).
func IsFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_FULL
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "53100"
}
