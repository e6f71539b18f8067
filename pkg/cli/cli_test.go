package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/version"
)

// testOptions is a minimal Options implementation.
type testOptions struct {
	Addr string
}

func (o *testOptions) AttachFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Addr, "addr", o.Addr, "address")
}

func (o *testOptions) Validate() error {
	if o.Addr == "" {
		return errors.New("--addr is empty")
	}
	return nil
}

// record is what a run saw.
type record struct {
	ran    bool
	addr   string
	ctxOK  bool
	logger *slog.Logger
}

// newTestRoot builds a server-like root ("srv") whose run returns runErr,
// and a CLI-like group root ("tool") with a "do" subcommand.
func newTestRoot(rec *record, runErr error) *cobra.Command {
	opts := &testOptions{Addr: "127.0.0.1:1"}
	return NewRoot(Command{
		Name:    "srv",
		Short:   "A test server",
		Long:    "srv serves nothing yet.",
		Options: opts,
		Run: func(ctx context.Context, logger *slog.Logger) error {
			rec.ran, rec.addr, rec.ctxOK, rec.logger = true, opts.Addr, ctx != nil, logger
			logger.Debug("debug line")
			logger.Info("info line")
			return runErr
		},
	})
}

func newTestGroup(rec *record, runErr error) *cobra.Command {
	root := NewRoot(Command{Name: "tool", Short: "A test CLI"})
	root.AddCommand(NewSubcommand(Command{
		Name:    "do",
		Short:   "Do a thing",
		Options: &testOptions{Addr: "x:1"},
		Run: func(_ context.Context, logger *slog.Logger) error {
			rec.ran, rec.logger = true, logger
			return runErr
		},
	}))
	// A plain cobra subcommand, as other packages may write.
	root.AddCommand(&cobra.Command{
		Use: "plain",
		RunE: func(cmd *cobra.Command, args []string) error {
			LoggerFrom(cmd.Context()).Info("plain ran")
			if len(args) > 0 && args[0] == "coded" {
				fmt.Fprintln(cmd.ErrOrStderr(), "plain: reported its own problem")
				return &codedError{code: 7}
			}
			if len(args) > 0 && args[0] == "usage" {
				return UsageError(errors.New("need a different argument"))
			}
			if len(args) > 0 {
				return fmt.Errorf("plain failed on %s", args[0])
			}
			return nil
		},
	})
	return root
}

