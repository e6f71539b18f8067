package config

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	networking "istio.io/api/networking/v1alpha3"
	security "istio.io/api/security/v1beta1"

	clientpb "github.com/sailmesh/sail/api/mixer/v1/config/client"
	policypb "github.com/sailmesh/sail/api/policy/v1beta1"
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

// PolicyKinds returns the config.istio.io/v1alpha2 kinds Mixer reads (rule,
// handler, instance, attributemanifest, with Istio 1.1's lower-case names)
// and the QuotaSpec kinds that tell sidecars which requests charge which
// quota (read by Pilot to configure the sidecars' Mixer filter).
func PolicyKinds() []Kind {
	pol := func(kind, plural string, spec proto.Message, consumers ...Component) Kind {
		return Kind{Group: PolicyGroup, Kind: kind, Plural: plural, Versions: policyVersions,
			Spec: typeOf(spec), Consumers: append(consumers, Galley),
			Categories: []string{"istio-io", "policy-istio-io"}}
	}
	return []Kind{
		pol("rule", "rules", &policypb.Rule{}, Mixer),
		pol("handler", "handlers", &policypb.Handler{}, Mixer),
		pol("instance", "instances", &policypb.Instance{}, Mixer),
		pol("attributemanifest", "attributemanifests", &policypb.AttributeManifest{}, Mixer),
		pol("QuotaSpec", "quotaspecs", &clientpb.QuotaSpec{}, Pilot, Mixer),
		pol("QuotaSpecBinding", "quotaspecbindings", &clientpb.QuotaSpecBinding{}, Pilot, Mixer),
	}
}

// BuiltinRegistry returns a new registry of every kind Sail serves.
func BuiltinRegistry() *Registry {
	r, err := NewRegistry(append(IstioKinds(), PolicyKinds()...)...)
	if err != nil {
		// The built-in kinds are fixed at compile time; kinds_test.go
		// proves they form a valid registry.
		panic(fmt.Sprintf("built-in kinds: %v", err))
	}
	return r
}
