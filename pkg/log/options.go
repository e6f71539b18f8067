package log

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/pflag"
)

// Format is how log records are written.
type Format string

// The supported formats.
const (
	FormatText Format = "text" // key=value pairs, for people
	FormatJSON Format = "json" // one JSON object per line, for collectors
)

// ErrInvalidOption is wrapped by every error Validate returns.
var ErrInvalidOption = errors.New("invalid log option")

// Options configures a logger.
type Options struct {
	// Level is the minimum level written.
	Level slog.Level
	// Format is FormatText or FormatJSON.
	Format Format
}

// DefaultOptions logs at info level as text.
func DefaultOptions() Options {
	return Options{Level: slog.LevelInfo, Format: FormatText}
}

// AttachFlags registers --log-level and --log-format on fs, defaulting to
// the current values of o.
func (o *Options) AttachFlags(fs *pflag.FlagSet) {
	fs.Var((*levelValue)(&o.Level), "log-level",
		"minimum level to log: debug, info, warn or error")
	fs.Var((*formatValue)(&o.Format), "log-format",
		"log record format: text or json")
}

// Validate reports whether o describes a logger New can build.
func (o *Options) Validate() error {
	switch o.Format {
	case FormatText, FormatJSON:
	default:
		return fmt.Errorf("%w: --log-format %q: want text or json", ErrInvalidOption, o.Format)
	}
	switch o.Level {
	case slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError:
	default:
		return fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", ErrInvalidOption, o.Level)
	}
	return nil
}

// levelValue adapts slog.Level to pflag.Value, accepting only the four
// named levels so that typos fail at flag parsing.
type levelValue slog.Level

func (v *levelValue) String() string { return strings.ToLower(slog.Level(*v).String()) }
func (v *levelValue) Type() string   { return "level" }

func (v *levelValue) Set(s string) error {
	switch strings.ToLower(s) {
	case "debug":
		*v = levelValue(slog.LevelDebug)
	case "info":
		*v = levelValue(slog.LevelInfo)
	case "warn", "warning":
		*v = levelValue(slog.LevelWarn)
	case "error":
		*v = levelValue(slog.LevelError)
	default:
		return fmt.Errorf("unknown level %q: want debug, info, warn or error", s)
	}
	return nil
}

// formatValue adapts Format to pflag.Value.
type formatValue Format

func (v *formatValue) String() string { return string(*v) }
func (v *formatValue) Type() string   { return "format" }

func (v *formatValue) Set(s string) error {
	switch f := Format(strings.ToLower(s)); f {
	case FormatText, FormatJSON:
		*v = formatValue(f)
		return nil
	default:
		return fmt.Errorf("unknown format %q: want text or json", s)
	}
}
