package validation

import (
	"fmt"
	"strconv"
	"strings"

	networking "istio.io/api/networking/v1alpha3"
	security "istio.io/api/security/v1beta1"

	"github.com/sailmesh/sail/pkg/config"
)

const dryRunAnnotation = "istio.io/dry-run"

// checkMeta checks the object's name, namespace, labels and annotations
// against Kubernetes' rules (and Istio's, where stricter).
func checkMeta(e *errs, obj *config.Object) {
	md := path("metadata")
	if _, isGateway := obj.Spec.(*networking.Gateway); isGateway {
		// Gateways are referenced as "namespace/name" and "name.namespace",
		// so Istio allows no dots in their names.
		e.addIf(md.field("name"), labelProblem("Gateway name", obj.Name))
	} else {
		e.addIf(md.field("name"), subdomainProblem("name", obj.Name))
	}
	if obj.Namespace != "" {
		e.addIf(md.field("namespace"), labelProblem("namespace", obj.Namespace))
	}
	checkLabels(e, md.field("labels"), obj.Labels)
	for _, k := range sortedKeys(obj.Annotations) {
		if msg := labelKeyProblem(k); msg != "" {
			e.add(md.field("annotations").key(k), "%s", strings.Replace(msg, "label key", "annotation key", 1))
		}
	}
	if val, ok := obj.Annotations[dryRunAnnotation]; ok {
		p := md.field("annotations").key(dryRunAnnotation)
		ap, isAuthz := obj.Spec.(*security.AuthorizationPolicy)
		switch {
		case !isAuthz:
			e.add(p, "%s is supported only on AuthorizationPolicy; remove it", dryRunAnnotation)
		case ap.Action != security.AuthorizationPolicy_ALLOW && ap.Action != security.AuthorizationPolicy_DENY:
			e.add(p, "%s is supported only with action ALLOW or DENY, not %s", dryRunAnnotation, ap.Action)
		default:
			if _, err := strconv.ParseBool(val); err != nil {
				e.add(p, "%s must be \"true\" or \"false\", got %s", dryRunAnnotation, fmt.Sprintf("%q", val))
			}
		}
	}
}
