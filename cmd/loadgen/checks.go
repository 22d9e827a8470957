package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// cmdTarget serves the pages synthetic checks call, on loopback, until its
// duration is over: 200 and a short body for any path, counting the calls.
func cmdTarget(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("target")
	listen := fs.String("listen", "127.0.0.1:18090", "loopback address to serve on")
	duration := fs.Duration("duration", 10*time.Minute, "how long to serve")
	delay := fs.Duration("delay", 0, "how long each answer waits, as a slow service would")
	if err := parseFlags(fs, args, "target [--listen 127.0.0.1:18090] [--duration 10m] [--delay 0]", stdout); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil || !loopbackHost(host) {
		return usageError{"--listen must be a loopback host:port, such as 127.0.0.1:18090"}
	}
	var calls atomic.Int64
	srv := &http.Server{Addr: *listen, ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if *delay > 0 {
			time.Sleep(*delay)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "serving checks on http://%s for %s\n", ln.Addr(), *duration)
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintf(stdout, "answered %d calls\n", calls.Load())
	return nil
}

// cmdChecks adds checks of a target to a liveops service through its API.
func cmdChecks(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("checks")
	base := fs.String("url", "", "the liveops server, such as http://127.0.0.1:8080")
	token := fs.String("token", "", "an API token with write scope")
	service := fs.String("service", "", "the service's slug")
	target := fs.String("target", "http://127.0.0.1:18090", "the target loadgen serves")
	n := fs.Int("checks", 5000, "how many checks to add")
	interval := fs.String("interval", "1m", "each check's interval")
	if err := parseFlags(fs, args, "checks --url URL --token T --service SLUG [--target URL] [--checks N] [--interval 1m]", stdout); err != nil {
		return err
	}
	if _, err := eventsURL(*base); err != nil {
		return usageError{err.Error()}
	}
	if _, err := eventsURL(*target); err != nil {
		return usageError{strings.Replace(err.Error(), "--url", "--target", 1)}
	}
	if *token == "" || *service == "" || *n < 1 {
		return usageError{"give --token, --service and a positive --checks"}
	}
	start := time.Now()
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(*n) || ctx.Err() != nil || failed.Load() != nil {
					return
				}
				body := fmt.Sprintf(`{"name": "load check %05d", "type": "http", "url": "%s/c/%05d", "interval": %q, "timeout": "10s"}`,
					i, *target, i, *interval)
				req, _ := http.NewRequestWithContext(ctx, "POST", strings.TrimSuffix(*base, "/")+"/api/v1/services/"+*service+"/checks", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+*token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					failed.Store(err.Error())
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					failed.Store(fmt.Sprintf("check %d: %d %s", i, resp.StatusCode, b))
					return
				}
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f != nil {
		return fmt.Errorf("add checks: %s", f)
	}
	fmt.Fprintf(stdout, "added %d checks in %s\n", *n, time.Since(start).Round(time.Millisecond))
	return nil
}
