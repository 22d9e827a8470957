package monitor

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/liveops/liveops/internal/fault"
)

// A checks file declares the checks of some services, for liveops checks
// apply:
//
//	services:
//	  parking-permits:
//	    checks:
//	      - name: Start page
//	        type: http
//	        url: https://parking.example.gov/start
//	        interval: 1m
//
// Each check is a CheckDoc, the API's document. Every problem is reported
// with the line it is on.

// FileError is a problem in a checks file, at a line, in a field when one
// is at fault.
type FileError struct {
	File    string
	Line    int
	Field   string
	Message string
}

func (e *FileError) Error() string {
	s := e.File + ":" + strconv.Itoa(e.Line) + ": "
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Message
}

// FileErrors are every problem found in a checks file, in the order of its
// lines. Nothing is applied from a file with any.
type FileErrors []*FileError

func (es FileErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// maxFileErrors bounds the problems reported: past it, the file is more
// likely the wrong file than a file with mistakes.
const maxFileErrors = 50

// ChecksFile is a parsed checks file: what each named service's checks
// should be.
type ChecksFile struct {
	Name     string
	Services []FileService
}

// FileService is a service of a checks file.
type FileService struct {
	Slug   string
	Line   int
	Checks []FileCheck
}

// FileCheck is one check of a checks file, with where it is.
type FileCheck struct {
	Doc  CheckDoc
	Line int
	// keys are the lines of its fields.
	keys map[string]int
}

// at is a problem in the check: at its field's line when the field is
// written, else at the check's.
func (fc *FileCheck) at(file, field, message string) *FileError {
	line := fc.Line
	if l, ok := fc.keys[field]; ok {
		line = l
	}
	return &FileError{File: file, Line: line, Field: field, Message: message}
}

// docFields are the field names of a check in a file, in the document's
// order.
var docFields = func() []string {
	var out []string
	t := reflect.TypeFor[CheckDoc]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}()

// yamlLine finds the line in yaml.v3's error messages ("yaml: line 3: …",
// "line 3: cannot unmarshal …").
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblem turns a message of yaml.v3 into a problem at its line (at
// line otherwise).
func yamlProblem(file string, line int, msg string) *FileError {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			line, msg = n, m[2]
		}
	}
	return &FileError{File: file, Line: max(line, 1), Message: msg}
}

// ParseChecksFile reads a checks file strictly: YAML syntax, the shape of
// the file, no unknown fields, each field of the right kind, no two checks
// of a service with one name. The checks' settings are validated when the
// file is applied, where the services are known.
func ParseChecksFile(name string, data []byte) (f *ChecksFile, err error) {
	defer func() {
		// The YAML library is not ours: a panic on some input is a
		// problem of the file, not a crash.
		if r := recover(); r != nil {
			f, err = nil, FileErrors{{File: name, Line: 1, Message: fmt.Sprintf("the file cannot be read as YAML (%v)", r)}}
		}
	}()
	p := &fileParser{file: name}
	f = p.parse(data)
	if len(p.errs) > 0 {
		// yaml.v3 may put an empty document's node on the line after
		// the last.
		last := lineCount(data)
		for _, e := range p.errs {
			e.Line = min(e.Line, last)
		}
		slices.SortStableFunc(p.errs, func(a, b *FileError) int { return a.Line - b.Line })
		return nil, p.errs
	}
	return f, nil
}

type fileParser struct {
	file string
	errs FileErrors
}

func (p *fileParser) problem(line int, field, format string, args ...any) {
	p.errs = append(p.errs, &FileError{File: p.file, Line: max(line, 1), Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *fileParser) full() bool { return len(p.errs) >= maxFileErrors }

const fileShape = "A checks file is services:, then each service's slug, then its checks: as a list"

func (p *fileParser) parse(data []byte) *ChecksFile {
	f := &ChecksFile{Name: p.file}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8(data)], []byte("\n"))
		p.problem(line, "", "The file must be UTF-8 text")
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.problem(1, "services", "The file is empty. %s", fileShape)
		} else {
			e := yamlProblem(p.file, 1, err.Error())
			e.Line = syntaxLine(data, e.Line, e.Message)
			p.errs = append(p.errs, e)
		}
		return nil
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		line := next.Line
		if err != nil {
			p.errs = append(p.errs, yamlProblem(p.file, 1, err.Error()))
			return nil
		}
		p.problem(line, "", "The file must be one YAML document: remove the second (after ---)")
		return nil
	}
	root := resolve(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = resolve(root.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		p.problem(root.Line, "", "%s", fileShape)
		return nil
	}
	var services *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		switch k.Value {
		case "services":
			services = v
		default:
			p.problem(k.Line, k.Value, "Unknown field: the file has services: only")
		}
	}
	if services == nil {
		p.problem(root.Line, "services", "%s", fileShape)
		return nil
	}
	if services.Kind != yaml.MappingNode {
		p.problem(services.Line, "services", "Give each service's slug, then its checks: as a list")
		return nil
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(services.Content) && !p.full(); i += 2 {
		k, v := services.Content[i], resolve(services.Content[i+1])
		slug := k.Value
		if k.Kind != yaml.ScalarNode || slug == "" {
			p.problem(k.Line, "services", "Each service is named by its slug, such as parking-permits")
			continue
		}
		if first, dup := seen[slug]; dup {
			p.problem(k.Line, "services", "%s is already on line %d: give each service once", slug, first)
			continue
		}
		seen[slug] = k.Line
		f.Services = append(f.Services, p.service(slug, k.Line, v))
	}
	return f
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for depth := 0; n.Kind == yaml.AliasNode && n.Alias != nil && depth < 100; depth++ {
		n = n.Alias
	}
	return n
}

