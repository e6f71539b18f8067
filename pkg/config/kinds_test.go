package config

import (
	"strings"
	"testing"
)

func TestBuiltinRegistry(t *testing.T) {
	r := BuiltinRegistry()
	want := map[string][]string{
		NetworkingGroup: {"DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "VirtualService", "WorkloadEntry"},
		SecurityGroup:   {"AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication"},
		PolicyGroup:     {"QuotaSpec", "QuotaSpecBinding", "attributemanifest", "handler", "instance", "rule"},
	}
	got := map[string][]string{}
	for _, k := range r.All() {
		got[k.Group] = append(got[k.Group], k.Kind)
		if k.NewSpec() == nil || len(k.Consumers) == 0 {
			t.Errorf("%s: no spec or consumers", k.GroupKind())
		}
	}
	for g, kinds := range want {
		if strings.Join(got[g], ",") != strings.Join(kinds, ",") {
			t.Errorf("%s: got %v, want %v", g, got[g], kinds)
		}
	}
	if len(r.ConsumedBy(Mixer)) != 6 {
		t.Errorf("mixer kinds: %d", len(r.ConsumedBy(Mixer)))
	}
}

func TestResolve(t *testing.T) {
	r := BuiltinRegistry()
	tests := []struct{ apiVersion, kind, wantErr string }{
		{"networking.istio.io/v1alpha3", "VirtualService", ""},
		{"networking.istio.io/v1beta1", "Gateway", ""},
		{"networking.istio.io/v1", "Sidecar", ""},
		{"security.istio.io/v1", "AuthorizationPolicy", ""},
		{"config.istio.io/v1alpha2", "rule", ""},
		{"networking.istio.io/v2", "VirtualService", `not served at version "v2"`},
		{"networking.istio.io/v1alpha3", "Virtualservice", `unknown kind "Virtualservice"`},
		{"example.com/v1", "Thing", `unknown API group "example.com"`},
		{"v1", "ConfigMap", "not of the form group/version"},
		{"a/b/c", "X", "not of the form group/version"},
	}
	for _, tt := range tests {
		_, _, err := r.Resolve(tt.apiVersion, tt.kind)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("Resolve(%s, %s) = %v, want %q", tt.apiVersion, tt.kind, err, tt.wantErr)
		}
	}
}

func TestNewRegistryRejectsBadKinds(t *testing.T) {
	k := IstioKinds()[0]
	if _, err := NewRegistry(k, k); err == nil || !strings.Contains(err.Error(), "registered twice") {
		t.Errorf("duplicate kind: %v", err)
	}
	bad := k
	bad.Versions = nil
	if _, err := NewRegistry(bad); err == nil || !strings.Contains(err.Error(), "no versions") {
		t.Errorf("no versions: %v", err)
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{File: "a.yaml", Line: 3, Object: "VirtualService/default/r", Field: "spec.hosts", Message: "required"}
	if e.Error() != "a.yaml:3: VirtualService/default/r: spec.hosts: required" {
		t.Error(e.Error())
	}
	l := ErrorList{FieldError("spec.x", "bad %d", 1)}.At("f", 2, "K/n")
	if l.Error() != "f:2: K/n: spec.x: bad 1" {
		t.Error(l.Error())
	}
	if (ErrorList{}).Err() != nil {
		t.Error("empty list must be a nil error")
	}
}

func TestOriginLineOf(t *testing.T) {
	o := NewOrigin("f.yaml", 3, map[string]int{
		"spec": 5, "spec.http": 6, "spec.http[0]": 7, "spec.http[0].route": 8,
		`metadata.labels["a.b/c[1]"]`: 4,
	})
	tests := map[string]int{
		"spec.http[0].route":           8,
		"spec.http[0].route[2].weight": 8, // not written: nearest ancestor
		"spec.http[1]":                 6,
		"spec.tcp":                     5,
		"status":                       3,
		`metadata.labels["a.b/c[1]"]`:  4,
		`metadata.labels["x"]`:         3,
		"":                             3,
	}
	for field, want := range tests {
		if got := o.LineOf(field); got != want {
			t.Errorf("LineOf(%q) = %d, want %d", field, got, want)
		}
	}
	var none *Origin
	if none.LineOf("spec") != 0 {
		t.Error("nil origin must know no lines")
	}
}
