package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem with configuration, located as precisely as known.
type Error struct {
	// File is the source (a file path, "<stdin>", or a store's name).
	File string
	// Line is the 1-based line in File, 0 when unknown.
	Line int
	// Object is the object's key ("Kind/namespace/name"), empty when the
	// problem stops the object from being identified.
	Object string
	// Field is the field path within the object, e.g.
	// "spec.http[0].route[1].weight"; empty for the whole object.
	Field string
	// Message says what is wrong and, where it helps, what to do.
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Object != "" {
		b.WriteString(e.Object)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// FieldError is a shorthand for an Error that has only a field and message;
// callers that know the file and object fill those in with ErrorList.At.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorList aggregates Errors. A nil or empty list means no error.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Err returns l as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// At fills in the file, line and object of every error that lacks them and
// returns the list.
func (l ErrorList) At(file string, line int, object string) ErrorList {
	for _, e := range l {
		if e.File == "" {
			e.File = file
		}
		if e.Line == 0 {
			e.Line = line
		}
		if e.Object == "" {
			e.Object = object
		}
	}
	return l
}

// Sorted returns the errors ordered by file, line, object and field.
func (l ErrorList) Sorted() ErrorList {
	out := slices.Clone(l)
	slices.SortStableFunc(out, func(a, b *Error) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if c := strings.Compare(a.Object, b.Object); c != 0 {
			return c
		}
		return strings.Compare(a.Field, b.Field)
	})
	return out
}

// AsErrorList extracts the configuration errors from err: an ErrorList as is,
// a single *Error as a list of one, anything else as one Error whose
// message is err's text.
func AsErrorList(err error) ErrorList {
	if err == nil {
		return nil
	}
	var l ErrorList
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return ErrorList{e}
	}
	return ErrorList{{Message: err.Error()}}
}

func joinErrors(errs []error) error { return errors.Join(errs...) }
