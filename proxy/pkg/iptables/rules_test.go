package iptables_test

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/golden"
	"github.com/sailmesh/sail/proxy/pkg/iptables"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// parseFlags parses istio-iptables flags over DefaultConfig.
func parseFlags(t *testing.T, args ...string) iptables.Config {
	t.Helper()
	cfg := iptables.DefaultConfig()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	cfg.AttachFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestRulesGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"defaults", nil},
		{"injector", []string{"-p", "15001", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "9080", "-d", "15020"}},
		{"all-inbound-excludes", []string{"-i", "*", "-x", "10.0.0.0/8,169.254.169.254", "-b", "*", "-d", "9090,22"}},
		{"outbound-ranges", []string{"--outbound-ip-ranges", "10.96.0.0/12,172.16.0.0/12", "--proxy-uid", "1337,0", "--proxy-gid", "1337"}},
		{"tproxy", []string{"-m", "TPROXY", "-b", "*", "-i", "*", "-z", "15006"}},
		{"tproxy-ports", []string{"-m", "tproxy", "-b", "9080,9443", "-d", "9443"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := iptables.Rules(parseFlags(t, tt.args...))
			if err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join("testdata", tt.name+".golden"), *update, []byte(plan.String()))
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string // the flag parse or Validate error
	}{
		{"port zero", []string{"-p", "0"}, "-p/--proxy-port 0: must be a port from 1 to 65535"},
		{"inbound capture port", []string{"-z", "70000"}, "-z/--inbound-capture-port 70000"},
		{"mode", []string{"-m", "NAT"}, `invalid argument "NAT" for "-m, --interception-mode" flag: must be REDIRECT or TPROXY`},
		{"inbound port", []string{"-b", "80,http"}, `invalid argument "80,http" for "-b, --inbound-ports" flag: "http" is not a port`},
		{"excluded port", []string{"--exclude-inbound-ports", "0"}, `--exclude-inbound-ports" flag: "0" is not a port`},
		{"cidr", []string{"-i", "10.0.0.0/33"}, `invalid argument "10.0.0.0/33" for "-i, --outbound-ip-ranges" flag: "10.0.0.0/33" is not a CIDR`},
		{"ipv6", []string{"-x", "fd00::/8"}, `"fd00::/8" is not IPv4`},
		{"uid", []string{"-u", "istio-proxy"}, `invalid argument "istio-proxy" for "-u, --proxy-uid" flag: "istio-proxy" is not a numeric id`},
		{"exclude all ports", []string{"-d", "*"}, `-d/--exclude-inbound-ports "*"`},
		{"exclude all ranges", []string{"-x", "*"}, `-x/--exclude-outbound-ip-ranges "*"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := iptables.DefaultConfig()
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			fs.SetOutput(discard{})
			cfg.AttachFlags(fs)
			err := fs.Parse(tt.args)
			if err == nil {
				err = cfg.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestDefaultConfigValid(t *testing.T) {
	cfg := iptables.DefaultConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.ProxyPort != 15001 || cfg.Mode != iptables.ModeRedirect || cfg.ProxyUIDs.String() != "1337" || cfg.ProxyGIDs.String() != "1337" {
		t.Errorf("DefaultConfig() = %+v", cfg)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
