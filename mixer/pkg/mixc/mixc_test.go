package mixc

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sailmesh/sail/pkg/cli"
)

func TestCommand(t *testing.T) {
	tests := []struct {
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{args: nil, wantCode: cli.ExitOK, wantStdout: "check"},
		{args: []string{"--help"}, wantCode: cli.ExitOK, wantStdout: "report"},
		{args: []string{"check"}, wantCode: cli.ExitError, wantStderr: "Error: not implemented yet: Mixer lands in a later release"},
		{args: []string{"report", "--mixer-addr=10.0.0.1:9091"}, wantCode: cli.ExitError, wantStderr: "not implemented yet"},
		{args: []string{"check", "--mixer-addr=nope"}, wantCode: cli.ExitUsage, wantStderr: `--mixer-addr "nope"`},
		{args: []string{"check", "--mixer-addr=:9091"}, wantCode: cli.ExitUsage, wantStderr: "want host:port with a host"},
		{args: []string{"check", "--mixer-addr=mixer:0"}, wantCode: cli.ExitUsage, wantStderr: "port from 1 to 65535"},
		{args: []string{"check", "--help"}, wantCode: cli.ExitOK, wantStdout: "--mixer-addr"},
		{args: []string{"quota"}, wantCode: cli.ExitUsage, wantStderr: `unknown command "quota"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli.Execute(context.Background(), NewCommand(), tt.args, &stdout, &stderr)
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
