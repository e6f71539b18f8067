// Package log builds the structured logger every Sail binary uses.
//
// It owns the --log-level and --log-format flags and the construction of a
// *slog.Logger from them. It keeps no global logger: the logger New returns
// is passed down through constructors. It must not import other Sail
// packages, and must not decide where logs go: the caller supplies the
// io.Writer.
package log
