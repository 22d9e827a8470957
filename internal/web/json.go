package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"
)

// APIError is the body of every API error response.
type APIError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// WriteJSON writes v as the JSON response with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write json", "err", err)
	}
}

// MaxJSONBody is the largest JSON request body the API reads by default.
const MaxJSONBody = 1 << 20

// DecodeJSON reads one JSON object from the request body into dst, rejecting
// unknown fields, trailing data and bodies over limit bytes. Its errors are
// *Error values that name the field or the byte offset at fault.
func DecodeJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &Error{Status: http.StatusUnsupportedMediaType, Message: "send the body as application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return jsonError(err, limit)
	}
	// encoding/json would quietly turn bad UTF-8 into U+FFFD and keep NULs,
	// which PostgreSQL refuses: say so instead.
	if !utf8.Valid(body) || bytes.Contains(bytes.ToLower(body), []byte(`\u0000`)) {
		return BadRequest("", "the body contains characters that cannot be stored (invalid UTF-8 or \\u0000)")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err, limit)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return BadRequest("", "invalid JSON: unexpected data after the object")
	}
	return nil
}

func jsonError(err error, limit int64) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return &Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("request body is larger than %d bytes", limit)}
	case errors.As(err, &syntax):
		return BadRequest("", "invalid JSON at byte %d: %v", syntax.Offset, err)
	case errors.As(err, &typ):
		field := typ.Field
		return BadRequest(field, "%s must be %s, not %s", orBody(field), jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF):
		return BadRequest("", "request body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return BadRequest("", "invalid JSON: the body ends too early")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		// The name is the sender's text, echoed into a response and maybe a
		// log: only a name that could be a field's is repeated.
		if len(name) > 40 || strings.ContainsFunc(name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.')
		}) {
			return BadRequest("", "the body has a field that is not one of this request's")
		}
		return BadRequest(name, "unknown field %q", name)
	}
	return BadRequest("", "invalid JSON: %v", err)
}

func orBody(field string) string {
	if field == "" {
		return "the body"
	}
	return field
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "a number"
	}
	return k
}
