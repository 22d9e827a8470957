package monitor

import (
	"strings"
	"time"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/monitor/probe"
)

// CheckDoc is a check as the API and the YAML file write it. Durations are
// Go duration strings ("1m", "10s"). The same document is read from JSON
// (the API) and YAML (liveops checks apply), so the two cannot drift.
type CheckDoc struct {
	ID        int64    `json:"id,omitempty" yaml:"-"`
	Name      string   `json:"name" yaml:"name"`
	Type      string   `json:"type" yaml:"type"`
	URL       string   `json:"url,omitempty" yaml:"url,omitempty"`       // HTTP
	Target    string   `json:"target,omitempty" yaml:"target,omitempty"` // TCP and TLS host:port, DNS name
	Interval  string   `json:"interval" yaml:"interval"`
	Timeout   string   `json:"timeout,omitempty" yaml:"timeout,omitempty"`
	Retries   int      `json:"retries" yaml:"retries,omitempty"`
	Labels    []string `json:"labels" yaml:"labels,omitempty"`
	Component string   `json:"component,omitempty" yaml:"component,omitempty"`
	Public    *bool    `json:"public,omitempty" yaml:"public,omitempty"` // default true
	Paused    bool     `json:"paused" yaml:"paused,omitempty"`

	Method          string            `json:"method,omitempty" yaml:"method,omitempty"`
	Headers         map[string]string `json:"headers,omitempty" yaml:"headers,omitempty"`
	Body            string            `json:"body,omitempty" yaml:"body,omitempty"`
	ExpectStatus    []int             `json:"expect_status,omitempty" yaml:"expect_status,omitempty"`
	BodyContains    string            `json:"body_contains,omitempty" yaml:"body_contains,omitempty"`
	BodyNotContains string            `json:"body_not_contains,omitempty" yaml:"body_not_contains,omitempty"`
	BodyRegexp      string            `json:"body_regexp,omitempty" yaml:"body_regexp,omitempty"`
	JSON            []JSONDoc         `json:"json,omitempty" yaml:"json,omitempty"`
	MaxResponseTime string            `json:"max_response_time,omitempty" yaml:"max_response_time,omitempty"`
	FollowRedirects *bool             `json:"follow_redirects,omitempty" yaml:"follow_redirects,omitempty"` // default true
	SkipTLSVerify   bool              `json:"skip_tls_verify,omitempty" yaml:"skip_tls_verify,omitempty"`

	RecordType string   `json:"record_type,omitempty" yaml:"record_type,omitempty"`
	Expect     []string `json:"expect,omitempty" yaml:"expect,omitempty"`
	Resolver   string   `json:"resolver,omitempty" yaml:"resolver,omitempty"`

	MinDaysValid int `json:"min_days_valid,omitempty" yaml:"min_days_valid,omitempty"`

	Grace string `json:"grace,omitempty" yaml:"grace,omitempty"` // heartbeat

	// What the check is doing, only written.
	Status       Status     `json:"status,omitempty" yaml:"-"`
	Reason       string     `json:"reason,omitempty" yaml:"-"`
	LastRunAt    *time.Time `json:"last_run_at,omitempty" yaml:"-"`
	Since        *time.Time `json:"since,omitempty" yaml:"-"`
	HeartbeatURL string     `json:"heartbeat_url,omitempty" yaml:"-"` // once, when a heartbeat is added
}

// JSONDoc is a JSON assertion as documents write it.
type JSONDoc struct {
	Path   string `json:"path" yaml:"path"`
	Equals string `json:"equals" yaml:"equals"`
}

// Doc writes a check as a document.
func Doc(c *Check) CheckDoc {
	d := CheckDoc{ID: c.ID, Name: c.Name, Type: string(c.Spec.Type), Interval: shortDuration(c.Interval), Retries: c.Retries,
		Labels: c.Labels, Component: c.Component, Public: ptr(c.Public), Paused: c.Paused, Status: c.State(), Reason: c.Reason}
	if d.Labels == nil {
		d.Labels = []string{}
	}
	s := c.Spec
	if s.Type == probe.HTTP {
		d.URL = s.Target
	} else {
		d.Target = s.Target
	}
	if s.Type != probe.Heartbeat {
		d.Timeout = shortDuration(s.Timeout)
	}
	if s.Type == probe.HTTP {
		d.Method, d.Headers, d.Body, d.ExpectStatus = s.Method, s.Headers, s.Body, s.ExpectStatus
		d.BodyContains, d.BodyNotContains, d.BodyRegexp = s.BodyContains, s.BodyNotContains, s.BodyRegexp
		for _, j := range s.JSON {
			d.JSON = append(d.JSON, JSONDoc{j.Path, j.Equal})
		}
		if s.MaxResponseTime > 0 {
			d.MaxResponseTime = shortDuration(s.MaxResponseTime)
		}
		d.FollowRedirects, d.SkipTLSVerify = ptr(s.FollowRedirects), s.SkipTLSVerify
	}
	d.RecordType, d.Expect, d.Resolver, d.MinDaysValid = s.RecordType, s.Expect, s.Resolver, s.MinDaysValid
	if c.Grace > 0 {
		d.Grace = shortDuration(c.Grace)
	}
	if !c.LastRun.IsZero() {
		d.LastRunAt = ptr(c.LastRun)
	}
	if !c.Since.IsZero() {
		d.Since = ptr(c.Since)
	}
	return d
}

