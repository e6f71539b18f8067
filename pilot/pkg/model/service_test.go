package model

import "testing"

func TestServicePortsAndVisibility(t *testing.T) {
	s := &Service{
		Hostname: "reviews.default.svc.cluster.local", Namespace: "default",
		Ports:    []Port{{Name: "http", Number: 9080, Protocol: HTTP}, {Name: "grpc-x", Number: 9090, Protocol: GRPC}},
		ExportTo: []string{"default", "istio-system"},
	}
	if p, ok := s.GetPort("grpc-x"); !ok || p.Number != 9090 {
		t.Errorf("GetPort(grpc-x) = %v, %v", p, ok)
	}
	if _, ok := s.GetPort("tcp"); ok {
		t.Errorf("GetPort(tcp) found a port")
	}
	if p, ok := s.GetPortByNumber(9080); !ok || p.Name != "http" {
		t.Errorf("GetPortByNumber(9080) = %v, %v", p, ok)
	}
	if _, ok := s.GetPortByNumber(1); ok {
		t.Errorf("GetPortByNumber(1) found a port")
	}
	for ns, want := range map[string]bool{"default": true, "istio-system": true, "other": false} {
		if got := s.VisibleTo(ns); got != want {
			t.Errorf("VisibleTo(%q) = %v, want %v", ns, got, want)
		}
	}
	for _, exp := range [][]string{nil, {ExportToAll}} {
		pub := &Service{ExportTo: exp}
		if !pub.VisibleTo("any") {
			t.Errorf("ExportTo %v: not visible to any", exp)
		}
	}
	for addr, want := range map[string]bool{"": false, UnspecifiedIP: false, "10.0.0.1": true} {
		if got := (&Service{Address: addr}).HasAddress(); got != want {
			t.Errorf("HasAddress(%q) = %v", addr, got)
		}
	}
}
