package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sailmesh/sail/pkg/cli"
	"github.com/sailmesh/sail/pkg/version"
)

func TestRootCommand(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "no arguments prints help", args: nil, wantCode: cli.ExitOK, wantStdout: "Available Commands:"},
		{name: "help", args: []string{"--help"}, wantCode: cli.ExitOK, wantStdout: "istioctl is the command-line tool"},
		{name: "version flag", args: []string{"--version"}, wantCode: cli.ExitOK, wantStdout: "istioctl version " + version.Get().Version},
		{name: "version command", args: []string{"version"}, wantCode: cli.ExitOK, wantStdout: "istioctl version " + version.Get().Version},
		{name: "version json", args: []string{"version", "-o", "json"}, wantCode: cli.ExitOK, wantStdout: `"version": "`},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: cli.ExitUsage, wantStderr: `unknown command "frobnicate" for "istioctl"`},
		{name: "unknown flag", args: []string{"--frob"}, wantCode: cli.ExitUsage, wantStderr: "unknown flag: --frob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli.Execute(context.Background(), NewRootCommand(), tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr: %s", code, tt.wantCode, &stderr)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, &stdout)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, &stderr)
			}
		})
	}
}
