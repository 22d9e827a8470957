//go:build linux

package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestFullDiskDatabase (issue 11): when the disk the SQLite database is on
// fills up, /healthz says so with 503, a change that cannot be saved is
// answered 503 with Retry-After and a message saying why (never 500), and
// once space is freed both recover, without a restart.
func TestFullDiskDatabase(t *testing.T) {
	dbDir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", dbDir).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a small tmpfs: %v %s", err, out)
		}
		t.Skipf("cannot mount a small tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dbDir).Run() })
	dsn := filepath.Join(dbDir, "liveops.db")
	crashSetup(t, dsn)
	write, _, err := cli(t, map[string]string{"LIVEOPS_DB": dsn}, "", "token", "create", "--email", "ops@example.gov", "--scope", "write")
	if err != nil {
		t.Fatal(err)
	}
	write = strings.TrimSpace(write)
	n := startNode(t, dsn, t.TempDir())
	health := func() (int, string) {
		resp, err := http.Get(n.url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	annotate := func(i int) (int, string, string) {
		req, _ := http.NewRequest("POST", n.url+"/api/v1/services/crash/annotations", strings.NewReader(
			fmt.Sprintf(`{"time":"2026-11-23T14:00:00Z","label":"note %d %s"}`, i, strings.Repeat("x", 150))))
		req.Header.Set("Authorization", "Bearer "+write)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
	}
	if code, body := health(); code != 200 {
		t.Fatalf("/healthz before: %d %s", code, body)
	}
	if code, _, body := annotate(0); code != 201 {
		t.Fatalf("annotation before: %d %s", code, body)
	}

	// Fill the disk.
	filler := filepath.Join(dbDir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	f.Close()

	if code, body := health(); code != 503 || !strings.Contains(body, "disk full") {
		t.Fatalf("/healthz on a full disk: %d %s", code, body)
	}
	refused := false
	for i := 1; i <= 5000 && !refused; i++ {
		code, retry, body := annotate(i)
		switch code {
		case 201:
		case 503:
			if retry == "" || !strings.Contains(body, "is full") {
				t.Fatalf("503 without Retry-After or the reason: %q %s", retry, body)
			}
			refused = true
		default:
			t.Fatalf("annotation %d on a full disk: %d %s", i, code, body)
		}
	}
	if !refused {
		t.Fatal("5,000 annotations were saved on a full disk")
	}

	os.Remove(filler)
	waitFor(t, "/healthz to recover", 30*time.Second, func() bool { code, _ := health(); return code == 200 })
	if code, _, body := annotate(9999); code != 201 {
		t.Fatalf("annotation after space was freed: %d %s", code, body)
	}
}
