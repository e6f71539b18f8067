package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
)

func TestParseNodeID(t *testing.T) {
	tests := []struct {
		id              string
		typ             NodeType
		ip, pid, domain string
		errContains     string
	}{
		{id: "sidecar~10.0.0.1~reviews-v1-xyz.default~default.svc.cluster.local",
			typ: SidecarProxy, ip: "10.0.0.1", pid: "reviews-v1-xyz.default", domain: "default.svc.cluster.local"},
		{id: "router~10.0.0.2~istio-ingressgateway-1.istio-system~istio-system.svc.cluster.local",
			typ: Router, ip: "10.0.0.2", pid: "istio-ingressgateway-1.istio-system", domain: "istio-system.svc.cluster.local"},
		{id: "sidecar~fd00::1~a.b~", typ: SidecarProxy, ip: "fd00::1", pid: "a.b"},
		{id: "sidecar~10.0.0.1~a.b", errContains: "has 3 parts, want 4"},
		{id: "", errContains: "has 1 parts"},
		{id: "ingress~10.0.0.1~a.b~d", errContains: `type "ingress" is neither`},
		{id: "sidecar~10.0.0.300~a.b~d", errContains: `ip "10.0.0.300" is not an IP`},
		{id: "sidecar~10.0.0.1~~d", errContains: "id is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			typ, ip, id, domain, err := ParseNodeID(tt.id)
			if tt.errContains != "" {
				if !errors.Is(err, ErrInvalidNodeID) || !strings.Contains(err.Error(), tt.errContains) {
					t.Fatalf("err = %v, want ErrInvalidNodeID containing %q", err, tt.errContains)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if typ != tt.typ || ip != tt.ip || id != tt.pid || domain != tt.domain {
				t.Errorf("got %q %q %q %q", typ, ip, id, domain)
			}
		})
	}
}

func mustStruct(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestProxyFromNode(t *testing.T) {
	const id = "sidecar~10.0.0.1~reviews-v1-xyz.default~default.svc.cluster.local"
	tests := []struct {
		name        string
		id          string
		md          map[string]any
		want        *Proxy
		errContains string
	}{
		{name: "full metadata", id: id, md: map[string]any{
			"NAMESPACE": "bookinfo", "LABELS": map[string]any{"app": "reviews", "version": "v1"},
			"SERVICE_ACCOUNT": "bookinfo-reviews", "INTERCEPTION_MODE": "TPROXY",
			"INSTANCE_IPS": "10.0.0.1, 10.0.0.9", "WORKLOAD_NAME": "reviews-v1", "CLUSTER_ID": "Kubernetes",
		}, want: &Proxy{Type: SidecarProxy, IPAddresses: []string{"10.0.0.1", "10.0.0.9"}, ID: "reviews-v1-xyz.default",
			DNSDomain: "default.svc.cluster.local", Namespace: "bookinfo", Labels: map[string]string{"app": "reviews", "version": "v1"},
			ServiceAccount: "bookinfo-reviews", InterceptionMode: InterceptionTProxy, WorkloadName: "reviews-v1", ClusterID: "Kubernetes"}},
		{name: "no metadata: namespace from id", id: id, want: &Proxy{Type: SidecarProxy, IPAddresses: []string{"10.0.0.1"},
			ID: "reviews-v1-xyz.default", DNSDomain: "default.svc.cluster.local", Namespace: "default", InterceptionMode: InterceptionRedirect}},
		{name: "namespace from domain", id: "router~10.0.0.2~gw~istio-system.svc.cluster.local", want: &Proxy{Type: Router,
			IPAddresses: []string{"10.0.0.2"}, ID: "gw", DNSDomain: "istio-system.svc.cluster.local", Namespace: "istio-system", InterceptionMode: InterceptionRedirect}},
		{name: "labels as JSON string and IP list", id: id, md: map[string]any{
			"LABELS": `{"app":"reviews"}`, "INSTANCE_IPS": []any{"10.0.0.5"},
		}, want: &Proxy{Type: SidecarProxy, IPAddresses: []string{"10.0.0.5"}, ID: "reviews-v1-xyz.default",
			DNSDomain: "default.svc.cluster.local", Namespace: "default", Labels: map[string]string{"app": "reviews"}, InterceptionMode: InterceptionRedirect}},
		{name: "bad node id", id: "sidecar~x", errContains: "invalid node ID"},
		{name: "bad interception mode", id: id, md: map[string]any{"INTERCEPTION_MODE": "MAGIC"}, errContains: `INTERCEPTION_MODE: "MAGIC" is not one of`},
		{name: "bad labels", id: id, md: map[string]any{"LABELS": []any{"a"}}, errContains: "LABELS: want a map of strings, got a list"},
		{name: "bad label value", id: id, md: map[string]any{"LABELS": map[string]any{"a": 1}}, errContains: `label "a": want a string, got a number`},
		{name: "bad labels JSON", id: id, md: map[string]any{"LABELS": "{"}, errContains: "LABELS: want a JSON object"},
		{name: "bad instance ip", id: id, md: map[string]any{"INSTANCE_IPS": "10.0.0.1,nope"}, errContains: `INSTANCE_IPS: "nope" is not an IP`},
		{name: "non-string namespace", id: id, md: map[string]any{"NAMESPACE": true}, errContains: "NAMESPACE: want a string, got a bool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var md *structpb.Struct
			if tt.md != nil {
				md = mustStruct(t, tt.md)
			}
			got, err := ProxyFromNode(tt.id, md)
			if tt.errContains != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errContains) {
					t.Fatalf("err = %v, want one containing %q", err, tt.errContains)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestMetadataFromMap(t *testing.T) {
	p, err := ProxyFromNode("sidecar~10.0.0.1~a.ns~ns.svc.cluster.local",
		MetadataFromMap(map[string]string{"LABELS": `{"app":"a"}`, "SERVICE_ACCOUNT": "sa"}))
	if err != nil {
		t.Fatal(err)
	}
	if p.Labels["app"] != "a" || p.ServiceAccount != "sa" {
		t.Errorf("got %+v", p)
	}
}
