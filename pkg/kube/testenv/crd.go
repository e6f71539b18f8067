package testenv

import (
	"context"
	"errors"
	"fmt"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// crdTimeout bounds InstallCRDs when ctx has no deadline of its own. A new
// CRD usually serves within about two seconds.
const crdTimeout = 60 * time.Second

// createStallWindow covers the apiextensions server's habit of delaying, by
// two seconds, every create of a custom resource whose CRD became
// Established less than two seconds ago. The condition's time is kept to the
// second, so the server and we see the same truncated value; the extra
// margin absorbs the rest.
const createStallWindow = 2*time.Second + 100*time.Millisecond

// InstallCRDs creates the CRDs (updating any that already exist) and waits
// until each is Established, every served version answers a list, and the
// server no longer stalls creates of its custom resources (it does for two
// seconds after a CRD becomes Established). Install a package's CRDs once,
// from RunMain's setup: a batch costs two to three seconds. The CRDs passed
// in are not modified.
func (e *Env) InstallCRDs(ctx context.Context, crds ...*apiextensionsv1.CustomResourceDefinition) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, crdTimeout)
		defer cancel()
	}
	client, err := apiextensionsclient.NewForConfig(e.Config)
	if err != nil {
		return fmt.Errorf("install CRDs: client: %w", err)
	}
	crdClient := client.ApiextensionsV1().CustomResourceDefinitions()
	for _, crd := range crds {
		if err := applyCRD(ctx, crdClient, crd); err != nil {
			return fmt.Errorf("install CRD %s: %w", crd.Name, err)
		}
	}
	var settled time.Time
	for _, crd := range crds {
		established, err := e.waitCRDServed(ctx, crdClient, crd)
		if err != nil {
			return fmt.Errorf("install CRD %s: %w", crd.Name, err)
		}
		if t := established.Add(createStallWindow); t.After(settled) {
			settled = t
		}
	}
	// Sit out the server's create stall here, once, rather than in the first
	// test that creates a custom resource.
	select {
	case <-ctx.Done():
		return fmt.Errorf("install CRDs: %w", ctx.Err())
	case <-time.After(time.Until(settled)):
		return nil
	}
}

type crdInterface interface {
	Create(context.Context, *apiextensionsv1.CustomResourceDefinition, metav1.CreateOptions) (*apiextensionsv1.CustomResourceDefinition, error)
	Get(context.Context, string, metav1.GetOptions) (*apiextensionsv1.CustomResourceDefinition, error)
	Update(context.Context, *apiextensionsv1.CustomResourceDefinition, metav1.UpdateOptions) (*apiextensionsv1.CustomResourceDefinition, error)
}

func applyCRD(ctx context.Context, c crdInterface, crd *apiextensionsv1.CustomResourceDefinition) error {
	_, err := c.Create(ctx, crd.DeepCopy(), metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		return err
	}
	existing, err := c.Get(ctx, crd.Name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	updated := crd.DeepCopy()
	updated.ResourceVersion = existing.ResourceVersion
	_, err = c.Update(ctx, updated, metav1.UpdateOptions{})
	return err
}

// waitCRDServed polls until crd is Established and each served version
// lists without error, and returns when it became Established.
func (e *Env) waitCRDServed(ctx context.Context, c crdInterface, crd *apiextensionsv1.CustomResourceDefinition) (time.Time, error) {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		since, last := e.crdServed(ctx, c, crd)
		if last == nil {
			return since, nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("not served: %w (last check: %v)", ctx.Err(), last)
		case <-tick.C:
		}
	}
}

func (e *Env) crdServed(ctx context.Context, c crdInterface, crd *apiextensionsv1.CustomResourceDefinition) (time.Time, error) {
	got, err := c.Get(ctx, crd.Name, metav1.GetOptions{})
	if err != nil {
		return time.Time{}, err
	}
	since, ok := establishedSince(got)
	if !ok {
		return time.Time{}, errors.New("not Established yet")
	}
	for _, v := range got.Spec.Versions {
		if !v.Served {
			continue
		}
		gvr := schema.GroupVersionResource{Group: got.Spec.Group, Version: v.Name, Resource: got.Spec.Names.Plural}
		if _, err := e.dynamic.Resource(gvr).List(ctx, metav1.ListOptions{Limit: 1}); err != nil {
			return time.Time{}, fmt.Errorf("list %s: %w", gvr, err)
		}
	}
	return since, nil
}

// establishedSince reports whether crd is Established, and since when.
func establishedSince(crd *apiextensionsv1.CustomResourceDefinition) (time.Time, bool) {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established {
			return c.LastTransitionTime.Time, c.Status == apiextensionsv1.ConditionTrue
		}
	}
	return time.Time{}, false
}
