//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestFullDisk: a node whose data directory fills up refuses events with
// 503 (they were not accepted: the client sends them again) rather than
// answering 202 and losing them; as the database takes what the journal
// holds, the journal gives its space back and the node takes events again.
// Every event answered 202 is counted once.
func TestFullDisk(t *testing.T) {
	dataDir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", dataDir).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a small tmpfs: %v %s", err, out)
		}
		t.Skipf("cannot mount a small tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dataDir).Run() })
	dsn := filepath.Join(t.TempDir(), "liveops.db")
	token := crashSetup(t, dsn)
	n := startNode(t, dsn, dataDir)
	l := startLoad(n.url, 16)
	waitFor(t, "events refused on the full disk", 60*time.Second, func() bool { return l.refused.Load() > 0 })
	after := l.count.Load()
	waitFor(t, "events accepted again after the disk was full", 60*time.Second, func() bool { return l.count.Load() > after+1000 })
	l.end()
	checkExactlyOnce(t, n, token, l)
}
