package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/liveops/liveops/internal/store/storetest"
)

// These tests run the real binary, send it events under load, and kill it
// (kill -9), stop it or stall its database mid-way: every event it answered
// 202 must be counted exactly once after the next start.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// liveopsBinary builds the command once for every test that needs it.
func liveopsBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "liveops-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "liveops")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// node is one running liveops process.
type node struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	done chan error
	log  *bytes.Buffer
}

func startNode(t *testing.T, dsn, dataDir string, flags ...string) *node {
	t.Helper()
	cmd := exec.Command(liveopsBinary(t), append([]string{"serve", "--listen", "127.0.0.1:0", "--db", dsn, "--data-dir", dataDir}, flags...)...)
	cmd.Env = append(os.Environ(), "LIVEOPS_LOG_FORMAT=text")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &node{t: t, cmd: cmd, done: make(chan error, 1), log: &bytes.Buffer{}}
	t.Cleanup(func() { cmd.Process.Kill(); <-n.done })
	n.url = waitReady(t, io.TeeReader(stderr, lockedWriter{w: n.log}))
	go func() { n.done <- cmd.Wait() }()
	return n
}

// lockedWriter keeps a process's log while the test reads it.
type lockedWriter struct{ w *bytes.Buffer }

var logMu sync.Mutex

func (l lockedWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	return l.w.Write(p)
}

func (n *node) kill() {
	n.t.Helper()
	n.t.Logf("kill -9 at %s", time.Now().Format("15:04:05.000"))
	n.cmd.Process.Signal(syscall.SIGKILL)
	<-n.done
	n.done <- nil // for the cleanup
}

// load sends page views, each to a page of its own, from several clients
// until stop, and returns the pages answered 202 and how many were refused.
type load struct {
	accepted sync.Map // page → true
	count    atomic.Int64
	refused  atomic.Int64
	next     atomic.Int64
	stop     chan struct{}
	wg       sync.WaitGroup
}

const crashDomain = "crash.example.gov"

func startLoad(url string, clients int) *load {
	l := &load{stop: make(chan struct{})}
	client := &http.Client{Timeout: 5 * time.Second}
	for range clients {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				page := fmt.Sprintf("/e/%d", l.next.Add(1))
				body := fmt.Sprintf(`{"name":"pageview","url":"https://%s%s","domain":"%s"}`, crashDomain, page, crashDomain)
				req, _ := http.NewRequest("POST", url+"/api/event", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
				resp, err := client.Do(req)
				if err != nil {
					time.Sleep(10 * time.Millisecond) // the server is gone: wait for the test to stop us
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted && resp.Header.Get("X-Liveops-Dropped") == "" {
					l.accepted.Store(page, true)
					l.count.Add(1)
				} else {
					l.refused.Add(1)
				}
			}
		}()
	}
	return l
}

func (l *load) end() {
	close(l.stop)
	l.wg.Wait()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// crashSetup makes the service the load is sent to and a read token.
func crashSetup(t *testing.T, dsn string) string {
	t.Helper()
	env := map[string]string{"LIVEOPS_DB": dsn}
	if _, _, err := cli(t, env, "", "service", "add", "--name", "Crash", "--domain", crashDomain, "--timezone", "UTC"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, env, "a long enough password\n", "user", "add", "--email", "ops@example.gov", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	token, _, err := cli(t, env, "", "token", "create", "--email", "ops@example.gov", "--scope", "read")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(token)
}

// pageviews asks the Stats API how many page views each page has today.
func pageviews(t *testing.T, url, token string) map[string]int {
	t.Helper()
	m := map[string]int{}
	for offset := 0; ; offset += 10000 {
		if pageviewsPage(t, url, token, offset, m) < 10000 {
			return m
		}
	}
}

// pageviewsPage adds one page of results to m and says how many it had.
func pageviewsPage(t *testing.T, url, token string, offset int, m map[string]int) int {
	t.Helper()
	q := fmt.Sprintf(`{"site_id":%q,"metrics":["pageviews"],"date_range":"day","dimensions":["event:page"],"pagination":{"limit":10000,"offset":%d}}`, crashDomain, offset)
	req, _ := http.NewRequest("POST", url+"/api/v2/query", strings.NewReader(q))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Results []struct {
			Dimensions []string  `json:"dimensions"`
			Metrics    []float64 `json:"metrics"`
		} `json:"results"`
	}
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("stats query: %d %s", resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Results {
		m[r.Dimensions[0]] = int(r.Metrics[0])
	}
	return len(out.Results)
}

// checkExactlyOnce waits for the restarted node to write what it replays,
// then checks that every accepted page is counted once and none twice.
func checkExactlyOnce(t *testing.T, n *node, token string, l *load) {
	t.Helper()
	want := int(l.count.Load())
	var got map[string]int
	waitFor(t, "the replayed events to be written", 60*time.Second, func() bool {
		got = pageviews(t, n.url, token)
		total := 0
		for _, c := range got {
			total += c
		}
		return total >= want
	})
	missing, twice := 0, 0
	l.accepted.Range(func(k, _ any) bool {
		if got[k.(string)] == 0 {
			missing++
		}
		return true
	})
	for page, c := range got {
		if c > 1 {
			twice++
			t.Errorf("%s counted %d times", page, c)
		}
	}
	if missing > 0 || twice > 0 {
		t.Fatalf("%d of %d accepted events missing, %d counted twice", missing, want, twice)
	}
	t.Logf("%d accepted events (%d refused) all counted once; stored %d (a request cut off by the kill may be stored unanswered)", want, l.refused.Load(), len(got))
}

// TestKill9UnderLoad: kill -9 in the middle of a load run loses no event
// that was answered 202, and the restart counts none twice.
func TestKill9UnderLoad(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			token := crashSetup(t, dsn)
			dataDir := t.TempDir()
			n := startNode(t, dsn, dataDir)
			l := startLoad(n.url, 16)
			waitFor(t, "a few thousand accepted events", 60*time.Second, func() bool { return l.count.Load() >= 3000 })
			n.kill()
			l.end()
			n = startNode(t, dsn, dataDir)
			checkExactlyOnce(t, n, token, l)
		})
	}
}

