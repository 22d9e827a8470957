package probe

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestHTTPBodyBounded: a 10 MB body and an endless stream are read up to
// MaxBody and no further; the run stays quick and its memory bounded. Not
// parallel, so that the allocation count is this test's own.
func TestHTTPBodyBounded(t *testing.T) {
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	var sent atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		for range 10 << 20 / len(chunk) {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		for {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	for _, path := range []string{"/big", "/endless"} {
		t.Run(path, func(t *testing.T) {
			sent.Store(0)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			res := probe(t, Spec{Type: HTTP, Target: srv.URL + path, BodyContains: "not there"}, local)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			want(t, res, Down, `body does not contain "not there" (body longer than 1 MiB, checked the first 1 MiB)`)
			if took > 2*time.Second {
				t.Errorf("took %s", took)
			}
			t.Logf("allocated %d KiB", (after.TotalAlloc-before.TotalAlloc)>>10)
			// Reading 10 MB whole would allocate well over 10 MB.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Errorf("allocated %d bytes for a probe bounded to 1 MiB", alloc)
			}
			// A body within MaxBody passes, and the note is left out.
			res = probe(t, Spec{Type: HTTP, Target: srv.URL + path, BodyContains: "0123"}, local)
			want(t, res, Up, "")
		})
	}

	// A smaller MaxBody is obeyed, and named in the reason.
	res := probe(t, Spec{Type: HTTP, Target: srv.URL + "/endless", BodyRegexp: "z"}, Options{AllowPrivate: true, MaxBody: 64 << 10})
	want(t, res, Down, "body does not match z (body longer than 64 KiB, checked the first 64 KiB)")
}

func TestReadBody(t *testing.T) {
	for _, c := range []struct {
		in        string
		max       int64
		out       string
		truncated bool
	}{
		{"", 4, "", false},
		{"abcd", 4, "abcd", false},
		{"abcde", 4, "abcd", true},
		{strings.Repeat("x", 100), 10, strings.Repeat("x", 10), true},
		{strings.Repeat("x", 100<<10), 100 << 10, strings.Repeat("x", 100<<10), false},
		{strings.Repeat("x", 100<<10+1), 100 << 10, strings.Repeat("x", 100<<10), true},
	} {
		got, tr, err := readBody(strings.NewReader(c.in), c.max, -1)
		if err != nil || string(got) != c.out || tr != c.truncated {
			t.Errorf("readBody(%q, %d) = %q, %v, %v", clip(c.in, 10), c.max, clip(string(got), 10), tr, err)
		}
		// With the length known, the same.
		got, tr, err = readBody(strings.NewReader(c.in), c.max, int64(len(c.in)))
		if err != nil || string(got) != c.out || tr != c.truncated {
			t.Errorf("readBody(%q, %d, len) = %q, %v, %v", clip(c.in, 10), c.max, clip(string(got), 10), tr, err)
		}
	}
}