func (p *fileParser) service(slug string, line int, n *yaml.Node) FileService {
	s := FileService{Slug: slug, Line: line}
	if n.Kind != yaml.MappingNode {
		p.problem(line, slug, "Give the service's checks: as a list (checks: [] for none)")
		return s
	}
	var checks *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Value != "checks" {
			p.problem(k.Line, k.Value, "Unknown field: a service has checks: only")
			continue
		}
		checks = resolve(n.Content[i+1])
	}
	if checks == nil {
		p.problem(line, slug, "Give the service's checks: as a list (checks: [] for none)")
		return s
	}
	if checks.Kind != yaml.SequenceNode {
		p.problem(checks.Line, "checks", "The checks are a list: each starts with - name:")
		return s
	}
	names := map[string]int{}
	for _, cn := range checks.Content {
		if p.full() {
			break
		}
		fc, ok := p.check(resolve(cn))
		if !ok {
			continue
		}
		name := strings.TrimSpace(fc.Doc.Name)
		if first, dup := names[name]; dup && name != "" {
			p.errs = append(p.errs, fc.at(p.file, "name", fmt.Sprintf("%s already has a check named %s, on line %d: give each check its own name", slug, name, first)))
			continue
		}
		names[name] = fc.Line
		s.Checks = append(s.Checks, fc)
	}
	return s
}

func (p *fileParser) check(n *yaml.Node) (FileCheck, bool) {
	fc := FileCheck{Line: max(n.Line, 1), keys: map[string]int{}}
	if n.Kind != yaml.MappingNode {
		p.problem(n.Line, "", "Each check is a mapping of its fields, starting with name:")
		return fc, false
	}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Tag == "!!merge" {
			continue // <<: *defaults
		}
		if !slices.Contains(docFields, k.Value) {
			p.problem(k.Line, k.Value, "Unknown field: a check's fields are %s", strings.Join(docFields, ", "))
			ok = false
			continue
		}
		fc.keys[k.Value] = k.Line
	}
	if err := n.Decode(&fc.Doc); err != nil {
		ok = false
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				e := yamlProblem(p.file, fc.Line, msg)
				e.Field = keyAt(n, e.Line)
				p.errs = append(p.errs, e)
			}
		} else {
			p.errs = append(p.errs, yamlProblem(p.file, fc.Line, err.Error()))
		}
	}
	return fc, ok
}

// maxRefine bounds the prefixes syntaxLine parses.
const maxRefine = 60

// syntaxLine finds the line of a YAML syntax error. yaml.v3 names the line
// where the construct around the fault began (and for some errors the line
// before it), so the first prefix of the file, from there on, that fails
// with the same message ends at the line at fault.
func syntaxLine(data []byte, reported int, msg string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	from := max(1, reported-1)
	for k := from; k <= len(lines) && k < from+maxRefine; k++ {
		var n yaml.Node
		err := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		if err != nil && strings.HasSuffix(err.Error(), msg) {
			return k
		}
	}
	return reported
}

// keyAt is the field of a mapping whose value starts on a line.
func keyAt(n *yaml.Node, line int) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Line == line || n.Content[i+1].Line == line {
			return n.Content[i].Value
		}
	}
	return ""
}

// lineCount is how many lines YAML sees in a text: lines end at \r\n, \r,
// \n or Unicode's line and paragraph breaks.
func lineCount(data []byte) int {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, r := range text {
		switch r {
		case '\n', '\r', '\u0085', '\u2028', '\u2029':
			n++
		}
	}
	return n
}

// invalidUTF8 is the offset of the first byte that is not UTF-8.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// prepareError places a problem that Prepare (or the store) found with a
// check at its field in the file.
func prepareError(file string, fc *FileCheck, err error) *FileError {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fc.at(file, fe.Field, fe.Message)
	}
	return &FileError{File: file, Line: fc.Line, Message: err.Error()}
}
