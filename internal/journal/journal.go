// Package journal is a node-local, append-only log that makes accepted data
// durable before it is acknowledged: an event answered 202 is on disk, so a
// kill -9 or a power cut between the answer and the database write loses
// nothing, and the next start replays what the database has not taken yet.
//
// Appends are group-committed: whatever arrives while one fsync runs is
// written and synced together by the next, so many concurrent requests share
// one fsync (about 0.5 ms here) rather than waiting for one each. Records
// carry a sequence number that only grows; the consumer records the highest
// one it has stored in the same database transaction as the data, so that a
// replay can skip what is already stored and nothing is counted twice.
//
// On disk a journal is a directory of segment files named by their first
// sequence number. A record is its length, a CRC-32C of sequence number and
// payload, the sequence number, and the payload. A torn tail (a crash in the
// middle of a write) is cut off at open.
//
// Why not SQLite/PostgreSQL commits the handler waits for, or an embedded
// NATS JetStream? Measured in issue 9: a batch write with its visits and
// rollups takes hundreds of milliseconds, far past a 20 ms p99; JetStream
// adds a dependency and about 20 MB to the idle process. An fsync'd append
// costs 0.5 ms and a few hundred lines. The scale-out tier (issue 16) puts
// JetStream in front of several nodes; this is the single node's answer.
package journal

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MaxRecord bounds one record's payload; larger appends are refused.
const MaxRecord = 1 << 20

const (
	headerSize   = 16 // length, checksum, sequence number
	segmentExt   = ".log"
	defaultLimit = 64 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("journal is closed")

// ErrBroken is returned by Append once a write or fsync failed in a way the
// journal cannot undo: what it holds on disk is then uncertain, so it takes
// nothing more until it is opened again (the next start).
var ErrBroken = errors.New("journal cannot be written")

// Options tune a journal; zero values take the defaults.
type Options struct {
	SegmentSize int64 // bytes after which a new segment file starts (default 64 MiB)
	// NoSync skips fsync: for tests and benchmarks only, never in production.
	NoSync bool
	// GatherDelay is how long a group commit waits for more records when
	// several writers are appending at once (default 1 ms; negative: never).
	GatherDelay time.Duration
}

// Journal is an open journal. Its methods are safe for concurrent use.
type Journal struct {
	dir  string
	opt  Options
	reqs chan *request
	done chan struct{}

	// sendMu is held for reading while a request is handed to the commit
	// loop and for writing by Close, so that no send meets a closed channel.
	sendMu sync.RWMutex

	// state guards closed and broken, which Append reads on every call;
	// it is never held during I/O, so appenders queue up while a sync runs.
	state  sync.Mutex
	closed bool
	broken error

	lock *os.File // held open: the directory's lock (lockDir)

	// The file is written by the commit loop alone (and by Close after it).
	f          *os.File
	w          *bufio.Writer
	size       int64 // bytes in the current segment
	lastFailed bool  // the last group's write failed (a full disk, say)

	released atomic.Uint64 // the highest sequence number the consumer has stored (Release)

	mu       sync.Mutex // guards the fields below
	next     uint64     // the sequence number of the next record
	segments []uint64   // first sequence number of every segment, oldest first
	syncs    int64      // group commits written, for Stats
	records  int64
}

// Stats counts the records written and the group commits (fsyncs) that
// wrote them: their ratio is how many requests share one sync.
type Stats struct{ Records, Syncs int64 }

// Stats returns the counts since Open.
func (j *Journal) Stats() Stats {
	j.mu.Lock()
	defer j.mu.Unlock()
	return Stats{Records: j.records, Syncs: j.syncs}
}

type request struct {
	rec       []byte
	onDurable func(seq uint64)
	err       chan error
}

// Open opens or creates the journal in dir. after is the highest sequence
// number the consumer has already stored (0 for none): numbering goes on
// above both it and the last record on disk, so a number is never reused
// even if the journal's files were lost.
func Open(dir string, after uint64, opt Options) (*Journal, error) {
	if opt.SegmentSize <= 0 {
		opt.SegmentSize = defaultLimit
	}
	if opt.GatherDelay == 0 {
		opt.GatherDelay = time.Millisecond
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create journal directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	j := &Journal{dir: dir, opt: opt, lock: lock, reqs: make(chan *request, 1024), done: make(chan struct{})}
	if err := j.open(after); err != nil {
		lock.Close()
		if j.f != nil {
			j.f.Close()
		}
		return nil, err
	}
	go j.commitLoop()
	return j, nil
}

func (j *Journal) open(after uint64) error {
	segs, err := j.list()
	if err != nil {
		return err
	}
	j.segments = segs
	j.next = after + 1
	if len(segs) > 0 {
		last, size, err := j.recover(segs[len(segs)-1])
		if err != nil {
			return err
		}
		j.next = max(j.next, last+1)
		if j.f, err = os.OpenFile(j.segmentPath(segs[len(segs)-1]), os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
			return fmt.Errorf("open journal segment: %w", err)
		}
		j.size = size
	} else if err := j.roll(j.next); err != nil {
		return err
	}
	j.w = bufio.NewWriterSize(j.f, 256<<10)
	return nil
}

func (j *Journal) segmentPath(first uint64) string {
	return filepath.Join(j.dir, fmt.Sprintf("%020d%s", first, segmentExt))
}

// list returns the segments' first sequence numbers in order.
func (j *Journal) list() ([]uint64, error) {
	entries, err := os.ReadDir(j.dir)
	if err != nil {
		return nil, fmt.Errorf("read journal directory: %w", err)
	}
	var segs []uint64
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), segmentExt)
		if !ok || e.IsDir() {
			continue
		}
		n, err := strconv.ParseUint(name, 10, 64)
		if err != nil {
			continue
		}
		segs = append(segs, n)
	}
	slices.Sort(segs)
	return segs, nil
}

