package monitor

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/web"
)

// jsonRows is how many JSON assertions the form offers.
const jsonRows = 3

// checkForm is the add and edit form of a check, as typed. It becomes a
// CheckDoc, the same document the API and the YAML file send, so the
// three ways of managing checks share one path.
type checkForm struct {
	Type                                       string
	Name, Target, Interval, Timeout, Retries   string
	Labels, Component                          string
	Public                                     bool
	Method, ExpectStatus                       string
	BodyContains, BodyNotContains, BodyRegexp  string
	JSON                                       []JSONDoc
	MaxResponseTime                            string
	FollowRedirects, VerifyTLS                 bool
	Headers, Body                              string
	RecordType, Expect, Resolver, MinDaysValid string
	Grace                                      string
}

// TargetID is the target field's id and name: url for HTTP, as the API
// calls it.
func (f checkForm) TargetID() string {
	if f.Type == string(probe.HTTP) {
		return "url"
	}
	return "target"
}

// jsonRow is a row of the form's JSON assertions.
type jsonRow struct {
	ID, Path, Equals string
	Index, Number    int
}

// JSONRows are the form's JSON assertions, numbered for their fields.
func (f checkForm) JSONRows() []jsonRow {
	out := make([]jsonRow, len(f.JSON))
	for i, j := range f.JSON {
		out[i] = jsonRow{ID: "json-path-" + strconv.Itoa(i), Path: j.Path, Equals: j.Equals, Index: i, Number: i + 1}
	}
	return out
}

// newCheckForm is a new check's form of a type, with its defaults.
func newCheckForm(t string) checkForm {
	if !validType(probe.Type(t)) {
		t = string(probe.HTTP)
	}
	f := checkForm{Type: t, Interval: "1m", Retries: "1", Public: true, FollowRedirects: true, VerifyTLS: true, Method: "GET", RecordType: "A"}
	if t == string(probe.Heartbeat) {
		f.Interval, f.Retries, f.Grace = "1h", "0", "5m"
	}
	f.JSON = make([]JSONDoc, jsonRows)
	return f
}

// checkFormOf fills the form with a check's settings.
func checkFormOf(c *Check) checkForm {
	d := Doc(c)
	f := checkForm{Type: d.Type, Name: d.Name, Target: d.URL + d.Target, Interval: d.Interval, Timeout: d.Timeout,
		Retries: strconv.Itoa(d.Retries), Labels: strings.Join(d.Labels, ", "), Component: d.Component, Public: c.Public,
		Method: d.Method, BodyContains: d.BodyContains, BodyNotContains: d.BodyNotContains, BodyRegexp: d.BodyRegexp,
		MaxResponseTime: d.MaxResponseTime, FollowRedirects: c.Spec.FollowRedirects, VerifyTLS: !c.Spec.SkipTLSVerify, Body: d.Body,
		RecordType: d.RecordType, Expect: strings.Join(d.Expect, "\n"), Resolver: d.Resolver, Grace: d.Grace}
	if f.Method == "" {
		f.Method = "GET"
	}
	if f.RecordType == "" {
		f.RecordType = "A"
	}
	var codes []string
	for _, c := range d.ExpectStatus {
		codes = append(codes, strconv.Itoa(c))
	}
	f.ExpectStatus = strings.Join(codes, ", ")
	names := make([]string, 0, len(d.Headers))
	for k := range d.Headers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		f.Headers += k + ": " + d.Headers[k] + "\n"
	}
	f.Headers = strings.TrimSuffix(f.Headers, "\n")
	if d.MinDaysValid > 0 {
		f.MinDaysValid = strconv.Itoa(d.MinDaysValid)
	}
	f.JSON = append(d.JSON, make([]JSONDoc, max(0, jsonRows-len(d.JSON)))...)
	return f
}

// readCheckForm reads the submitted form; the type comes from the form
// (new) or the check (edit).
func readCheckForm(v url.Values, typ string) checkForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := checkForm{Type: typ, Name: g("name"), Interval: g("interval"), Timeout: g("timeout"), Retries: g("retries"), Labels: g("labels"),
		Component: g("component"), Public: v.Get("public") == "yes", Method: g("method"), ExpectStatus: g("expect_status"),
		BodyContains: v.Get("body_contains"), BodyNotContains: v.Get("body_not_contains"), BodyRegexp: v.Get("body_regexp"),
		MaxResponseTime: g("max_response_time"), FollowRedirects: v.Get("follow_redirects") == "yes", VerifyTLS: v.Get("verify_tls") == "yes",
		Headers: v.Get("headers"), Body: v.Get("body"), RecordType: g("record_type"), Expect: v.Get("expect"), Resolver: g("resolver"),
		MinDaysValid: g("min_days_valid"), Grace: g("grace")}
	f.Target = g(f.TargetID())
	for i := range jsonRows {
		n := strconv.Itoa(i)
		f.JSON = append(f.JSON, JSONDoc{Path: g("json-path-" + n), Equals: g("json-equals-" + n)})
	}
	return f
}

