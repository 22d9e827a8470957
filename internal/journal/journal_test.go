package journal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func open(t *testing.T, dir string, after uint64, opt Options) *Journal {
	t.Helper()
	j, err := Open(dir, after, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func replayAll(t *testing.T, j *Journal, after uint64) map[uint64]string {
	t.Helper()
	got := map[uint64]string{}
	var last uint64
	err := j.Replay(after, func(seq uint64, rec []byte) error {
		if seq <= last {
			t.Fatalf("replay out of order: %d after %d", seq, last)
		}
		last = seq
		got[seq] = string(rec)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAppendReplayAcrossReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j := open(t, dir, 0, Options{SegmentSize: 100})
	var seqs []uint64
	for i := range 20 {
		if err := j.Append(context.Background(), []byte(fmt.Sprintf("record %d", i)), func(seq uint64) { seqs = append(seqs, seq) }); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("sequence numbers %v, want 1…20", seqs)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(segs) < 3 {
		t.Fatalf("%d segments with a 100-byte limit, want several", len(segs))
	}

	j = open(t, dir, 5, Options{SegmentSize: 100})
	got := replayAll(t, j, 5)
	if len(got) != 15 || got[6] != "record 5" || got[20] != "record 19" {
		t.Fatalf("replay after 5: %v", got)
	}
	if j.Next() != 21 {
		t.Fatalf("next = %d, want 21", j.Next())
	}
	// Released segments are gone; the rest replay as before.
	if err := j.Release(12); err != nil {
		t.Fatal(err)
	}
	got = replayAll(t, j, 12)
	if len(got) != 8 || got[13] != "record 12" {
		t.Fatalf("replay after release: %v", got)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(left) >= len(segs) {
		t.Fatalf("release deleted nothing: %d segments, had %d", len(left), len(segs))
	}
}

// A consumer that stored more than the journal holds (its files were lost)
// must never see a number it has already stored.
func TestNumberingContinuesAboveStored(t *testing.T) {
	t.Parallel()
	j := open(t, t.TempDir(), 1000, Options{})
	var seq uint64
	if err := j.Append(context.Background(), []byte("x"), func(s uint64) { seq = s }); err != nil {
		t.Fatal(err)
	}
	if seq != 1001 {
		t.Fatalf("seq = %d, want 1001", seq)
	}
}

func TestTornTailIsCutOff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j := open(t, dir, 0, Options{})
	for i := range 3 {
		if err := j.Append(context.Background(), []byte(fmt.Sprintf("r%d", i)), nil); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	path := segs[len(segs)-1]
	whole, _ := os.Stat(path)

	cases := map[string]func(b []byte) []byte{
		"half a header":   func(b []byte) []byte { return append(b, 1, 2, 3) },
		"half a record":   func(b []byte) []byte { return append(b, 200, 0, 0, 0, 9, 9, 9, 9, 4, 0, 0, 0, 0, 0, 0, 0, 'a') },
		"a bad checksum":  func(b []byte) []byte { return append(b, 1, 0, 0, 0, 9, 9, 9, 9, 4, 0, 0, 0, 0, 0, 0, 0, 'a') },
		"a corrupted end": func(b []byte) []byte { b[len(b)-1] ^= 0xff; return b },
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			d := t.TempDir()
			b, _ := os.ReadFile(path)
			if err := os.WriteFile(filepath.Join(d, filepath.Base(path)), damage(b), 0o600); err != nil {
				t.Fatal(err)
			}
			j := open(t, d, 0, Options{})
			got := replayAll(t, j, 0)
			want := 3
			if name == "a corrupted end" {
				want = 2 // the last record itself is damaged
			}
			if len(got) != want {
				t.Fatalf("replayed %d records, want %d: %v", len(got), want, got)
			}
			// Appending after the cut gives a readable journal again.
			if err := j.Append(context.Background(), []byte("after"), nil); err != nil {
				t.Fatal(err)
			}
			j.Close()
			j = open(t, d, 0, Options{})
			if got := replayAll(t, j, 0); len(got) != want+1 || got[uint64(want+1)] != "after" {
				t.Fatalf("after the cut and an append: %v", got)
			}
		})
	}
	if fi, _ := os.Stat(path); fi.Size() != whole.Size() {
		t.Fatal("the original segment changed")
	}
}

// Concurrent appends are each durable once, in one order: onDurable sees
// sequence numbers strictly in order, and replay gives every record once.
func TestConcurrentAppendsGroupCommit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j := open(t, dir, 0, Options{SegmentSize: 4096})
	var mu sync.Mutex
	var order []uint64
	var wg sync.WaitGroup
	const writers, each = 16, 200
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := j.Append(context.Background(), []byte(fmt.Sprintf("%d/%d", w, i)), func(seq uint64) {
					mu.Lock()
					order = append(order, seq)
					mu.Unlock()
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for i, s := range order {
		if s != uint64(i+1) {
			t.Fatalf("onDurable out of order at %d: %d", i, s)
		}
	}
	j.Close()
	j = open(t, dir, 0, Options{SegmentSize: 4096})
	got := replayAll(t, j, 0)
	if len(got) != writers*each {
		t.Fatalf("replayed %d, want %d", len(got), writers*each)
	}
	seen := map[string]bool{}
	for _, v := range got {
		if seen[v] {
			t.Fatalf("record %q twice", v)
		}
		seen[v] = true
	}
}

func TestAppendAfterCloseAndOversized(t *testing.T) {
	t.Parallel()
	j := open(t, t.TempDir(), 0, Options{})
	if err := j.Append(context.Background(), make([]byte, MaxRecord+1), nil); err == nil {
		t.Fatal("an oversized record was accepted")
	}
	j.Close()
	if err := j.Append(context.Background(), []byte("late"), nil); err != ErrClosed {
		t.Fatalf("append after close: %v, want ErrClosed", err)
	}
}

// A write that fails (here: the segment file was made read-only under the
// journal) is refused, never half-kept: the next good append replays alone.
func TestFailedWriteIsRefusedAndUndone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j := open(t, dir, 0, Options{})
	if err := j.Append(context.Background(), []byte("good"), nil); err != nil {
		t.Fatal(err)
	}
	// Swap the open file for a read-only one: writes now fail like a full disk.
	j.mu.Lock()
	path := j.f.Name()
	j.f.Close()
	ro, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	j.f = ro
	j.w.Reset(ro)
	j.mu.Unlock()
	called := false
	if err := j.Append(context.Background(), []byte("refused"), func(uint64) { called = true }); err == nil || called {
		t.Fatalf("append on a failing file: err %v, onDurable called %v", err, called)
	}
	// The read-only file cannot be truncated either: the journal is broken
	// and refuses everything until it is opened again.
	if err := j.Append(context.Background(), []byte("after"), nil); err == nil {
		t.Fatal("a broken journal took an append")
	}
	j.Close()
	j = open(t, dir, 0, Options{})
	if got := replayAll(t, j, 0); len(got) != 1 || got[1] != "good" {
		t.Fatalf("after a failed write: %v", got)
	}
}

func BenchmarkAppendParallel(b *testing.B) {
	j, err := Open(b.TempDir(), 0, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	rec := make([]byte, 300) // about one encoded event
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := j.Append(context.Background(), rec, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	st := j.Stats()
	b.ReportMetric(float64(st.Records)/float64(max(st.Syncs, 1)), "records/sync")
}

func TestOneProcessPerJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j := open(t, dir, 0, Options{})
	if _, err := Open(dir, 0, Options{}); err == nil {
		t.Fatal("a second opener of one journal was let in")
	}
	j.Close()
	again, err := Open(dir, 0, Options{})
	if err != nil {
		t.Fatalf("after close: %v", err)
	}
	again.Close()
}

// FuzzOpen: whatever a segment file holds (a crash mid-write, a disk that
// returned garbage), opening and replaying the journal neither panics nor
// replays a record that fails its checksum, and appending works after.
func FuzzOpen(f *testing.F) {
	good := t0Segment(f)
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%020d.log", 1)), b, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := Open(dir, 0, Options{NoSync: true})
		if err != nil {
			return // refused whole is fine; a panic is not
		}
		defer j.Close()
		j.Replay(0, func(uint64, []byte) error { return nil })
		if err := j.Append(context.Background(), []byte("after"), nil); err != nil {
			t.Fatalf("append after opening a damaged journal: %v", err)
		}
	})
}

// t0Segment is a segment of three good records.
func t0Segment(f *testing.F) []byte {
	dir := f.TempDir()
	j, err := Open(dir, 0, Options{NoSync: true})
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range []string{"one", "two", "three"} {
		j.Append(context.Background(), []byte(r), nil)
	}
	j.Close()
	b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%020d.log", 1)))
	if err != nil {
		f.Fatal(err)
	}
	return b
}
