package analytics

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// salts keeps the secret daily salts that make visitor ids. A visitor id is
// a hash of the day's salt, the service, the client address and the user
// agent: the same person is one visitor all day, and a new one tomorrow.
// Salts older than yesterday are deleted, so nobody (liveops included) can
// link a visitor across days. Yesterday's salt is kept so that a visit
// going on over midnight stays one visit. Salts live in the database, so
// that every node and every restart agrees on them.
type salts struct {
	db *store.DB

	mu    sync.Mutex
	cache map[string][]byte // UTC date → salt, today's and yesterday's
}

func newSalts(db *store.DB) *salts { return &salts{db: db, cache: map[string][]byte{}} }

// pair returns today's and yesterday's salts for the UTC day of t.
func (s *salts) pair(ctx context.Context, t time.Time) (today, yesterday []byte, err error) {
	d := t.UTC().Format(time.DateOnly)
	y := t.UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	s.mu.Lock()
	today, yesterday = s.cache[d], s.cache[y]
	s.mu.Unlock()
	if today != nil && yesterday != nil {
		return today, yesterday, nil
	}
	if today, err = s.load(ctx, d, t); err != nil {
		return nil, nil, err
	}
	if yesterday, err = s.load(ctx, y, t); err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	s.cache = map[string][]byte{d: today, y: yesterday}
	s.mu.Unlock()
	if _, err := s.db.ExecContext(ctx, `DELETE FROM analytics_salts WHERE day < $1`, y); err != nil {
		return nil, nil, fmt.Errorf("delete old salts: %w", err)
	}
	return today, yesterday, nil
}

// load reads the salt of a day, creating it if no node has yet.
func (s *salts) load(ctx context.Context, day string, now time.Time) ([]byte, error) {
	var b [32]byte
	rand.Read(b[:])
	if _, err := s.db.ExecContext(ctx, `INSERT INTO analytics_salts (day, salt, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (day) DO NOTHING`, day, hex.EncodeToString(b[:]), now.UTC()); err != nil {
		return nil, fmt.Errorf("create salt: %w", err)
	}
	var h string
	if err := s.db.QueryRowContext(ctx, `SELECT salt FROM analytics_salts WHERE day = $1`, day).Scan(&h); err != nil {
		return nil, fmt.Errorf("read salt: %w", err)
	}
	return hex.DecodeString(h)
}

// visitorID hashes one visitor for one day. The result is positive, so it
// fits a signed 64-bit column on every engine.
func visitorID(salt []byte, serviceID int64, ip netip.Addr, userAgent string) int64 {
	h := sha256.New()
	h.Write(salt)
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(serviceID))
	h.Write(id[:])
	a := ip.As16()
	h.Write(a[:])
	h.Write([]byte(userAgent))
	var sum [sha256.Size]byte
	return int64(binary.BigEndian.Uint64(h.Sum(sum[:0])) >> 1)
}
