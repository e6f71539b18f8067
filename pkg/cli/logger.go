package cli

import (
	"context"
	"log/slog"
	"os"
)

type loggerKey struct{}

func withLogger(ctx context.Context, logger *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, logger)
}

// LoggerFrom returns the logger the root command built from --log-level
// and --log-format, for subcommands written as plain cobra commands. It is
// the only place Sail carries a logger in a context: cobra gives commands
// nothing else to share. Without one (a subcommand that replaced the
// root's PersistentPreRunE) it returns an info-level text logger on
// standard error.
func LoggerFrom(ctx context.Context) *slog.Logger {
	if logger, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return logger
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}
