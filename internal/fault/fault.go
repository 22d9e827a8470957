// Package fault names what went wrong in domain terms — something not
// found, an input that is invalid (and which field), a conflict with what
// is stored, an action not allowed, too many attempts, a dependency that
// is unavailable — so that areas can say it without knowing HTTP. Only
// package web turns a kind into a status code.
package fault

import (
	"errors"
	"fmt"
)

// Kind is the class of a fault.
type Kind int

// The kinds of fault. Unknown is any error that is not a *Error: an
// internal failure whose text is never shown to a user.
const (
	Unknown     Kind = iota
	NotFound         // the thing asked for does not exist (or may not be seen)
	Invalid          // an input is wrong; Field names it
	Conflict         // the input clashes with what is stored (a duplicate)
	Forbidden        // the user may not do this
	TooMany          // too many attempts: wait and try again
	Unavailable      // a dependency (the database) does not answer: try again
)

// Error is a fault with a message that may be shown to the user as it is.
type Error struct {
	Kind    Kind
	Field   string // the input at fault, when there is one
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// NotFoundf says what was not found: NotFoundf("service").
func NotFoundf(what string) *Error { return &Error{Kind: NotFound, Message: what + " not found"} }

// Invalidf is an invalid input in field (may be empty).
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Conflictf is an input in field that clashes with what is stored.
func Conflictf(field, format string, args ...any) *Error {
	return &Error{Kind: Conflict, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Forbiddenf is an action the user may not take.
func Forbiddenf(format string, args ...any) *Error {
	return &Error{Kind: Forbidden, Message: fmt.Sprintf(format, args...)}
}

// TooManyf is a limit of attempts reached.
func TooManyf(format string, args ...any) *Error {
	return &Error{Kind: TooMany, Message: fmt.Sprintf(format, args...)}
}

// Unavailablef is a dependency that does not answer.
func Unavailablef(format string, args ...any) *Error {
	return &Error{Kind: Unavailable, Message: fmt.Sprintf(format, args...)}
}

// KindOf is the kind of the first *Error in err's chain, or Unknown.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Unknown
}
