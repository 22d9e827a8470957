package analytics

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// A checkpoint keeps, across a graceful restart, which rollup rows each of
// the day's visitors has been counted in. Without it a visitor whose visits
// had all ended before the restart is counted again when they come back:
// the rollups cannot tell who is behind them, and the raw events are too
// many to re-read at start. Open visits are reloaded from the database
// (restore.go) whether or not there is a checkpoint.
//
// Each node keeps its own checkpoint (under its node name) and a start
// reads every node's, merged: when several nodes restart in turn, or a
// visitor's requests move from one node to another, no node counts again a
// visitor that another had counted.

// saveCheckpoint writes the visitor state of every service, replacing this
// node's last checkpoint. The writer calls it when the queue is closed and
// everything is written, so the state matches committed rollups.
func (p *Pipeline) saveCheckpoint(ctx context.Context, now time.Time) error {
	byService := map[int64][]byte{}
	for k, vd := range p.sessions.visitors {
		byService[k.service] = appendVisitorDay(byService[k.service], k.visitor, vd)
	}
	return p.db.Tx(ctx, func(tx store.Querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM analytics_node_checkpoints WHERE node = $1`, p.node); err != nil {
			return fmt.Errorf("clear checkpoints: %w", err)
		}
		for service, state := range byService {
			// A service deleted meanwhile has nothing to keep.
			if _, err := tx.ExecContext(ctx, `INSERT INTO analytics_node_checkpoints (node, service_id, saved_at, state)
				SELECT $4, id, $2, $3 FROM services WHERE id = $1`, service, now.UTC(), state, p.node); err != nil {
				return fmt.Errorf("save checkpoint of service %d: %w", service, err)
			}
		}
		return nil
	})
}

// loadCheckpoint takes back the visitor state of every node's last
// checkpoint, of the days that can still be counted in (a service's today
// and yesterday), merged.
func (p *Pipeline) loadCheckpoint(ctx context.Context, now time.Time, zones map[int64]*time.Location) error {
	rows, err := p.db.QueryContext(ctx, `SELECT service_id, state FROM analytics_node_checkpoints`)
	if err != nil {
		return fmt.Errorf("read checkpoints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var service int64
		var state []byte
		if err := rows.Scan(&service, &state); err != nil {
			return fmt.Errorf("read checkpoint: %w", err)
		}
		zone := zones[service]
		if zone == nil {
			continue
		}
		today := localDay(now.UnixMilli(), zone)
		err := decodeVisitorDays(state, func(visitor int64, vd *visitorDay) {
			if vd.day < today-1 {
				return
			}
			k := visitorKey{service, visitor}
			p.sessions.visitors[k] = mergeVisitorDays(p.sessions.visitors[k], vd)
		})
		if err != nil {
			return fmt.Errorf("checkpoint of service %d: %w", service, err)
		}
	}
	return rows.Err()
}

// mergeVisitorDays joins what two nodes knew of one visitor: of the same
// day, every row either had counted them in; else the later day.
func mergeVisitorDays(a, b *visitorDay) *visitorDay {
	switch {
	case a == nil || a.day < b.day:
		return b
	case b.day < a.day:
		return a
	}
	a.counted = a.counted || b.counted
	a.visited = a.visited || b.visited
	for _, k := range b.seen {
		if !slices.Contains(a.seen, k) {
			a.seen = append(a.seen, k)
		}
	}
	for _, k := range b.wide {
		if !slices.Contains(a.wide, k) {
			a.wide = append(a.wide, k)
		}
	}
	return a
}

const (
	flagCounted = 1 << iota
	flagVisited
)

// appendVisitorDay encodes one visitor's day: visitor, day, flags, then the
// packed and wide keys, each list prefixed by its length.
func appendVisitorDay(b []byte, visitor int64, vd *visitorDay) []byte {
	b = binary.AppendVarint(b, visitor)
	b = binary.AppendVarint(b, int64(vd.day))
	var flags byte
	if vd.counted {
		flags |= flagCounted
	}
	if vd.visited {
		flags |= flagVisited
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(vd.seen)))
	for _, k := range vd.seen {
		b = binary.LittleEndian.AppendUint32(b, k)
	}
	b = binary.AppendUvarint(b, uint64(len(vd.wide)))
	for _, k := range vd.wide {
		b = binary.LittleEndian.AppendUint64(b, k)
	}
	return b
}

var errCorruptCheckpoint = errors.New("corrupt checkpoint")

// decodeVisitorDays reads what appendVisitorDay wrote, calling each for
// every visitor's day; it stops with an error at the first malformed one.
func decodeVisitorDays(b []byte, each func(visitor int64, vd *visitorDay)) error {
	for len(b) > 0 {
		visitor, n := binary.Varint(b)
		if n <= 0 {
			return errCorruptCheckpoint
		}
		b = b[n:]
		day, n := binary.Varint(b)
		if n <= 0 || len(b) < n+1 {
			return errCorruptCheckpoint
		}
		flags := b[n]
		b = b[n+1:]
		vd := &visitorDay{day: int32(day), counted: flags&flagCounted != 0, visited: flags&flagVisited != 0}
		count, n := binary.Uvarint(b)
		if n <= 0 || count > uint64(len(b)-n)/4 {
			return errCorruptCheckpoint
		}
		b = b[n:]
		vd.seen = make([]uint32, count)
		for i := range vd.seen {
			vd.seen[i] = binary.LittleEndian.Uint32(b[4*i:])
		}
		b = b[4*count:]
		count, n = binary.Uvarint(b)
		if n <= 0 || count > uint64(len(b)-n)/8 {
			return errCorruptCheckpoint
		}
		b = b[n:]
		if count > 0 {
			vd.wide = make([]uint64, count)
			for i := range vd.wide {
				vd.wide[i] = binary.LittleEndian.Uint64(b[8*i:])
			}
		}
		b = b[8*count:]
		each(visitor, vd)
	}
	return nil
}
