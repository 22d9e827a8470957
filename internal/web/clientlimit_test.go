package web

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestClientLimits: one client gets at most its share of connections, idle
// keep-alive connections and requests in flight, over real TCP.
func TestClientLimits(t *testing.T) {
	site, err := NewSite()
	if err != nil {
		t.Fatal(err)
	}
	l := NewClientLimits(nil, prometheus.NewRegistry())
	l.MaxConns, l.MaxIdle, l.MaxInFlight = 50, 5, 8
	l.ExemptLoopback = false // the test's client is on loopback
	release := make(chan struct{})
	var inHandler atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		inHandler.Add(1)
		<-release
		io.WriteString(w, "done")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	srv := httptest.NewUnstartedServer(Chain(mux, ClientIPs(nil), l.Middleware(site)))
	srv.Config.ConnState = l.ConnState
	srv.Listener = l.Listener(srv.Listener)
	srv.Start()
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	// 100 connections at once, then a request on each: 50 are answered.
	var all []net.Conn
	for range 100 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		all = append(all, c)
	}
	// Every connection is accepted, or closed as over the cap, before any
	// request: none has gone idle and made room.
	deadline := time.Now().Add(10 * time.Second)
	for testutil.ToFloat64(l.limited.WithLabelValues("conns")) < 50 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	var conns []net.Conn
	for _, c := range all {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			continue // closed at once: over the cap
		}
		resp.Body.Close()
		conns = append(conns, c)
	}
	if len(conns) != l.MaxConns {
		t.Fatalf("%d of 100 connections answered, want %d", len(conns), l.MaxConns)
	}
	// All 50 are idle now; the server keeps 5 of them.
	open := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
			open++ // a timeout: the server still holds it
		}
	}
	if open != l.MaxIdle {
		t.Fatalf("%d idle connections kept, want %d", open, l.MaxIdle)
	}
	for _, c := range conns {
		c.Close()
	}

	// Requests in flight: 8 reach the handler, the rest are told to wait.
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 40, MaxIdleConnsPerHost: 40}}
	var wg sync.WaitGroup
	var refused atomic.Int64
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(srv.URL + "/slow")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests {
				if resp.Header.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
				refused.Add(1)
			}
		}()
	}
	deadline = time.Now().Add(10 * time.Second)
	for refused.Load()+inHandler.Load() < 30 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if inHandler.Load() != int64(l.MaxInFlight) || refused.Load() != 30-int64(l.MaxInFlight) {
		t.Errorf("%d requests in the handler and %d refused, want %d and %d", inHandler.Load(), refused.Load(), l.MaxInFlight, 30-l.MaxInFlight)
	}
	close(release)
	wg.Wait()
	// Once they are done the client may send again.
	resp, err := client.Get(srv.URL + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the requests ended: %v %v", resp, err)
	}
	resp.Body.Close()
}
