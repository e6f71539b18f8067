package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sailmesh/sail/pkg/cli"
)

func TestIptablesCommand(t *testing.T) {
	for _, tt := range []struct {
		name       string
		args       []string
		code       int
		wantOut    string
		wantStderr string
	}{
		{"dry run", []string{"iptables", "--dry-run", "-i", "*", "-b", "9080"}, cli.ExitOK,
			"-A ISTIO_INBOUND -p tcp --dport 9080 -j ISTIO_IN_REDIRECT\n", ""},
		{"bad port", []string{"iptables", "--dry-run", "-p", "99999"}, cli.ExitUsage,
			"", "-p/--proxy-port 99999"},
		{"bad mode", []string{"iptables", "-m", "nat"}, cli.ExitUsage,
			"", `invalid argument "nat" for "-m, --interception-mode"`},
		{"cleanup and dry run", []string{"iptables", "--cleanup", "--dry-run"}, cli.ExitUsage,
			"", "--cleanup and --dry-run cannot be combined"},
		{"no arguments", []string{"iptables", "extra"}, cli.ExitUsage, "", "unknown command"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli.Execute(t.Context(), newCommand(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr.String())
			}
		})
	}
}
