package server

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
			Want: Options{Admin: adminOpts("127.0.0.1:15014", false), GRPCAddr: "127.0.0.1:9091"},
		},
		{
			Name: "flags override",
			Args: []string{"--monitoring-addr=:1", "--grpc-addr=:2", "--enable-pprof"},
			Want: Options{Admin: adminOpts(":1", true), GRPCAddr: ":2"},
		},
		{
			Name:    "bad addresses are reported",
			Args:    []string{"--monitoring-addr=a", "--grpc-addr="},
			WantErr: []string{`--monitoring-addr "a"`, "--grpc-addr is empty"},
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
	opts.Admin.Addr = "nope"
	if _, err := New(opts, slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("New() accepted an admin address without a port")
	}
}