// recover reads the last segment to its last whole record, cuts off a torn
// tail, and returns the last sequence number in it (first-1 when empty) and
// its good length.
func (j *Journal) recover(first uint64) (last uint64, size int64, err error) {
	path := j.segmentPath(first)
	last = first - 1
	good, err := scan(path, func(seq uint64, _ []byte) error { last = seq; return nil })
	if err != nil && !errors.Is(err, errTorn) {
		return 0, 0, err
	}
	if errors.Is(err, errTorn) {
		slog.Warn("journal: cutting off a torn record at the end of the last segment", "segment", filepath.Base(path), "at", good)
		if err := os.Truncate(path, good); err != nil {
			return 0, 0, fmt.Errorf("cut torn journal tail: %w", err)
		}
	}
	return last, good, nil
}

// errTorn marks a record cut short or failing its checksum: the end of what
// was written whole.
var errTorn = errors.New("torn journal record")

// scan calls fn for each whole record of the segment at path and returns
// the offset after the last one; errTorn when the file goes on past it.
func scan(path string, fn func(seq uint64, rec []byte) error) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open journal segment: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 256<<10)
	var off int64
	var hdr [headerSize]byte
	var buf []byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if err == io.EOF {
				return off, nil
			}
			return off, errTorn
		}
		n := binary.LittleEndian.Uint32(hdr[0:])
		sum := binary.LittleEndian.Uint32(hdr[4:])
		seq := binary.LittleEndian.Uint64(hdr[8:])
		if n > MaxRecord {
			return off, errTorn
		}
		buf = slices.Grow(buf[:0], int(n))[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return off, errTorn
		}
		if checksum(hdr[8:16], buf) != sum {
			return off, errTorn
		}
		if err := fn(seq, buf); err != nil {
			return off, err
		}
		off += headerSize + int64(n)
	}
}

func checksum(seq, rec []byte) uint32 {
	return crc32.Update(crc32.Checksum(seq, castagnoli), castagnoli, rec)
}

// Replay calls fn, in order, for every record whose sequence number is
// above after. fn must not keep rec. Call it before the first Append.
func (j *Journal) Replay(after uint64, fn func(seq uint64, rec []byte) error) error {
	j.mu.Lock()
	segs := slices.Clone(j.segments)
	j.mu.Unlock()
	for i, first := range segs {
		if i+1 < len(segs) && segs[i+1] <= after+1 {
			continue // every record of this segment is at or below after
		}
		_, err := scan(j.segmentPath(first), func(seq uint64, rec []byte) error {
			if seq <= after {
				return nil
			}
			return fn(seq, rec)
		})
		if err != nil && !errors.Is(err, errTorn) {
			return fmt.Errorf("replay journal: %w", err)
		}
	}
	return nil
}

