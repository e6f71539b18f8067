package log

import (
	"io"
	"log/slog"
)

// New returns a logger writing records at opts.Level and above to w in
// opts.Format. It returns an error wrapping ErrInvalidOption if opts is
// invalid. The logger is safe for concurrent use if w is.
func New(opts Options, w io.Writer) (*slog.Logger, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	ho := &slog.HandlerOptions{Level: opts.Level}
	if opts.Format == FormatJSON {
		return slog.New(slog.NewJSONHandler(w, ho)), nil
	}
	return slog.New(slog.NewTextHandler(w, ho)), nil
}
