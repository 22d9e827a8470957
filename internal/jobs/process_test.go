package jobs

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// The helper process reads these; helperEnv also tells it that it is one.
const (
	helperEnv     = "LIVEOPS_JOBS_HELPER" // "period" or "long"
	helperDSNEnv  = "LIVEOPS_JOBS_HELPER_DSN"
	helperNodeEnv = "LIVEOPS_JOBS_HELPER_NODE"
)

const (
	periodEvery = 500 * time.Millisecond // the "period" job's interval
	longTimeout = 5 * time.Second        // the "long" job's timeout
	longSleep   = time.Second            // how long the "long" job works when it is taken over
)

// TestHelperProcess is not a test: it is a worker node that the two-process
// tests start by running this test binary again. It runs one job until it
// gets SIGTERM (then stops gracefully) or SIGKILL.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	node := os.Getenv(helperNodeEnv)
	// A helper outlives a crashed test by two minutes at most.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)
	defer stop()
	db, err := store.Open(ctx, os.Getenv(helperDSNEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	record := func(ctx context.Context, kind string) error {
		_, err := db.ExecContext(ctx, `INSERT INTO job_runs (node, kind, started) VALUES ($1, $2, $3)`,
			node, kind, Started(ctx).UnixMilli())
		return err
	}
	job := Job{Name: "test.period", Every: periodEvery, Timeout: 5 * time.Second,
		Run: func(ctx context.Context) error { return record(ctx, "run") }}
	if mode == "long" {
		// The first run hangs until its node is killed (or its timeout); the
		// run that takes over works for a second and ends.
		job = Job{Name: "test.long", Every: never, Timeout: longTimeout, Run: func(ctx context.Context) error {
			if err := record(ctx, "start"); err != nil {
				return err
			}
			var starts int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM job_runs WHERE kind = 'start'`).Scan(&starts); err != nil {
				return err
			}
			wait := time.After(longSleep)
			if starts == 1 {
				wait = nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-wait:
			}
			return record(ctx, "end")
		}}
	}
	r, err := New(db, Options{Node: node, Roles: []Role{RoleWorker}, Poll: 200 * time.Millisecond})
	if err == nil {
		err = r.Add(job)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	r.Start(ctx)
	fmt.Println("ready")
	<-ctx.Done()
	stopCtx, cancelStop := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancelStop()
	if err := r.Stop(stopCtx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	db.Close()
	os.Exit(0)
}

// node is a helper process.
type node struct {
	name string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startNode starts a helper process and waits until its runner started.
func startNode(t *testing.T, dsn, mode, name string) *node {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDSNEnv+"="+dsn, helperNodeEnv+"="+name)
	n := &node{name: name, cmd: cmd, log: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = n.log
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		found := false
		for sc.Scan() {
			if !found && sc.Text() == "ready" {
				found = true
				ready <- true
			}
		}
		if !found {
			ready <- false
		}
		n.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-n.done
		if t.Failed() {
			t.Logf("node %s said:\n%s", name, n.log)
		}
	})
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("node %s exited before it was ready:\n%s", name, n.log)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("node %s not ready after 60 s:\n%s", name, n.log)
	}
	return n
}

// stopNodes sends SIGTERM to every node at once, so that none of them
// takes over a run that another's stop cancelled, and expects graceful exits.
func stopNodes(t *testing.T, nodes ...*node) {
	t.Helper()
	for _, n := range nodes {
		n.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, n := range nodes {
		select {
		case err := <-n.done:
			n.done <- err // for the cleanup
			if err != nil {
				t.Errorf("node %s: %v", n.name, err)
			}
		case <-time.After(60 * time.Second):
			t.Errorf("node %s did not stop within 60 s", n.name)
		}
	}
}

// twoNodeDB returns a migrated PostgreSQL schema with a job_runs table, and
// its DSN for the helper processes.
func twoNodeDB(t *testing.T) (*store.DB, string) {
	t.Helper()
	dsn := storetest.DSNs(t)["postgres"]
	if dsn == "" {
		t.Skip(storetest.PostgresEnv + " is not set: the two-process tests need PostgreSQL")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE job_runs (node TEXT NOT NULL, kind TEXT NOT NULL, started BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db, dsn
}

type runRow struct {
	node, kind string
	started    int64 // Unix ms
}

func runRows(t *testing.T, db *store.DB) []runRow {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT node, kind, started FROM job_runs ORDER BY started, kind DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []runRow
	for rows.Next() {
		var r runRow
		if err := rows.Scan(&r.node, &r.kind, &r.started); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitRows waits until ok holds for the rows of job_runs.
func waitRows(t *testing.T, db *store.DB, what string, ok func([]runRow) bool) []runRow {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		rows := runRows(t, db)
		if ok(rows) {
			return rows
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 90 s; runs: %v", what, rows)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTwoNodesRunOncePerPeriod runs two worker processes on one PostgreSQL
// schema with a job every 500 ms: each period is run exactly once.
func TestTwoNodesRunOncePerPeriod(t *testing.T) {
	db, dsn := twoNodeDB(t)
	a := startNode(t, dsn, "period", "a")
	b := startNode(t, dsn, "period", "b")
	const periods = 12
	waitRows(t, db, fmt.Sprint(periods, " runs"), func(r []runRow) bool { return len(r) >= periods })
	stopNodes(t, a, b)

	rows := runRows(t, db)
	every := periodEvery.Milliseconds()
	seen := map[int64]string{}
	first, last := rows[0].started/every, rows[0].started/every
	byNode := map[string]int{}
	var late int64 // the most a run started after its period began, in ms
	for _, r := range rows[1:] {
		late = max(late, r.started%every)
	}
	for _, r := range rows {
		p := r.started / every
		if other, dup := seen[p]; dup {
			t.Errorf("period %d ran twice: on %s and %s", p, other, r.node)
		}
		seen[p] = r.node
		first, last = min(first, p), max(last, p)
		byNode[r.node]++
	}
	if skipped := last - first + 1 - int64(len(seen)); skipped != 0 {
		t.Errorf("%d of the periods %d…%d were skipped; runs: %v", skipped, first, last, rows)
	}
	t.Logf("%d periods, run by node: %v; the latest start was %d ms into its period", len(seen), byNode, late)
}

// TestKilledHolderIsTakenOver kills (SIGKILL) the node that holds a long
// job in mid-run: the other node runs it once the lease has run out. Both
// nodes are up before the job starts, so that a slow process start cannot
// let the holder's run end before the kill.
func TestKilledHolderIsTakenOver(t *testing.T) {
	db, dsn := twoNodeDB(t)
	nodes := map[string]*node{}
	for _, name := range []string{"a", "b"} {
		nodes[name] = startNode(t, dsn, "long", name)
	}
	rows := waitRows(t, db, "first start", func(r []runRow) bool { return len(r) > 0 })
	holder := rows[0].node
	if err := nodes[holder].cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	other := map[string]string{"a": "b", "b": "a"}[holder]
	rows = waitRows(t, db, "end on "+other, func(rows []runRow) bool {
		for _, r := range rows {
			if r.node == other && r.kind == "end" {
				return true
			}
		}
		return false
	})

	count := map[string]int{}
	var holderStart, otherStart int64
	for _, r := range rows {
		count[r.node+" "+r.kind]++
		switch {
		case r.node == holder && r.kind == "start":
			holderStart = r.started
		case r.node == other && r.kind == "start":
			otherStart = r.started
		}
	}
	want := map[string]int{holder + " start": 1, other + " start": 1, other + " end": 1}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Fatalf("runs %v, want %v (%s killed before its end, %s once)", count, want, holder, other)
	}
	if lease := leaseFor(longTimeout).Milliseconds(); otherStart < holderStart+lease {
		t.Errorf("%s started %d ms after %s, before its lease of %d ms ran out", other, otherStart-holderStart, holder, lease)
	}

	// The table says the job ended well on the other node.
	r, err := New(db, Options{Node: "observer", Roles: []Role{RoleWeb}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Add(Job{Name: "test.long", Every: time.Hour, Timeout: longTimeout, Run: nop}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := status(t, r, "test.long")
		if st.Result == ResultOK && st.Holder == "" && st.LastStart.UnixMilli() == otherStart {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %+v, want ok after %s's run", st, other)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%s took over %d ms after %s's start", other, otherStart-holderStart, holder)
}