func ptr[T any](v T) *T { return &v }

// shortDuration writes 1m rather than 1m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Check reads a document into a check of a service; the settings are
// validated by Check.Validate when it is saved.
func (d CheckDoc) Check(serviceID int64) (*Check, error) {
	c := &Check{ID: d.ID, ServiceID: serviceID, Name: d.Name, Retries: d.Retries, Labels: d.Labels, Component: strings.TrimSpace(d.Component),
		Public: d.Public == nil || *d.Public, Paused: d.Paused}
	t := probe.Type(strings.ToLower(strings.TrimSpace(d.Type)))
	if !validType(t) {
		return nil, fault.Invalidf("type", "The type must be http, tcp, dns, tls or heartbeat")
	}
	c.Spec.Type = t
	var err error
	if c.Interval, err = parseDuration("interval", d.Interval, true); err != nil {
		return nil, err
	}
	if c.Spec.Timeout, err = parseDuration("timeout", d.Timeout, false); err != nil {
		return nil, err
	}
	if c.Grace, err = parseDuration("grace", d.Grace, false); err != nil {
		return nil, err
	}
	switch {
	case t == probe.HTTP && d.Target != "":
		return nil, fault.Invalidf("target", "An http check takes its address in url, not target")
	case t != probe.HTTP && d.URL != "":
		return nil, fault.Invalidf("url", "A %s check takes target (host:port, or a name for dns), not url", t)
	case t == probe.Heartbeat && d.Target != "":
		return nil, fault.Invalidf("target", "A heartbeat check has no target: the job calls liveops")
	case t != probe.Heartbeat && d.Grace != "":
		return nil, fault.Invalidf("grace", "Only heartbeat checks have a grace period")
	}
	c.Spec.Target = strings.TrimSpace(d.URL + d.Target)
	if t == probe.HTTP {
		c.Spec.Method, c.Spec.Headers, c.Spec.Body, c.Spec.ExpectStatus = strings.ToUpper(d.Method), d.Headers, d.Body, d.ExpectStatus
		c.Spec.BodyContains, c.Spec.BodyNotContains, c.Spec.BodyRegexp = d.BodyContains, d.BodyNotContains, d.BodyRegexp
		for _, j := range d.JSON {
			c.Spec.JSON = append(c.Spec.JSON, probe.JSONAssertion{Path: j.Path, Equal: j.Equals})
		}
		if c.Spec.MaxResponseTime, err = parseDuration("max_response_time", d.MaxResponseTime, false); err != nil {
			return nil, err
		}
		c.Spec.FollowRedirects = d.FollowRedirects == nil || *d.FollowRedirects
		c.Spec.SkipTLSVerify = d.SkipTLSVerify
	} else if d.Method != "" || d.Headers != nil || d.Body != "" || d.ExpectStatus != nil || d.BodyContains != "" ||
		d.BodyNotContains != "" || d.BodyRegexp != "" || d.JSON != nil || d.MaxResponseTime != "" || d.FollowRedirects != nil || d.SkipTLSVerify {
		return nil, fault.Invalidf("type", "Request and response settings (method, headers, body, expect_status…) are for http checks only")
	}
	if t != probe.DNS && (d.RecordType != "" || d.Expect != nil || d.Resolver != "") {
		return nil, fault.Invalidf("record_type", "record_type, expect and resolver are for dns checks only")
	}
	c.Spec.RecordType, c.Spec.Expect, c.Spec.Resolver = strings.ToUpper(d.RecordType), d.Expect, d.Resolver
	if d.MinDaysValid != 0 && t != probe.TLS && t != probe.HTTP {
		return nil, fault.Invalidf("min_days_valid", "min_days_valid is for tls and https checks only")
	}
	c.Spec.MinDaysValid = d.MinDaysValid
	return c, nil
}

func parseDuration(field, s string, required bool) (time.Duration, error) {
	if s == "" {
		if required {
			return 0, fault.Invalidf(field, "Enter the %s as a duration such as 1m or 30s", strings.ReplaceAll(field, "_", " "))
		}
		return 0, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return 0, fault.Invalidf(field, "The %s must be a duration such as 1m, 30s or 1h30m, not %q", strings.ReplaceAll(field, "_", " "), s)
	}
	return d, nil
}
