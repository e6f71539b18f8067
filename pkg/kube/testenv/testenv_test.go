package testenv_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/sailmesh/sail/pkg/kube/testenv"
)

// env is shared by every test in this package; TestMain owns it.
var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.RunMain(m, testenv.Options{}, func(ctx context.Context, e *testenv.Env) error {
		env = e
		return e.InstallCRDs(ctx, widgetCRD())
	}))
}

var widgetGVR = schema.GroupVersionResource{Group: "testenv.sail.dev", Version: "v1", Resource: "widgets"}

func widgetCRD() *apiextensionsv1.CustomResourceDefinition {
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: widgetGVR.Resource + "." + widgetGVR.Group},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: widgetGVR.Group,
			Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{
				Plural: widgetGVR.Resource, Singular: "widget", Kind: "Widget", ListKind: "WidgetList",
			},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: widgetGVR.Version, Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{
					OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
						Type: "object",
						Properties: map[string]apiextensionsv1.JSONSchemaProps{
							"spec": {
								Type: "object",
								Properties: map[string]apiextensionsv1.JSONSchemaProps{
									"size": {Type: "integer", Minimum: ptr(0.0)},
								},
							},
						},
					},
				},
			}},
		},
	}
}

func ptr[T any](v T) *T { return &v }

// newNamespace creates a namespace named after the test, so tests sharing
// the server do not see each other's objects. Nothing deletes it: the
// server has no namespace controller, and the whole server goes away at the
// end of the package.
func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "test-"}}
	got, err := env.Client().CoreV1().Namespaces().Create(t.Context(), ns, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	return got.Name
}

func TestConfigMapRoundTrip(t *testing.T) {
	ns := newNamespace(t)
	cms := env.Client().CoreV1().ConfigMaps(ns)
	want := map[string]string{"mesh": "sail"}
	if _, err := cms.Create(t.Context(), &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "mesh-config"},
		Data:       want,
	}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create configmap: %v", err)
	}
	got, err := cms.Get(t.Context(), "mesh-config", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get configmap: %v", err)
	}
	if got.Data["mesh"] != want["mesh"] {
		t.Errorf("configmap data = %v, want %v", got.Data, want)
	}
}

func TestCustomResource(t *testing.T) {
	ns := newNamespace(t)
	widgets := env.Dynamic().Resource(widgetGVR).Namespace(ns)

	tests := []struct {
		name    string
		size    int64
		wantErr bool
	}{
		{name: "small", size: 1},
		{name: "large", size: 100},
		{name: "negative", size: -1, wantErr: true}, // the schema's minimum
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obj := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": widgetGVR.GroupVersion().String(),
				"kind":       "Widget",
				"metadata":   map[string]any{"name": tc.name},
				"spec":       map[string]any{"size": tc.size},
			}}
			_, err := widgets.Create(t.Context(), obj, metav1.CreateOptions{})
			if (err != nil) != tc.wantErr {
				t.Fatalf("create widget: err = %v, wantErr %v", err, tc.wantErr)
			}
		})
	}

	list, err := widgets.List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list widgets: %v", err)
	}
	got := map[string]int64{}
	for _, item := range list.Items {
		size, _, _ := unstructured.NestedInt64(item.Object, "spec", "size")
		got[item.GetName()] = size
	}
	if len(got) != 2 || got["small"] != 1 || got["large"] != 100 {
		t.Errorf("widgets = %v, want map[large:100 small:1]", got)
	}
}

// TestKubeconfig checks the kubeconfig file reaches the same server, as a
// tool given only the file would.
func TestKubeconfig(t *testing.T) {
	cfg, err := clientcmd.BuildConfigFromFlags("", env.Kubeconfig)
	if err != nil {
		t.Fatalf("load %s: %v", env.Kubeconfig, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("dynamic client: %v", err)
	}
	if _, err := dyn.Resource(widgetGVR).List(t.Context(), metav1.ListOptions{}); err != nil {
		t.Errorf("list widgets through kubeconfig: %v", err)
	}
}

func TestStopTwice(t *testing.T) {
	// A private Env: stopping the shared one would break the other tests.
	e, err := testenv.Start(t.Context(), testenv.Options{})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if err := e.Stop(); err != nil {
		t.Fatalf("first stop: %v", err)
	}
	if err := e.Stop(); err != nil {
		t.Errorf("second stop: %v", err)
	}
	if _, err := os.Stat(e.Kubeconfig); !os.IsNotExist(err) {
		t.Errorf("kubeconfig %s still there after Stop (stat err = %v)", e.Kubeconfig, err)
	}
}

func TestMissingAssets(t *testing.T) {
	_, err := testenv.Start(t.Context(), testenv.Options{AssetsDir: t.TempDir()})
	if !errors.Is(err, testenv.ErrAssetsMissing) {
		t.Fatalf("Start with an empty assets dir: err = %v, want ErrAssetsMissing", err)
	}
	if !strings.Contains(err.Error(), "tools/install-deps.sh") {
		t.Errorf("error %q does not say how to build the assets", err)
	}
}
