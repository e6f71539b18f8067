package model

import (
	"testing"
	"time"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
)

const reviewsHost = "reviews.default.svc.cluster.local"

func TestDestinationRuleFor(t *testing.T) {
	dr := func(ns, name, host string, created time.Time) *config.Object {
		return &config.Object{Meta: config.Meta{Name: name, Namespace: ns, CreationTimestamp: created},
			Spec: &networking.DestinationRule{Host: host}}
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	wild := dr("default", "wild", "*.default.svc.cluster.local", t0)
	wider := dr("default", "wider", "*.svc.cluster.local", t0)
	short := dr("default", "short", "reviews", t0.Add(time.Hour))
	other := dr("other", "other", reviewsHost, t0)
	older := dr("default", "older", reviewsHost, t0)
	for _, tc := range []struct {
		name  string
		rules []*config.Object
		want  *config.Object
	}{
		{"none", nil, nil},
		{"short name resolved in its namespace", []*config.Object{short}, short},
		{"short name in another namespace", []*config.Object{dr("other", "x", "reviews", t0)}, nil},
		{"exact beats wildcard", []*config.Object{wild, short}, short},
		{"longer wildcard wins", []*config.Object{wider, wild}, wild},
		{"service namespace wins", []*config.Object{other, short}, short},
		{"oldest wins", []*config.Object{short, older}, older},
		{"not a DestinationRule", []*config.Object{{Spec: &networking.ServiceEntry{}}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := DestinationRuleFor(tc.rules, reviewsHost, "default")
			var want *networking.DestinationRule
			if tc.want != nil {
				want = tc.want.Spec.(*networking.DestinationRule)
			}
			if got != want {
				t.Errorf("DestinationRuleFor = %v, want %v", got, want)
			}
		})
	}
}

func TestHostMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, host string
		match         bool
	}{
		{reviewsHost, reviewsHost, true},
		{"*.default.svc.cluster.local", reviewsHost, true},
		{"*.svc.cluster.local", reviewsHost, true},
		{"*.example.com", "a.example.com", true},
		{"*.example.com", "*.b.example.com", true},
		{"*.example.com", "example.com", false},
		{"ratings.default.svc.cluster.local", reviewsHost, false},
	} {
		if got := HostMatch(tc.pattern, tc.host) > 0; got != tc.match {
			t.Errorf("HostMatch(%q, %q) = %v, want %v", tc.pattern, tc.host, got, tc.match)
		}
	}
	if HostMatch(reviewsHost, reviewsHost) <= HostMatch("*.default.svc.cluster.local", reviewsHost) ||
		HostMatch("*.default.svc.cluster.local", reviewsHost) <= HostMatch("*.svc.cluster.local", reviewsHost) {
		t.Error("more specific patterns must score higher")
	}
}
