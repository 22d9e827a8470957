package kpi

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/web"
)

// FormErrors are the problems with a submitted form, by field.
type FormErrors = web.FormErrors

// InputError is what saving settings returns for input that cannot be
// stored; see web.InputError.
type InputError = web.InputError

// invalid is a 400 InputError with errs, or nil when there are none.
func invalid(errs FormErrors) error {
	if len(errs) == 0 {
		return nil
	}
	return web.InvalidInput(errs)
}

// Problem is one thing wrong with one row of an upload.
type Problem struct {
	Line    int    `json:"line"`            // the line of the CSV file or JSON body the row starts on
	Row     int    `json:"row,omitempty"`   // the row's number among the data rows, from 1 (0: the file as a whole)
	Field   string `json:"field,omitempty"` // the column at fault, when one is
	Message string `json:"message"`
}

// String is the problem as pages list it: "Line 3: …".
func (p Problem) String() string {
	if p.Line == 0 {
		return p.Message
	}
	return fmt.Sprintf("Line %d: %s", p.Line, p.Message)
}

// MaxProblems bounds the problems an upload reports; a file with more is
// most likely not the kind of file asked for.
const MaxProblems = 1000

// UploadError is an upload refused as a whole: nothing was saved. It
// lists every bad row (up to MaxProblems) with what is wrong with it.
type UploadError struct {
	What      string // "transactions" or "costs"
	Problems  []Problem
	Truncated bool // more problems than MaxProblems were found
}

// Error summarises the problems, for logs and the API's "error".
func (e *UploadError) Error() string {
	lines := map[int]bool{}
	for _, p := range e.Problems {
		lines[p.Line] = true
	}
	more := ""
	if e.Truncated {
		more = " or more"
	}
	if len(lines) == 1 {
		if _, whole := lines[0]; whole {
			return fmt.Sprintf("The %s cannot be read: %s. Nothing was saved.", e.What, strings.TrimSuffix(e.Problems[0].Message, "."))
		}
		return fmt.Sprintf("The %s have a problem on 1%s line; nothing was saved.", e.What, more)
	}
	return fmt.Sprintf("The %s have problems on %d%s lines; nothing was saved.", e.What, len(lines), more)
}

// problems collects an upload's problems up to MaxProblems.
type problems struct {
	list      []Problem
	truncated bool
}

func (ps *problems) add(line, row int, field, format string, args ...any) {
	if len(ps.list) >= MaxProblems {
		ps.truncated = true
		return
	}
	ps.list = append(ps.list, Problem{Line: line, Row: row, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) full() bool { return ps.truncated }

func (ps *problems) err(what string) error {
	if len(ps.list) == 0 {
		return nil
	}
	return &UploadError{What: what, Problems: ps.list, Truncated: ps.truncated}
}

// lowerFirst puts a label in the middle of a sentence: "Completion rate"
// becomes "completion rate".
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// clip shortens what a user typed for an error message.
func clip(s string) string {
	s = web.CleanText(s, 40)
	if len(s) == 40 {
		s += "…"
	}
	return s
}
