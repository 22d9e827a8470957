package analytics

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// salts keeps the secret daily salts that make visitor ids. A visitor id is
// a hash of the day's salt, the service, the client address and the user
// agent: the same person is one visitor all day, and a new one tomorrow.
// Days are the service's own, as in its reports, so a visitor's id changes
// at the service's midnight and each day's unique visitors are exact.
// Salts older than the day before yesterday are deleted, so nobody
// (liveops included) can link a visitor across days; yesterday's is kept
// so that a visit going on over midnight stays one visit. Salts live in
// the database, so that every node and every restart agrees on them.
type salts struct {
	db *store.DB

	mu    sync.Mutex
	cache map[string][]byte // date → salt
	swept string            // the UTC date of the last deletion of old salts
}

func newSalts(db *store.DB) *salts { return &salts{db: db, cache: map[string][]byte{}} }

// pair returns today's and yesterday's salts for the day of t in zone.
func (s *salts) pair(ctx context.Context, t time.Time, zone *time.Location) (today, yesterday []byte, err error) {
	local := t.In(zone)
	d := local.Format(time.DateOnly)
	y := local.AddDate(0, 0, -1).Format(time.DateOnly)
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
	// Zones run from UTC-12 to UTC+14: the oldest "yesterday" any service
	// can need is two UTC days back.
	oldest := t.UTC().AddDate(0, 0, -2).Format(time.DateOnly)
	s.mu.Lock()
	s.cache[d], s.cache[y] = today, yesterday
	for day := range s.cache {
		if day < oldest {
			delete(s.cache, day)
		}
	}
	sweep := s.swept != oldest
	s.swept = oldest
	s.mu.Unlock()
	if sweep {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM analytics_salts WHERE day < $1`, oldest); err != nil {
			return nil, nil, fmt.Errorf("delete old salts: %w", err)
		}
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

// visitorID hashes one visitor for one day: the salt, the service, the
// root domain of the page's host (see rootDomain), the client address and
// user agent, as Plausible's user id hashes its salt, site domain, root
// domain, address and user agent. The result is positive, so it fits a
// signed 64-bit column on every engine.
func visitorID(salt []byte, serviceID int64, root string, ip netip.Addr, userAgent string) int64 {
	h := sha256.New()
	h.Write(salt)
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(serviceID))
	h.Write(id[:])
	a := ip.As16()
	h.Write(a[:])
	h.Write([]byte(root))
	h.Write([]byte{0}) // a hostname holds no NUL: root and agent cannot run together
	h.Write([]byte(userAgent))
	var sum [sha256.Size]byte
	return int64(binary.BigEndian.Uint64(h.Sum(sum[:0])) >> 1)
}

// rootDomain is the part of a page's host that a visitor id keys on, so
// that a visitor moving between a site's hosts (example.gov and
// apply.example.gov) stays one visitor, while one on two unrelated hosts
// of a service is two, as with Plausible's registrable domain. liveops
// has no public suffix list: the root is the last two labels, or three
// under a two-letter country domain's common second level (example.gov.uk,
// example.co.uk). An IP address and "(none)" are kept whole.
func rootDomain(host string) string {
	if host == NoHostname {
		return host
	}
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return host
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	n, last := 2, len(labels)-1
	if last >= 2 && len(labels[last]) == 2 && countrySecondLevel[labels[last-1]] {
		n = 3
	}
	if len(labels) <= n {
		return host
	}
	return strings.Join(labels[len(labels)-n:], ".")
}

// countrySecondLevel are the second-level labels under which country
// domains register names: gov.uk, co.uk, com.au, ac.nz and the like.
var countrySecondLevel = map[string]bool{
	"ac": true, "co": true, "com": true, "edu": true, "go": true, "gob": true, "gov": true, "govt": true,
	"ltd": true, "mil": true, "ne": true, "net": true, "nhs": true, "nic": true, "or": true, "org": true,
	"plc": true, "police": true, "sch": true,
}

// prepare makes, ahead of time, every salt a service in any zone needs
// today and tomorrow, and deletes the salts no zone needs any more. A
// node runs it hourly (the analytics.salts job), so that the first event
// after a midnight finds its salt made and ingestion writes nothing: a
// database that stalls at midnight then stops no event.
func (s *salts) prepare(ctx context.Context, now time.Time) error {
	utc := now.UTC()
	// Local dates run from one UTC day back (UTC-12) to one ahead
	// (UTC+14); tomorrow's ahead-most is two days ahead.
	for d := -1; d <= 2; d++ {
		if _, err := s.load(ctx, utc.AddDate(0, 0, d).Format(time.DateOnly), now); err != nil {
			return err
		}
	}
	oldest := utc.AddDate(0, 0, -2).Format(time.DateOnly)
	if _, err := s.db.ExecContext(ctx, `DELETE FROM analytics_salts WHERE day < $1`, oldest); err != nil {
		return fmt.Errorf("delete old salts: %w", err)
	}
	return nil
}

// PrepareSalts is the analytics.salts job: see salts.prepare.
func (in *Ingest) PrepareSalts(ctx context.Context) error {
	return in.salts.prepare(ctx, in.now())
}