// doc turns the form into a check document: the fields of the form's type
// only, and the problems found in what cannot be read at all (a number
// that is not one, a header line without a colon).
func (f checkForm) doc() (CheckDoc, web.FormErrors) {
	var errs web.FormErrors
	d := CheckDoc{Name: f.Name, Type: f.Type, Interval: f.Interval, Timeout: f.Timeout, Component: f.Component, Public: ptr(f.Public), Labels: []string{}}
	if n, err := strconv.Atoi(f.Retries); f.Retries != "" && err != nil {
		errs.Add("retries", "Enter retries as a whole number, such as 1")
	} else {
		d.Retries = n
	}
	for _, l := range strings.Split(f.Labels, ",") {
		if l = strings.TrimSpace(l); l != "" {
			d.Labels = append(d.Labels, l)
		}
	}
	switch probe.Type(f.Type) {
	case probe.HTTP:
		d.URL, d.Method, d.Body = f.Target, strings.ToUpper(f.Method), f.Body
		d.BodyContains, d.BodyNotContains, d.BodyRegexp = f.BodyContains, f.BodyNotContains, f.BodyRegexp
		d.MaxResponseTime, d.FollowRedirects, d.SkipTLSVerify = f.MaxResponseTime, ptr(f.FollowRedirects), !f.VerifyTLS
		for _, s := range strings.FieldsFunc(f.ExpectStatus, func(r rune) bool { return r == ',' || r == ' ' }) {
			code, err := strconv.Atoi(s)
			if err != nil {
				errs.Add("expect_status", "Write the expected statuses as numbers separated by commas, such as 200, 204")
				break
			}
			d.ExpectStatus = append(d.ExpectStatus, code)
		}
		for _, line := range strings.Split(f.Headers, "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			name, value, ok := strings.Cut(line, ":")
			if !ok || strings.TrimSpace(name) == "" {
				errs.Add("headers", "Write one header a line as Name: value, such as Accept: text/html")
				break
			}
			if d.Headers == nil {
				d.Headers = map[string]string{}
			}
			d.Headers[strings.TrimSpace(name)] = strings.TrimSpace(value)
		}
		for i, j := range f.JSON {
			switch {
			case j.Path != "":
				d.JSON = append(d.JSON, j)
			case j.Equals != "":
				errs.Add("json-path-"+strconv.Itoa(i), "Enter the path whose value must equal "+j.Equals+", such as status")
			}
		}
	case probe.DNS:
		d.Target, d.RecordType, d.Resolver = f.Target, f.RecordType, f.Resolver
		for _, a := range strings.Split(f.Expect, "\n") {
			if a = strings.TrimSpace(a); a != "" {
				d.Expect = append(d.Expect, a)
			}
		}
	case probe.TLS:
		d.Target = f.Target
		if f.MinDaysValid != "" {
			n, err := strconv.Atoi(f.MinDaysValid)
			if err != nil || n < 0 {
				errs.Add("min_days_valid", "Enter the days as a whole number, such as 14")
			}
			d.MinDaysValid = n
		}
	case probe.TCP:
		d.Target = f.Target
	case probe.Heartbeat:
		d.Grace, d.Timeout = f.Grace, ""
	}
	return d, errs
}

// typeLink opens the add form for one type of check.
type typeLink struct {
	Type, Label, Link string
	Current           bool
}

// typeLabels name the types of check for people.
var typeLabels = map[probe.Type]string{
	probe.HTTP: "Web page or API (HTTP)", probe.TCP: "Port (TCP)", probe.DNS: "DNS record", probe.TLS: "TLS certificate",
	probe.Heartbeat: "Heartbeat (a job calls liveops)",
}

// checkFormData is the add or edit page.
type checkFormData struct {
	Service    *catalog.Service
	Base       string
	Check      *Check // nil when adding
	Form       checkForm
	TypeLabel  string
	TypeLinks  []typeLink
	Action     string
	Methods    []string
	Records    []string
	MaxRetries int
}

func (m *Monitor) renderCheckForm(w http.ResponseWriter, r *http.Request, s *catalog.Service, c *Check, f checkForm, status int, errs web.FormErrors) error {
	base := monitorBase(s)
	d := checkFormData{Service: s, Base: base, Check: c, Form: f, TypeLabel: typeLabels[probe.Type(f.Type)],
		Methods: []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}, Records: []string{"A", "AAAA", "CNAME", "MX", "TXT", "NS"},
		MaxRetries: MaxRetries, Action: base + "/checks/new"}
	if c != nil {
		d.Action = base + "/checks/" + strconv.FormatInt(c.ID, 10) + "/edit"
	} else {
		for _, t := range types {
			d.TypeLinks = append(d.TypeLinks, typeLink{Type: string(t), Label: typeLabels[t], Link: base + "/checks/new?type=" + string(t), Current: string(t) == f.Type})
		}
	}
	return m.pages.Render(w, r, status, "monitor/check-form", d, errs)
}
