package kube

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

func TestPortProtocol(t *testing.T) {
	for _, tc := range []struct {
		port corev1.ServicePort
		want model.Protocol
	}{
		{corev1.ServicePort{Name: "http"}, model.HTTP},
		{corev1.ServicePort{Name: "http2-web"}, model.HTTP2},
		{corev1.ServicePort{Name: "grpc-web"}, model.GRPCWeb},
		{corev1.ServicePort{Name: "mongo-db"}, model.Mongo},
		{corev1.ServicePort{Name: ""}, model.TCP},
		{corev1.ServicePort{Name: "web"}, model.TCP},
		{corev1.ServicePort{Name: "web", AppProtocol: ptr("http")}, model.HTTP},
		{corev1.ServicePort{Name: "http", AppProtocol: ptr("grpc")}, model.GRPC},
		{corev1.ServicePort{Name: "web", AppProtocol: ptr("kubernetes.io/h2c")}, model.HTTP2},
		{corev1.ServicePort{Name: "dns", Protocol: corev1.ProtocolUDP}, model.UDP},
	} {
		if got := portProtocol(tc.port); got != tc.want {
			t.Errorf("portProtocol(name %q, appProtocol %v, %s) = %v, want %v",
				tc.port.Name, deref(tc.port.AppProtocol), tc.port.Protocol, got, tc.want)
		}
	}
}

func TestExportTo(t *testing.T) {
	for _, tc := range []struct {
		annotation string
		want       []string
	}{
		{"", nil},
		{" , ", nil},
		{".", []string{"ns"}},
		{"*", []string{"*"}},
		{"b, ., a,b", []string{"a", "b", "ns"}},
	} {
		if got := exportTo(tc.annotation, "ns"); !slices.Equal(got, tc.want) {
			t.Errorf("exportTo(%q) = %v, want %v", tc.annotation, got, tc.want)
		}
	}
}

func TestChangeEvent(t *testing.T) {
	svc := &model.Service{Hostname: "h", Resolution: model.ClientSideLB}
	dns := &model.Service{Hostname: "h", Resolution: model.DNSLB}
	inst := func(s *model.Service, addr string) []*model.Instance {
		return []*model.Instance{{Service: s, ServicePort: model.Port{Number: 80}, Endpoint: model.Endpoint{Address: addr, Port: 80}}}
	}
	e := func(s *model.Service, sel map[string]string, insts []*model.Instance, nodes ...string) *entry {
		n := map[string]bool{}
		for _, x := range nodes {
			n[x] = true
		}
		return &entry{svc: s, selector: sel, instances: insts, nodes: n}
	}
	for _, tc := range []struct {
		name          string
		prev, next    *entry
		kind          model.EventKind // 0: no event
		store, notify bool
	}{
		{"absent", nil, nil, 0, false, false},
		{"added", nil, e(svc, nil, nil), model.FullChange, true, true},
		{"removed", e(svc, nil, nil), nil, model.FullChange, true, true},
		{"service changed", e(svc, nil, nil), e(&model.Service{Hostname: "h"}, nil, nil), model.FullChange, true, true},
		{"selector changed", e(svc, map[string]string{"a": "1"}, nil), e(svc, map[string]string{"a": "2"}, nil), model.FullChange, true, true},
		{"endpoints changed", e(svc, nil, inst(svc, "1.1.1.1")), e(svc, nil, inst(svc, "1.1.1.2")), model.EndpointsChange, true, true},
		{"dns endpoints changed", e(dns, nil, inst(dns, "a.com")), e(dns, nil, inst(dns, "b.com")), model.FullChange, true, true},
		{"same", e(svc, nil, inst(svc, "1.1.1.1")), e(svc, nil, inst(svc, "1.1.1.1")), 0, false, false},
		{"only bookkeeping", e(svc, nil, nil, "n1"), e(svc, nil, nil, "n2"), 0, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, store, notify := changeEvent("h", tc.prev, tc.next)
			if store != tc.store || notify != tc.notify || (notify && (ev.Kind != tc.kind || !slices.Equal(ev.Hostnames, []string{"h"}))) {
				t.Errorf("changeEvent = %+v store %v notify %v; want kind %v store %v notify %v", ev, store, notify, tc.kind, tc.store, tc.notify)
			}
		})
	}
}
