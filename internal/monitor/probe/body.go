package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// checkBody applies the spec's body and JSON assertions to what was read,
// and gives why they fail, or "". When the body was cut at MaxBody and an
// assertion that looks for something failed, the reason says so.
func (r *run) checkBody(body []byte, truncated bool) string {
	s := r.p.spec
	note := ""
	if truncated {
		size := fmtSize(r.opts.MaxBody)
		note = fmt.Sprintf(" (body longer than %s, checked the first %s)", size, size)
	}
	if s.BodyContains != "" && !bytes.Contains(body, []byte(s.BodyContains)) {
		return fmt.Sprintf("body does not contain %q", clip(s.BodyContains, 60)) + note
	}
	if s.BodyNotContains != "" && bytes.Contains(body, []byte(s.BodyNotContains)) {
		return fmt.Sprintf("body contains %q", clip(s.BodyNotContains, 60))
	}
	if r.p.re != nil && !r.p.re.Match(body) {
		return fmt.Sprintf("body does not match %s", clip(s.BodyRegexp, 60)) + note
	}
	if len(r.p.json) == 0 {
		return ""
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber() // numbers compare as written: "1.50" stays "1.50"
	var doc any
	if err := d.Decode(&doc); err != nil {
		return "body is not JSON" + note
	}
	for i, path := range r.p.json {
		a := s.JSON[i]
		v, ok := lookup(doc, path)
		if !ok {
			return fmt.Sprintf("json %s not found", clip(a.Path, 60))
		}
		if got := jsonText(v); got != a.Equal {
			return fmt.Sprintf("json %s is %q, expected %q", clip(a.Path, 60), clip(got, 60), clip(a.Equal, 60))
		}
	}
	return ""
}

// lookup walks a dotted path: a part is an object's key, or an array's
// index from 0. A key that itself holds a dot cannot be reached.
func lookup(v any, path []string) (any, bool) {
	for _, part := range path {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// jsonText is a value as JSON text, strings without their quotes; objects
// and arrays come out compact, with keys sorted.
func jsonText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	}
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