// holdWriteLock stalls a SQLite database: it takes the write lock from
// another connection and keeps it until release is called.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			db.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// TestStalledDatabase: while the database takes no writes, events are
// still accepted (to the journal) until the queue is full, then refused
// with 503; /healthz says 503; a kill -9, or a SIGTERM that must end within
// the shutdown budget, loses none of the accepted ones.
func TestStalledDatabase(t *testing.T) {
	for _, stop := range []string{"kill", "sigterm"} {
		t.Run(stop, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "liveops.db")
			token := crashSetup(t, dsn)
			dataDir := t.TempDir()
			n := startNode(t, dsn, dataDir)
			// The day's first event makes the day's salt; a database that
			// stalls later in the day has it already.
			l := startLoad(n.url, 16)
			waitFor(t, "events before the stall", 60*time.Second, func() bool { return l.count.Load() >= 100 })
			release := holdWriteLock(t, dsn)
			waitFor(t, "accepted events while the database is stalled", 60*time.Second, func() bool { return l.count.Load() >= 2000 })
			waitFor(t, "/healthz to say 503", 60*time.Second, func() bool {
				resp, err := http.Get(n.url + "/healthz")
				if err != nil {
					return false
				}
				resp.Body.Close()
				return resp.StatusCode == http.StatusServiceUnavailable
			})
			if stop == "kill" {
				n.kill()
			} else {
				start := time.Now()
				n.cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-n.done:
					n.done <- nil
				case <-time.After(40 * time.Second):
					t.Fatalf("still running %v after SIGTERM with a stalled database (budget 25 s)", time.Since(start))
				}
				if took := time.Since(start); took > 25*time.Second {
					t.Fatalf("stopped %v after SIGTERM with a stalled database, over the 25 s budget", took)
				}
				t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))
			}
			l.end()
			release()
			n = startNode(t, dsn, dataDir)
			checkExactlyOnce(t, n, token, l)
		})
	}
}

// TestStartsOnLockedDatabase (issue 11): a node started while another
// process holds the database's write lock waits for it, saying so, rather
// than exiting; once the lock is let go it serves.
func TestStartsOnLockedDatabase(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "liveops.db")
	crashSetup(t, dsn)
	release := holdWriteLock(t, dsn)
	cmd := exec.Command(liveopsBinary(t), "serve", "--listen", "127.0.0.1:0", "--db", dsn, "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "LIVEOPS_LOG_FORMAT=text")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	t.Cleanup(func() { cmd.Process.Kill(); <-done })
	log := &bytes.Buffer{}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lockedWriter{w: log}.Write(append(sc.Bytes(), '\n'))
			if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
				ready <- m[1]
			}
		}
		done <- cmd.Wait()
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		logMu.Lock()
		said := strings.Contains(log.String(), "waiting for the database")
		logMu.Unlock()
		if said {
			break
		}
		if time.Now().After(deadline) {
			logMu.Lock()
			t.Fatalf("the node did not say it waits for the database:\n%s", log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case err := <-done:
		done <- err
		t.Fatalf("the node exited on a locked database: %v\n%s", err, log)
	case <-time.After(3 * time.Second):
	}
	release()
	select {
	case url := <-ready:
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("/healthz after the lock went: %d", resp.StatusCode)
		}
	case err := <-done:
		done <- err
		t.Fatalf("the node exited: %v\n%s", err, log)
	case <-time.After(60 * time.Second):
		t.Fatalf("not ready 60 s after the lock went:\n%s", log)
	}
}
