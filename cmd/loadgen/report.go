package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// tally is what one worker saw. Only its worker writes it; summarize
// reads it after the workers are done.
type tally struct {
	hist           histogram
	sent           int64
	acceptedByName map[string]int64
	dropped        map[string]int64
	errors         map[int]int64
	noVisit        int64 // accepted engagement events that had no visit
	transportErrs  int64
	firstTransport string
}

func newTally() *tally {
	return &tally{acceptedByName: map[string]int64{}, dropped: map[string]int64{}, errors: map[int]int64{}}
}

func (t *tally) answer(ev *event, status int, dropped string) {
	switch {
	case status == http.StatusAccepted && dropped == "":
		t.acceptedByName[ev.name]++
		if ev.noVisit {
			t.noVisit++
		}
	case status == http.StatusAccepted:
		t.dropped[dropped]++
	default:
		t.errors[status]++
	}
}

func (t *tally) transport(err error) {
	if t.transportErrs == 0 {
		t.firstTransport = err.Error()
	}
	t.transportErrs++
}

// summary is the result of a run, and the JSON that verify reads back.
type summary struct {
	URL                string  `json:"url"`
	Domain             string  `json:"domain"`
	Connections        int     `json:"connections"`
	Rate               float64 `json:"rate"`
	Visitors           int     `json:"visitors"`
	Shape              string  `json:"shape"`
	Seconds            float64 `json:"seconds"`
	Interrupted        bool    `json:"interrupted"`
	Sent               int64   `json:"sent"`
	Accepted           int64   `json:"accepted"`
	AcceptedEngagement int64   `json:"accepted_engagement"`
	// Engagement events sent for no visit (a tab left open past its
	// visit's end): accepted, and by design not stored.
	AcceptedNoVisit   int64            `json:"accepted_engagement_without_visit"`
	AcceptedByName    map[string]int64 `json:"accepted_by_name"`
	Dropped           map[string]int64 `json:"dropped"`
	Errors            map[string]int64 `json:"errors"` // by HTTP status
	TransportErrors   int64            `json:"transport_errors"`
	TransportError    string           `json:"transport_error,omitempty"` // the first one
	SentPerSecond     float64          `json:"sent_per_second"`
	AcceptedPerSecond float64          `json:"accepted_per_second"`
	LatencyMS         latencies        `json:"latency_ms"`
}

type latencies struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

func summarize(cfg *ingestConfig, elapsed time.Duration, interrupted bool, tallies []*tally) *summary {
	s := &summary{URL: cfg.endpoint, Domain: cfg.domain, Connections: cfg.connections, Rate: cfg.rate,
		Visitors: cfg.visitors, Shape: cfg.shape, Seconds: elapsed.Seconds(), Interrupted: interrupted,
		AcceptedByName: map[string]int64{}, Dropped: map[string]int64{}, Errors: map[string]int64{}}
	var h histogram
	for _, t := range tallies {
		h.merge(&t.hist)
		s.Sent += t.sent
		for k, v := range t.acceptedByName {
			s.AcceptedByName[k] += v
			s.Accepted += v
		}
		for k, v := range t.dropped {
			s.Dropped[k] += v
		}
		for k, v := range t.errors {
			s.Errors[strconv.Itoa(k)] += v
		}
		s.AcceptedNoVisit += t.noVisit
		if s.TransportErrors == 0 {
			s.TransportError = t.firstTransport
		}
		s.TransportErrors += t.transportErrs
	}
	s.AcceptedEngagement = s.AcceptedByName[engagementName]
	s.SentPerSecond = float64(s.Sent) / elapsed.Seconds()
	s.AcceptedPerSecond = float64(s.Accepted) / elapsed.Seconds()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	s.LatencyMS = latencies{Mean: ms(h.mean()), P50: ms(h.quantile(0.50)), P90: ms(h.quantile(0.90)),
		P99: ms(h.quantile(0.99)), P999: ms(h.quantile(0.999)), Max: ms(h.max)}
	return s
}

// failed: any answer but 202, any request without an answer, or an
// interrupted run. Dropped events (202 with a reason) are not failures.
func (s *summary) failed() bool {
	return len(s.Errors) > 0 || s.TransportErrors > 0 || s.Interrupted
}

func (s *summary) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

func (s *summary) writeText(w io.Writer) {
	fmt.Fprintf(w, "target        %s (domain %s)\n", s.URL, s.Domain)
	fmt.Fprintf(w, "load          %d connections, %s, %d visitors, shape %s", s.Connections, rateText(s.Rate), s.Visitors, s.Shape)
	if s.Interrupted {
		fmt.Fprint(w, ", INTERRUPTED")
	}
	fmt.Fprintf(w, "\nelapsed       %.2f s\n", s.Seconds)
	fmt.Fprintf(w, "sent          %d (%.0f events/s)\n", s.Sent, s.SentPerSecond)
	fmt.Fprintf(w, "accepted      %d (%.0f events/s), of which %d engagement (%d with no visit)\n",
		s.Accepted, s.AcceptedPerSecond, s.AcceptedEngagement, s.AcceptedNoVisit)
	for _, name := range slices.Sorted(maps.Keys(s.AcceptedByName)) {
		fmt.Fprintf(w, "  %-26s %d\n", name, s.AcceptedByName[name])
	}
	fmt.Fprintf(w, "dropped       %s\n", countsText(s.Dropped))
	fmt.Fprintf(w, "errors        %s\n", countsText(s.Errors))
	fmt.Fprintf(w, "transport     %d", s.TransportErrors)
	if s.TransportError != "" {
		fmt.Fprintf(w, " (first: %s)", s.TransportError)
	}
	l := s.LatencyMS
	fmt.Fprintf(w, "\nlatency ms    p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  mean %.2f\n", l.P50, l.P90, l.P99, l.P999, l.Max, l.Mean)
}

func rateText(rate float64) string {
	if rate == 0 {
		return "as fast as answered"
	}
	return fmt.Sprintf("%.0f events/s", rate)
}

func countsText(m map[string]int64) string {
	if len(m) == 0 {
		return "none"
	}
	out := ""
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out += fmt.Sprintf("%s: %d  ", k, m[k])
	}
	return out[:len(out)-2]
}