func TestExecute(t *testing.T) {
	info := version.Get()
	boom := errors.New("boom")
	tests := []struct {
		name       string
		group      bool
		runErr     error
		args       []string
		wantCode   int
		wantRan    bool
		wantAddr   string
		wantStdout []string
		wantStderr []string
		notStderr  []string
	}{
		{name: "help", args: []string{"--help"}, wantCode: ExitOK,
			wantStdout: []string{"srv serves nothing yet.", "--addr", "--log-level", "--log-format", "--version", "version"}},
		{name: "version flag", args: []string{"--version"}, wantCode: ExitOK,
			wantStdout: []string{"srv version " + info.String()}},
		{name: "version subcommand", args: []string{"version"}, wantCode: ExitOK,
			wantStdout: []string{"srv version " + info.String()}},
		{name: "version bad output", args: []string{"version", "-o", "yaml"}, wantCode: ExitUsage,
			wantStderr: []string{`--output "yaml"`, "Run 'srv version --help' for usage."}},
		{name: "run ok", args: nil, wantCode: ExitOK, wantRan: true, wantAddr: "127.0.0.1:1",
			wantStderr: []string{"info line"}, notStderr: []string{"debug line"}},
		{name: "flags reach options and logger", args: []string{"--addr=:2", "--log-level=debug", "--log-format=json"},
			wantCode: ExitOK, wantRan: true, wantAddr: ":2", wantStderr: []string{`"msg":"debug line"`}},
		{name: "run error", runErr: boom, wantCode: ExitError, wantRan: true,
			wantStderr: []string{"Error: boom\n"}, notStderr: []string{"--help"}},
		{name: "run usage error", runErr: UsageError(boom), wantCode: ExitUsage, wantRan: true,
			wantStderr: []string{"Error: boom", "Run 'srv --help' for usage."}},
		{name: "unknown flag", args: []string{"--nope"}, wantCode: ExitUsage,
			wantStderr: []string{"unknown flag: --nope", "Run 'srv --help'"}},
		{name: "invalid options", args: []string{"--addr="}, wantCode: ExitUsage,
			wantStderr: []string{"--addr is empty"}},
		{name: "invalid log level", args: []string{"--log-level=loud"}, wantCode: ExitUsage,
			wantStderr: []string{`unknown level "loud"`}},
		{name: "positional argument", args: []string{"extra"}, wantCode: ExitUsage,
			wantStderr: []string{`unknown command "extra" for "srv"`}},

		{name: "group without subcommand prints help", group: true, args: nil, wantCode: ExitOK,
			wantStdout: []string{"A test CLI", "do", "plain", "version"}},
		{name: "group unknown subcommand", group: true, args: []string{"nope"}, wantCode: ExitUsage,
			wantStderr: []string{`unknown command "nope" for "tool"`}},
		{name: "group version", group: true, args: []string{"--version"}, wantCode: ExitOK,
			wantStdout: []string{"tool version " + info.Version}},
		{name: "subcommand ok", group: true, args: []string{"do"}, wantCode: ExitOK, wantRan: true},
		{name: "subcommand error", group: true, runErr: boom, args: []string{"do"}, wantCode: ExitError, wantRan: true,
			wantStderr: []string{"Error: boom"}},
		{name: "subcommand invalid options", group: true, args: []string{"do", "--addr="}, wantCode: ExitUsage,
			wantStderr: []string{"--addr is empty", "Run 'tool do --help'"}},
		{name: "subcommand takes persistent log flags", group: true, args: []string{"do", "--log-format=json"},
			wantCode: ExitOK, wantRan: true},
		{name: "plain subcommand gets logger", group: true, args: []string{"plain", "--log-format=json"},
			wantCode: ExitOK, wantStderr: []string{`"msg":"plain ran"`}},
		{name: "plain subcommand error", group: true, args: []string{"plain", "x"}, wantCode: ExitError,
			wantStderr: []string{"Error: plain failed on x"}},
		{name: "error with its own exit code", group: true, args: []string{"plain", "coded"}, wantCode: 7,
			wantStderr: []string{"plain: reported its own problem"}, notStderr: []string{"Error:"}},
		{name: "plain subcommand usage error", group: true, args: []string{"plain", "usage"}, wantCode: ExitUsage,
			wantStderr: []string{"need a different argument", "Run 'tool plain --help'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec record
			root := newTestRoot(&rec, tt.runErr)
			if tt.group {
				root = newTestGroup(&rec, tt.runErr)
			}
			var stdout, stderr bytes.Buffer
			code := Execute(context.Background(), root, tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, &stdout, &stderr)
			}
			if rec.ran != tt.wantRan {
				t.Errorf("ran = %v, want %v", rec.ran, tt.wantRan)
			}
			if rec.ran && (rec.logger == nil) {
				t.Error("run got a nil logger")
			}
			if tt.wantAddr != "" && rec.addr != tt.wantAddr {
				t.Errorf("options addr = %q, want %q", rec.addr, tt.wantAddr)
			}
			for _, s := range tt.wantStdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, &stdout)
				}
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, &stderr)
				}
			}
			for _, s := range tt.notStderr {
				if strings.Contains(stderr.String(), s) {
					t.Errorf("stderr has %q:\n%s", s, &stderr)
				}
			}
		})
	}
}

func TestVersionJSON(t *testing.T) {
	var rec record
	var stdout, stderr bytes.Buffer
	if code := Execute(context.Background(), newTestRoot(&rec, nil), []string{"version", "-o", "json"}, &stdout, &stderr); code != ExitOK {
		t.Fatalf("exit code %d: %s", code, &stderr)
	}
	var got version.Info
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("version -o json: %v\n%s", err, &stdout)
	}
	if got != version.Get() {
		t.Errorf("version -o json = %+v, want %+v", got, version.Get())
	}
}

func TestExecuteTwice(t *testing.T) {
	var rec record
	root := newTestRoot(&rec, errors.New("boom"))
	for i := range 2 {
		var stdout, stderr bytes.Buffer
		if code := Execute(context.Background(), root, nil, &stdout, &stderr); code != ExitError {
			t.Fatalf("run %d: exit code %d, want %d", i, code, ExitError)
		}
		if got := stderr.String(); !strings.HasSuffix(got, "\nError: boom\n") {
			t.Errorf("run %d: stderr %q", i, got)
		}
	}
}

func TestRunSeesCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	root := NewRoot(Command{
		Name: "srv",
		Run: func(ctx context.Context, _ *slog.Logger) error {
			cancel() // stands in for SIGTERM
			<-ctx.Done()
			return nil
		},
	})
	var stdout, stderr bytes.Buffer
	if code := Execute(ctx, root, nil, &stdout, &stderr); code != ExitOK {
		t.Fatalf("exit code %d: %s", code, &stderr)
	}
}

func TestUsageErrorNil(t *testing.T) {
	if err := UsageError(nil); err != nil {
		t.Errorf("UsageError(nil) = %v, want nil", err)
	}
}

// codedError decides its own exit code, like istioctl validate's ExitError.
type codedError struct{ code int }

func (e *codedError) Error() string { return fmt.Sprintf("exit %d", e.code) }
func (e *codedError) ExitCode() int { return e.code }
