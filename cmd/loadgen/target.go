package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// eventsPath is where liveops, like Plausible, takes events.
const eventsPath = "/api/event"

// eventsURL checks that raw names a server on this machine and returns
// its events endpoint. A load test aimed elsewhere would be an attack, so
// only loopback hosts pass: 127.0.0.0/8, ::1 and localhost.
func eventsURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("--url must be a URL such as http://127.0.0.1:8080, not %q", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("--url must be the server's base URL, without credentials, query or fragment")
	}
	if !loopbackHost(u.Hostname()) {
		return "", fmt.Errorf("--url host %q is not loopback: loadgen only targets 127.0.0.0/8, ::1 or localhost", u.Hostname())
	}
	path := strings.TrimSuffix(u.Path, "/")
	if !strings.HasSuffix(path, eventsPath) {
		path += eventsPath
	}
	u.Path, u.RawPath = path, ""
	return u.String(), nil
}

func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// errNotLoopback stops a connection to anything but loopback, whatever a
// name resolved to.
var errNotLoopback = errors.New("loadgen connects only to loopback addresses")

// newClient is one HTTP client for every worker: keep-alive connections,
// one per worker, no proxy from the environment, no redirects followed,
// and a dialer that refuses any address that is not loopback.
func newClient(conns int, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !ap.Addr().Unmap().IsLoopback() {
				return errNotLoopback
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
