package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestChecksOnTwoNodes (issue 13, point 3): two `liveops serve` processes
// on one PostgreSQL database run each check once per interval, not twice,
// share the checks between them, and when one is killed with -9 the other
// runs all of them.
func TestChecksOnTwoNodes(t *testing.T) {
	dsn, ok := storetest.DSNs(t)["postgres"]
	if !ok {
		t.Skip(storetest.PostgresEnv + " is not set: two nodes need PostgreSQL")
	}
	env := map[string]string{"LIVEOPS_DB": dsn}
	if _, _, err := cli(t, env, "", "service", "add", "--name", "Checked", "--domain", "checked.example.gov", "--timezone", "UTC"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, env, "a long enough password\n", "user", "add", "--email", "ops@example.gov", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	out, _, err := cli(t, env, "", "token", "create", "--email", "ops@example.gov", "--scope", "write")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out)

	// The target counts the calls each check makes.
	var mu sync.Mutex
	calls := map[string]int{}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[r.URL.Path]++
		mu.Unlock()
	}))
	defer target.Close()

	a := startNode(t, dsn, t.TempDir(), "--allow-private-checks")
	b := startNode(t, dsn, t.TempDir(), "--allow-private-checks")
	const checks = 30
	for i := range checks {
		body := fmt.Sprintf(`{"name": "check %02d", "type": "http", "url": "%s/c/%02d", "interval": "10s", "timeout": "2s"}`, i, target.URL, i)
		req, _ := http.NewRequest("POST", a.url+"/api/v1/services/checked/checks", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("add check %d: %d %s", i, resp.StatusCode, b)
		}
	}

	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	scalar := func(q string) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	// Three intervals on both nodes.
	time.Sleep(32 * time.Second)
	if n := scalar(`SELECT COUNT(*) FROM monitor_results`); n < 2*checks {
		t.Fatalf("%d results in three intervals of %d checks", n, checks)
	}
	// Which node ran a check is not recorded; that both did shows in the
	// claims each node won (its /metrics).
	for _, n := range []*node{a, b} {
		if won := claimsWon(t, n.url); won == 0 {
			t.Errorf("node %s won no claim: the checks are not shared", n.url)
		}
	}

	a.kill()
	killed := time.Now()
	time.Sleep(25 * time.Second)
	// Every check ran after the kill, on the node left.
	if n := scalar(fmt.Sprintf(`SELECT COUNT(DISTINCT check_id) FROM monitor_results WHERE at_ms > %d`, killed.Add(2*time.Second).UnixMilli())); n != checks {
		t.Errorf("%d of %d checks ran after one node was killed", n, checks)
	}
	// Never one interval twice: results, and the target's count of calls.
	if dup := scalar(`SELECT COUNT(*) - COUNT(DISTINCT check_id * 1000000000 + slot) FROM monitor_results`); dup != 0 {
		t.Errorf("%d intervals ran twice", dup)
	}
	results := scalar(`SELECT COUNT(*) FROM monitor_results`)
	mu.Lock()
	total := 0
	for _, n := range calls {
		total += n
	}
	mu.Unlock()
	// A run killed between its call and its write leaves a call with no
	// result; there are never more results than calls.
	if int64(total) < results || int64(total) > results+checks {
		t.Errorf("the target had %d calls for %d results", total, results)
	}
}

// claimsWon reads a node's count of claims won from /metrics.
func claimsWon(t *testing.T, url string) float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if rest, ok := strings.CutPrefix(line, `liveops_monitor_claims_total{outcome="won"} `); ok {
			var n float64
			fmt.Sscan(rest, &n)
			return n
		}
	}
	return 0
}