// Append writes rec and returns once it is on disk (fsync'd together with
// whatever else arrived meanwhile). onDurable, when not nil, is called with
// the record's sequence number after the sync and before Append returns,
// in the order the records were written — so a consumer fed from it sees
// records in sequence order. If Append fails the record was not accepted
// (it may still be on disk: consumers must treat replayed records as
// accepted). ctx bounds only the wait for a turn, not a write in progress.
func (j *Journal) Append(ctx context.Context, rec []byte, onDurable func(seq uint64)) error {
	if len(rec) > MaxRecord {
		return fmt.Errorf("journal record of %d bytes is over the %d-byte limit", len(rec), MaxRecord)
	}
	req := &request{rec: rec, onDurable: onDurable, err: make(chan error, 1)}
	j.sendMu.RLock()
	j.state.Lock()
	closed, broken := j.closed, j.broken
	j.state.Unlock()
	if closed || broken != nil {
		j.sendMu.RUnlock()
		return cmp.Or(broken, ErrClosed)
	}
	select {
	case j.reqs <- req:
	case <-ctx.Done():
		j.sendMu.RUnlock()
		return ctx.Err()
	}
	j.sendMu.RUnlock()
	return <-req.err
}

// commitLoop writes requests in groups: it takes one, then every other one
// already waiting, writes them all, syncs once and answers them all.
func (j *Journal) commitLoop() {
	group := make([]*request, 0, 256)
	timer := time.NewTimer(0)
	<-timer.C
	last := 0 // the size of the previous group
	for {
		req, ok := <-j.reqs
		if !ok {
			close(j.done)
			return
		}
		group = append(group[:0], req)
		closed := j.drain(&group, nil)
		// Many writers at once (the last group had company): wait a little
		// for the ones still on their way, so that one sync serves more of
		// them. An fsync costs the kernel about as much CPU as tens of
		// requests; the wait costs each at most GatherDelay of latency.
		if !closed && last > 1 && len(group) < cap(group) && j.opt.GatherDelay > 0 {
			timer.Reset(j.opt.GatherDelay)
			if !j.drain(&group, timer.C) {
				timer.Stop()
			}
		}
		last = len(group)
		j.commit(group)
	}
}

// drain adds waiting requests to group until it is full, the channel is
// empty (wait nil) or wait fires. It reports whether it stopped because
// the channel was closed or wait fired.
func (j *Journal) drain(group *[]*request, wait <-chan time.Time) (stopped bool) {
	for len(*group) < cap(*group) {
		if wait == nil {
			select {
			case req, ok := <-j.reqs:
				if !ok {
					return true
				}
				*group = append(*group, req)
			default:
				return false
			}
			continue
		}
		select {
		case req, ok := <-j.reqs:
			if !ok {
				return true
			}
			*group = append(*group, req)
		case <-wait:
			return true
		}
	}
	return false
}

func (j *Journal) commit(group []*request) {
	j.state.Lock()
	err := j.broken
	j.state.Unlock()
	j.mu.Lock()
	first := j.next
	j.mu.Unlock()
	if err == nil {
		err = j.writeGroup(first, group)
	}
	if err != nil {
		for _, req := range group {
			req.err <- err
		}
		return
	}
	for i, req := range group {
		if req.onDurable != nil {
			req.onDurable(first + uint64(i))
		}
		req.err <- nil
	}
}

