package bootstrap

import (
	"log/slog"
	"testing"

	"github.com/sailmesh/sail/pkg/admin"
	"github.com/sailmesh/sail/pkg/cli/clitest"
)

func TestOptions(t *testing.T) {
	clitest.CheckOptions(t, DefaultOptions, []clitest.Case[Options]{
		{
			Name: "defaults are the standard ports on loopback",
			Args: []string{"--config-dir=cfg"},
			Want: Options{Admin: adminOpts("127.0.0.1:15014", false), HTTPAddr: "127.0.0.1:8080", GRPCAddr: "127.0.0.1:15010", ConfigDir: "cfg"},
		},
		{
			Name: "flags override",
			Args: []string{"--monitoring-addr=:1", "--http-addr=:2", "--grpc-addr=:3", "--enable-pprof", "--config-dir=d", "--mesh=m.yaml"},
			Want: Options{Admin: adminOpts(":1", true), HTTPAddr: ":2", GRPCAddr: ":3", ConfigDir: "d", MeshFile: "m.yaml"},
		},
		{
			Name:    "bad addresses are reported",
			Args:    []string{"--monitoring-addr=a", "--http-addr=", "--grpc-addr=", "--config-dir=d"},
			WantErr: []string{`--monitoring-addr "a"`, "--http-addr is empty", "--grpc-addr is empty"},
		},
		{
			Name:    "config dir is required",
			WantErr: []string{"--config-dir is required for now"},
		},
	})
}

func adminOpts(addr string, pprof bool) admin.Options {
	o := admin.DefaultOptions(addr)
	o.EnablePprof = pprof
	return o
}

func TestNewRejectsInvalidOptions(t *testing.T) {
	opts := DefaultOptions()
	opts.ConfigDir = "cfg"
	opts.Admin.Addr = "nope"
	if _, err := New(opts, slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("New() accepted an admin address without a port")
	}
}
