package storeutil

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
)

// CheckObject reports what stops obj from being stored as kind k, the way
// the Kubernetes API server would: a name that is a DNS-1123 subdomain, a
// namespace that is a DNS-1123 label exactly when k is namespaced, a version
// k serves (or none) and a spec of k's message type (or none). The error
// wraps store.ErrInvalid and a config.ErrorList naming the fields.
//
// It is exported so every Store rejects the same objects; the file store
// also relies on it to keep names safe to use in file names.
func CheckObject(k config.Kind, obj *config.Object) error {
	var errs config.ErrorList
	if obj.Name == "" {
		errs = append(errs, config.FieldError("metadata.name", "is required"))
	} else if msgs := validation.IsDNS1123Subdomain(obj.Name); len(msgs) > 0 {
		errs = append(errs, config.FieldError("metadata.name", "%q is not a valid name: %s", obj.Name, strings.Join(msgs, "; ")))
	}
	switch {
	case k.ClusterScoped && obj.Namespace != "":
		errs = append(errs, config.FieldError("metadata.namespace", "must be empty: %s is cluster scoped", k.Kind))
	case !k.ClusterScoped && obj.Namespace == "":
		errs = append(errs, config.FieldError("metadata.namespace", "is required: %s is namespaced", k.Kind))
	case !k.ClusterScoped:
		if msgs := validation.IsDNS1123Label(obj.Namespace); len(msgs) > 0 {
			errs = append(errs, config.FieldError("metadata.namespace", "%q is not a valid namespace: %s", obj.Namespace, strings.Join(msgs, "; ")))
		}
	}
	if v := obj.GVK.Version; v != "" && !k.Serves(v) {
		errs = append(errs, config.FieldError("apiVersion", "%s is not served at version %q (served: %s)", k.GroupKind(), v, strings.Join(k.Versions, ", ")))
	}
	if obj.Spec != nil {
		got, want := obj.Spec.ProtoReflect().Descriptor().FullName(), k.Spec.Descriptor().FullName()
		if got != want {
			errs = append(errs, config.FieldError("spec", "is a %s, want %s", got, want))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", store.ErrInvalid, errs.At("", 0, obj.Key().String()))
}
