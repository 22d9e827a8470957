package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxFormBytes bounds a submitted form, files included.
const MaxFormBytes = 4 << 20

// parseForm reads a submitted form and refuses one that is too large or
// holds text that cannot be stored (invalid UTF-8, NUL), naming the field.
func parseForm(r *http.Request) error {
	// ParseMultipartForm hides a url-encoded body's read error behind
	// ErrNotMultipart, which would leave the form half read (and report a
	// missing CSRF token): each kind is parsed by its own call.
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return &Error{Status: http.StatusRequestEntityTooLarge, Message: "The form is too large."}
	case err != nil && !errors.Is(err, http.ErrNotMultipart):
		return BadRequest("", "The form could not be read: %v", err)
	}
	for name, values := range r.PostForm {
		for _, v := range values {
			if !ValidText(v) {
				return BadRequest(name, "%s contains characters that cannot be stored", name)
			}
		}
	}
	return nil
}

// FieldError is one problem with one form field.
type FieldError struct {
	Field   string // the input's id, which the error summary links to
	Message string
}

// FormErrors are the problems found in a submitted form, in the order of
// the form's fields, as the error summary at the top of the page lists them.
type FormErrors []FieldError

// Add records a problem with field.
func (e *FormErrors) Add(field, msg string) { *e = append(*e, FieldError{field, msg}) }

// For returns the first message for field, or "".
func (e FormErrors) For(field string) string {
	for _, fe := range e {
		if fe.Field == field {
			return fe.Message
		}
	}
	return ""
}

// AsError turns the first problem into an API error, or nil when there is none.
func (e FormErrors) AsError() error {
	if len(e) == 0 {
		return nil
	}
	return BadRequest(e[0].Field, "%s", e[0].Message)
}

const flashCookie = "liveops_flash"

// SetFlash shows msg once on the next page the user sees (after a redirect).
func SetFlash(w http.ResponseWriter, r *http.Request, msg string) {
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: url.QueryEscape(msg), Path: "/",
		HttpOnly: true, Secure: Secure(r), SameSite: http.SameSiteLaxMode,
		MaxAge: 60,
	})
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, Expires: time.Unix(1, 0)})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

// Redirect sends the browser to path after a successful POST (303).
func Redirect(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// InputError is what a create or update returns when its input cannot be
// stored: every problem found, by field, in the form's order. Status is
// 400 for values that are not valid and 409 for one that is already
// taken. It unwraps to a *web.Error for the first problem, so an API
// handler may return it as it is, and a page handler shows all of Errors.
type InputError struct {
	Status int
	Errors FormErrors
}

// InvalidInput is an InputError of values that are not valid (a 400), so
// that domain code need not know the status.
func InvalidInput(errs FormErrors) *InputError {
	return &InputError{Status: http.StatusBadRequest, Errors: errs}
}

// TakenInput is an InputError of values that clash with what is stored,
// such as a name already in use (a 409).
func TakenInput(errs FormErrors) *InputError {
	return &InputError{Status: http.StatusConflict, Errors: errs}
}

// Error lists every problem, for logs.
func (e *InputError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		msgs[i] = fe.Field + ": " + fe.Message
	}
	return fmt.Sprintf("invalid input (%d): %s", e.Status, strings.Join(msgs, "; "))
}

// Unwrap is the first problem as a *web.Error. A numbered form control
// ("steps-3", the third of several) is named by its JSON field ("steps").
func (e *InputError) Unwrap() error {
	if len(e.Errors) == 0 {
		return &Error{Status: e.Status, Message: "invalid input"}
	}
	field := e.Errors[0].Field
	if i := strings.LastIndexByte(field, '-'); i > 0 && strings.Trim(field[i+1:], "0123456789") == "" && i+1 < len(field) {
		field = field[:i]
	}
	return &Error{Status: e.Status, Field: field, Message: e.Errors[0].Message}
}
