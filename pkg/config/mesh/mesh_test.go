package mesh

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	d := Default()
	if err := d.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	if d.DisablePolicyChecks {
		t.Error("policy checks must be on by default")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "empty keeps defaults", in: "", check: func(t *testing.T, c Config) {
			if c.ProxyListenPort != 15001 || c.TrustDomain != "cluster.local" {
				t.Errorf("defaults lost: %+v", c)
			}
		}},
		{name: "overrides", in: "trustDomain: example.org\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}\nconnectTimeout: 1m30s\ndefaultConfig: {drainDuration: 5s}\n",
			check: func(t *testing.T, c Config) {
				if c.TrustDomain != "example.org" || c.OutboundTrafficPolicy.Mode != RegistryOnly {
					t.Errorf("overrides not applied: %+v", c)
				}
				if c.ConnectTimeout.Duration != 90*time.Second || c.DefaultConfig.DrainDuration.Duration != 5*time.Second {
					t.Errorf("durations: %v %v", c.ConnectTimeout, c.DefaultConfig.DrainDuration)
				}
				if c.DefaultConfig.StatusPort != 15020 {
					t.Errorf("nested default lost: %d", c.DefaultConfig.StatusPort)
				}
			}},
		{name: "unknown field", in: "trustDomian: x\n", wantErr: `unknown field "trustDomian"`},
		{name: "nested unknown field", in: "defaultConfig: {proxyAdminPrt: 1}\n", wantErr: `unknown field "proxyAdminPrt"`},
		{name: "bad mode", in: "outboundTrafficPolicy: {mode: ALLOW}\n", wantErr: "outboundTrafficPolicy.mode"},
		{name: "bad duration", in: "connectTimeout: 10\n", wantErr: "duration"},
		{name: "negative duration", in: "connectTimeout: -1s\n", wantErr: "connectTimeout: must be a positive duration"},
		{name: "bad port", in: "proxyListenPort: 70000\n", wantErr: "proxyListenPort"},
		{name: "bad address", in: "mixerCheckServer: policy\n", wantErr: "mixerCheckServer"},
		{name: "bad trust domain", in: "trustDomain: Bad_Domain\n", wantErr: "trustDomain"},
		{name: "wrong type", in: "disablePolicyChecks: maybe\n", wantErr: "disablePolicyChecks"},
		{name: "bad yaml", in: "a: [\n", wantErr: "invalid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestLoadSample(t *testing.T) {
	c, err := Load("../../../samples/mesh/mesh.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.MixerCheckServer == "" || c.DefaultConfig.DiscoveryAddress == "" {
		t.Errorf("sample not loaded: %+v", c)
	}
	if _, err := Load("does-not-exist.yaml"); err == nil || !strings.Contains(err.Error(), "does-not-exist.yaml") {
		t.Errorf("missing file error should name it: %v", err)
	}
	if _, err := os.Stat("../../../samples/mesh/mesh.yaml"); err != nil {
		t.Fatal(err)
	}
}
