package log

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestAttachFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
	}{
		{name: "defaults", args: nil, want: Options{Level: slog.LevelInfo, Format: FormatText}},
		{name: "debug json", args: []string{"--log-level=debug", "--log-format=json"}, want: Options{Level: slog.LevelDebug, Format: FormatJSON}},
		{name: "case insensitive", args: []string{"--log-level=WARN", "--log-format=JSON"}, want: Options{Level: slog.LevelWarn, Format: FormatJSON}},
		{name: "warning alias", args: []string{"--log-level=warning"}, want: Options{Level: slog.LevelWarn, Format: FormatText}},
		{name: "error", args: []string{"--log-level=error"}, want: Options{Level: slog.LevelError, Format: FormatText}},
		{name: "unknown level", args: []string{"--log-level=verbose"}, wantErr: `unknown level "verbose"`},
		{name: "numeric level rejected", args: []string{"--log-level=-4"}, wantErr: `unknown level "-4"`},
		{name: "unknown format", args: []string{"--log-format=yaml"}, wantErr: `unknown format "yaml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DefaultOptions()
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			fs.SetOutput(&bytes.Buffer{})
			o.AttachFlags(fs)
			err := fs.Parse(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want containing %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.args, err)
			}
			if o != tt.want {
				t.Errorf("options = %+v, want %+v", o, tt.want)
			}
			if err := o.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestFlagDefaultsInHelp(t *testing.T) {
	o := Options{Level: slog.LevelDebug, Format: FormatJSON}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	o.AttachFlags(fs)
	usage := fs.FlagUsages()
	for _, want := range []string{`--log-level level`, `(default debug)`, `--log-format format`, `(default json)`} {
		if !strings.Contains(usage, want) {
			t.Errorf("usage does not contain %q:\n%s", want, usage)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{name: "default", opts: DefaultOptions()},
		{name: "json error", opts: Options{Level: slog.LevelError, Format: FormatJSON}},
		{name: "empty format", opts: Options{Level: slog.LevelInfo}, wantErr: `--log-format ""`},
		{name: "bad format", opts: Options{Level: slog.LevelInfo, Format: "xml"}, wantErr: `--log-format "xml"`},
		{name: "odd level", opts: Options{Level: slog.LevelInfo + 1, Format: FormatText}, wantErr: `--log-level "INFO+1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want containing %q", err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidOption) {
				t.Errorf("Validate() = %v, want wrapping ErrInvalidOption", err)
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		wantLines int
		json      bool
	}{
		{name: "info text drops debug", opts: Options{Level: slog.LevelInfo, Format: FormatText}, wantLines: 2},
		{name: "debug json keeps all", opts: Options{Level: slog.LevelDebug, Format: FormatJSON}, wantLines: 3, json: true},
		{name: "error only", opts: Options{Level: slog.LevelError, Format: FormatJSON}, wantLines: 1, json: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger, err := New(tt.opts, &buf)
			if err != nil {
				t.Fatal(err)
			}
			logger.Debug("d")
			logger.Info("i", "k", "v")
			logger.Error("e")
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if len(lines) != tt.wantLines {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), tt.wantLines, buf.String())
			}
			for _, l := range lines {
				var rec map[string]any
				isJSON := json.Unmarshal([]byte(l), &rec) == nil
				if isJSON != tt.json {
					t.Errorf("line %q: JSON = %v, want %v", l, isJSON, tt.json)
				}
			}
		})
	}
}

func TestNewRejectsInvalid(t *testing.T) {
	if _, err := New(Options{Format: "xml"}, &bytes.Buffer{}); !errors.Is(err, ErrInvalidOption) {
		t.Fatalf("New() error = %v, want ErrInvalidOption", err)
	}
}
