package validation

import (
	networking "istio.io/api/networking/v1alpha3"
	security "istio.io/api/security/v1beta1"

	clientpb "github.com/sailmesh/sail/api/mixer/v1/config/client"
	policypb "github.com/sailmesh/sail/api/policy/v1beta1"
	"github.com/sailmesh/sail/pkg/config"
)

// Options configure a Validator.
type Options struct {
	// CheckExpression validates a Mixer expression (CEXL) once Mixer's
	// language lands; nil means a syntax-only check: the expression must
	// parse as a Go expression and use only what CEXL has (attributes,
	// literals, == != < <= > >= && || ! + | [] and calls).
	CheckExpression func(expr string) error
}

// Validator checks configuration objects. It is safe for concurrent use
// when Options.CheckExpression is.
type Validator struct {
	checkExpr func(string) error
}

// New returns a Validator.
func New(opts Options) *Validator {
	v := &Validator{checkExpr: opts.CheckExpression}
	if v.checkExpr == nil {
		v.checkExpr = parseExpression
	}
	return v
}

// Object checks one object on its own: its metadata and its spec. Every
// error names the object (Object) and the field; File and Line are left for
// the caller. An object with no problems gives an empty list.
func (v *Validator) Object(obj *config.Object) config.ErrorList {
	var e errs
	checkMeta(&e, obj)
	spec := path("spec")
	switch s := obj.Spec.(type) {
	case nil:
		e.add(spec, "spec is missing")
	case *networking.VirtualService:
		checkVirtualService(&e, spec, obj.Namespace, s)
	case *networking.DestinationRule:
		checkDestinationRule(&e, spec, obj.Namespace, s)
	case *networking.Gateway:
		checkGateway(&e, spec, s)
	case *networking.ServiceEntry:
		checkServiceEntry(&e, spec, obj.Namespace, s)
	case *networking.WorkloadEntry:
		checkWorkloadEntry(&e, spec, s)
	case *networking.Sidecar:
		checkSidecar(&e, spec, s)
	case *security.PeerAuthentication:
		checkPeerAuthentication(&e, spec, s)
	case *security.RequestAuthentication:
		checkRequestAuthentication(&e, spec, s)
	case *security.AuthorizationPolicy:
		checkAuthorizationPolicy(&e, spec, s)
	case *policypb.Rule:
		v.checkRule(&e, spec, s)
	case *policypb.Handler:
		checkHandler(&e, spec, s)
	case *policypb.Instance:
		v.checkInstance(&e, spec, s)
	case *policypb.AttributeManifest:
		checkAttributeManifest(&e, spec, s)
	case *clientpb.QuotaSpec:
		checkQuotaSpec(&e, spec, s)
	case *clientpb.QuotaSpecBinding:
		checkQuotaSpecBinding(&e, spec, s)
	}
	if obj.Spec != nil {
		checkEnums(&e, spec, obj.Spec.ProtoReflect())
	}
	return e.list.At("", 0, obj.Key().String())
}

// Objects checks each object with Object and the whole input with Set.
func (v *Validator) Objects(objs []*config.Object) config.ErrorList {
	var out config.ErrorList
	for _, o := range objs {
		out = append(out, v.Object(o)...)
	}
	return append(out, v.Set(objs)...)
}

// Set checks the references between the objects of one input: Mixer rules
// name handlers and instances that exist in objs, QuotaSpecBindings name
// QuotaSpecs that exist, and routes name subsets that the input's
// DestinationRules for that host define (checked only when the input has a
// DestinationRule for the host). Each error names the referencing object and
// field. Objects are not checked on their own; see Object.
func (v *Validator) Set(objs []*config.Object) config.ErrorList {
	var out config.ErrorList
	for _, l := range v.SetByObject(objs) {
		out = append(out, l...)
	}
	return out
}

// SetByObject is Set with the errors grouped by the referencing object:
// the result is parallel to objs. Callers that must tell apart objects with
// the same key (the same name defined in two files) use it to attribute
// each error to its source.
func (v *Validator) SetByObject(objs []*config.Object) []config.ErrorList {
	idx := indexSet(objs)
	out := make([]config.ErrorList, len(objs))
	for i, o := range objs {
		var e errs
		spec := path("spec")
		switch s := o.Spec.(type) {
		case *policypb.Rule:
			idx.checkRuleRefs(&e, spec, o.Namespace, s)
		case *clientpb.QuotaSpecBinding:
			idx.checkBindingRefs(&e, spec, o.Namespace, s)
		case *networking.VirtualService:
			idx.checkSubsetRefs(&e, spec, o.Namespace, s)
		}
		out[i] = e.list.At("", 0, o.Key().String())
	}
	return out
}
