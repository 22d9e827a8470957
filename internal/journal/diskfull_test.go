//go:build linux

package journal

import (
	"context"
	"os"
	"os/exec"
	"testing"
)

// smallDisk mounts a tmpfs of size bytes for the test: a disk that fills
// up. It needs root; on CI (which runs as root) it must work.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a small tmpfs: %v %s", err, out)
		}
		t.Skipf("cannot mount a small tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// TestFullDisk: on a full disk an append is refused (not half kept), and
// once the consumer has stored what the journal holds, the journal gives
// the space back and takes appends again — it does not stay stuck.
func TestFullDisk(t *testing.T) {
	dir := smallDisk(t, "256k")
	j := open(t, dir, 0, Options{})
	rec := make([]byte, 1000)
	var accepted uint64
	var refused error
	for range 1000 {
		if refused = j.Append(context.Background(), rec, func(seq uint64) { accepted = seq }); refused != nil {
			break
		}
	}
	if refused == nil || accepted == 0 {
		t.Fatalf("a 256 KiB disk took 1 MB of records (accepted %d, last error %v)", accepted, refused)
	}
	t.Logf("full after %d records: %v", accepted, refused)
	// Nothing stored yet: still refused.
	if err := j.Append(context.Background(), rec, nil); err == nil {
		t.Fatal("an append on a full disk went through before anything was released")
	}
	// The consumer stores everything: the next append starts a fresh
	// segment, deletes the stored one and succeeds.
	if err := j.Release(accepted); err != nil {
		t.Fatal(err)
	}
	var seq uint64
	if err := j.Append(context.Background(), rec, func(s uint64) { seq = s }); err != nil {
		t.Fatalf("after the stored records were released: %v", err)
	}
	if seq != accepted+1 {
		t.Fatalf("sequence %d after %d", seq, accepted)
	}
	j.Close()
	// Every accepted record either replays or was released; none is torn.
	j = open(t, dir, accepted, Options{})
	if got := replayAll(t, j, accepted); len(got) != 1 {
		t.Fatalf("replay after the full disk: %d records, want 1", len(got))
	}
}
