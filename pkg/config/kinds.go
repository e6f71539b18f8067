package config

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	networking "istio.io/api/networking/v1alpha3"
	security "istio.io/api/security/v1beta1"
)

// API groups Sail serves.
const (
	NetworkingGroup = "networking.istio.io"
	SecurityGroup   = "security.istio.io"
	PolicyGroup     = "config.istio.io"
)

var (
	networkingVersions = []string{"v1alpha3", "v1beta1", "v1"}
	securityVersions   = []string{"v1beta1", "v1"}
	policyVersions     = []string{"v1alpha2"}
)

func typeOf(m proto.Message) protoreflect.MessageType { return m.ProtoReflect().Type() }

// IstioKinds returns the networking.istio.io and security.istio.io kinds, with
// every version Istio serves for each.
func IstioKinds() []Kind {
	net := func(kind, plural string, spec proto.Message, short ...string) Kind {
		return Kind{Group: NetworkingGroup, Kind: kind, Plural: plural, Versions: networkingVersions,
			Spec: typeOf(spec), Consumers: []Component{Pilot, Galley}, ShortNames: short,
			Categories: []string{"istio-io", "networking-istio-io"}}
	}
	sec := func(kind, plural string, spec proto.Message, short ...string) Kind {
		return Kind{Group: SecurityGroup, Kind: kind, Plural: plural, Versions: securityVersions,
			Spec: typeOf(spec), Consumers: []Component{Pilot, Galley}, ShortNames: short,
			Categories: []string{"istio-io", "security-istio-io"}}
	}
	return []Kind{
		net("VirtualService", "virtualservices", &networking.VirtualService{}, "vs"),
		net("DestinationRule", "destinationrules", &networking.DestinationRule{}, "dr"),
		net("Gateway", "gateways", &networking.Gateway{}, "gw"),
		net("ServiceEntry", "serviceentries", &networking.ServiceEntry{}, "se"),
		net("Sidecar", "sidecars", &networking.Sidecar{}),
		net("WorkloadEntry", "workloadentries", &networking.WorkloadEntry{}, "we"),
		sec("PeerAuthentication", "peerauthentications", &security.PeerAuthentication{}, "pa"),
		sec("RequestAuthentication", "requestauthentications", &security.RequestAuthentication{}, "ra"),
		sec("AuthorizationPolicy", "authorizationpolicies", &security.AuthorizationPolicy{}, "ap"),
	}
}