// writeGroup writes and syncs the group's records. On failure it cuts the
// segment back to where the group began, so a later append cannot follow a
// half-written record; when even that fails the journal is broken.
func (j *Journal) writeGroup(first uint64, group []*request) error {
	// A full segment starts a new one. So does a segment whose every record
	// the consumer has stored, once it is a sixty-fourth full or a write
	// has just failed: the old one can then be deleted at once, which gives
	// back the space a full disk needs — without this the segment being
	// written would never be deleted, and a full disk would refuse every
	// event for good.
	caughtUp := j.released.Load()+1 >= first
	if j.size >= j.opt.SegmentSize || (caughtUp && j.size > 0 && (j.lastFailed || j.size >= j.opt.SegmentSize/64)) {
		if err := j.roll(first); err != nil {
			return j.breakWith(err)
		}
		if caughtUp {
			if err := j.Release(first - 1); err != nil {
				slog.Warn("journal: delete stored segments", "err", err)
			}
		}
	}
	j.lastFailed = false
	start, seq := j.size, first
	var hdr [headerSize]byte
	var err error
	for _, req := range group {
		binary.LittleEndian.PutUint32(hdr[0:], uint32(len(req.rec)))
		binary.LittleEndian.PutUint64(hdr[8:], seq)
		binary.LittleEndian.PutUint32(hdr[4:], checksum(hdr[8:16], req.rec))
		if _, err = j.w.Write(hdr[:]); err != nil {
			break
		}
		if _, err = j.w.Write(req.rec); err != nil {
			break
		}
		seq++
	}
	if err == nil {
		err = j.w.Flush()
	}
	if err == nil && !j.opt.NoSync {
		err = j.f.Sync()
	}
	if err != nil {
		j.w.Reset(j.f)
		if terr := j.f.Truncate(start); terr != nil {
			return j.breakWith(fmt.Errorf("write failed (%w) and could not be undone (%w)", err, terr))
		}
		j.lastFailed = true
		return fmt.Errorf("write journal: %w", err)
	}
	for _, req := range group {
		j.size += headerSize + int64(len(req.rec))
	}
	j.mu.Lock()
	j.next = seq
	j.syncs++
	j.records += int64(len(group))
	j.mu.Unlock()
	return nil
}

// breakWith marks the journal broken by err and returns the marked error.
func (j *Journal) breakWith(err error) error {
	j.state.Lock()
	defer j.state.Unlock()
	j.broken = fmt.Errorf("%w: %w", ErrBroken, err)
	return j.broken
}

// roll starts a new segment whose first record is first.
func (j *Journal) roll(first uint64) error {
	if j.f != nil {
		if err := j.f.Close(); err != nil {
			return fmt.Errorf("close journal segment: %w", err)
		}
	}
	f, err := os.OpenFile(j.segmentPath(first), os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("create journal segment: %w", err)
	}
	if !j.opt.NoSync {
		if err := syncDir(j.dir); err != nil {
			f.Close()
			return err
		}
	}
	j.f, j.size = f, 0
	if j.w != nil {
		j.w.Reset(f)
	}
	j.mu.Lock()
	if len(j.segments) == 0 || j.segments[len(j.segments)-1] != first {
		j.segments = append(j.segments, first)
	}
	j.mu.Unlock()
	return nil
}

// syncDir makes a new file's name durable, not only its contents.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open journal directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync journal directory: %w", err)
	}
	return nil
}

// Release deletes the segments whose every record is at or below upTo: the
// consumer has stored them. The segment being written is always kept.
func (j *Journal) Release(upTo uint64) error {
	for {
		old := j.released.Load()
		if upTo <= old || j.released.CompareAndSwap(old, upTo) {
			break
		}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	var errs []error
	for len(j.segments) > 1 && j.segments[1] <= upTo+1 {
		if err := os.Remove(j.segmentPath(j.segments[0])); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("delete journal segment: %w", err))
			break
		}
		j.segments = j.segments[1:]
	}
	return errors.Join(errs...)
}

// Next is the sequence number the next record will get.
func (j *Journal) Next() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.next
}

// Size is the number of bytes the journal holds on disk, over all segments.
func (j *Journal) Size() int64 {
	j.mu.Lock()
	segs := slices.Clone(j.segments)
	j.mu.Unlock()
	var total int64
	for _, s := range segs {
		if fi, err := os.Stat(j.segmentPath(s)); err == nil {
			total += fi.Size()
		}
	}
	return total
}

// Close waits for appends in progress, then closes the file. Appends after
// Close fail with ErrClosed.
func (j *Journal) Close() error {
	j.sendMu.Lock()
	j.state.Lock()
	if j.closed {
		j.state.Unlock()
		j.sendMu.Unlock()
		return nil
	}
	j.closed = true
	j.state.Unlock()
	close(j.reqs)
	j.sendMu.Unlock()
	<-j.done
	defer j.lock.Close()
	if err := j.w.Flush(); err != nil {
		j.f.Close()
		return fmt.Errorf("close journal: %w", err)
	}
	return j.f.Close()
}
