package kube_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/crd"
	"github.com/sailmesh/sail/pkg/config/parse"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/kube"
	"github.com/sailmesh/sail/pkg/config/store/storetest"
	"github.com/sailmesh/sail/pkg/kube/testenv"
)

// env is the API server every test in this package shares; TestMain owns it.
var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.RunMain(m, testenv.Options{}, func(ctx context.Context, e *testenv.Env) error {
		env = e
		reg, err := registry()
		if err != nil {
			return err
		}
		crds, err := crd.Generate(reg)
		if err != nil {
			return err
		}
		if err := e.InstallCRDs(ctx, crds...); err != nil {
			return err
		}
		for _, ns := range namespaces() {
			_, err := e.Client().CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
			if err != nil {
				return fmt.Errorf("namespace %s: %w", ns, err)
			}
		}
		return nil
	}))
}

func registry() (*config.Registry, error) { return config.NewRegistry(config.IstioKinds()...) }

func namespaces() []string { return append(storetest.Namespaces(), "kube-a", "kube-b") }

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{New: func(t *testing.T) store.Store {
		clearObjects(t)
		return start(t, kube.Options{})
	}})
}

// clearObjects deletes every object of the store's kinds from the namespaces the
// tests use, so that each test starts from an empty API server.
func clearObjects(t *testing.T) {
	t.Helper()
	reg, err := registry()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range reg.All() {
		gvr := gvrOf(k)
		for _, ns := range namespaces() {
			err := env.Dynamic().Resource(gvr).Namespace(ns).DeleteCollection(t.Context(), metav1.DeleteOptions{}, metav1.ListOptions{})
			if err != nil {
				t.Fatalf("clear %s in %s: %v", gvr, ns, err)
			}
		}
	}
}

func decoder(t testing.TB) kube.DecodeFunc {
	reg, err := registry()
	if err != nil {
		t.Fatal(err)
	}
	p := parse.New(reg, parse.Options{})
	return func(obj map[string]any) (*config.Object, error) {
		o, errs := p.Decode(obj)
		if err := errs.Err(); err != nil {
			return nil, err
		}
		return o, nil
	}
}

// start runs a kube store until t ends and waits for it to sync. Its log
// goes to t.Log and to the returned buffer.
func start(t *testing.T, opts kube.Options) *kube.Store {
	t.Helper()
	s, _ := startLogged(t, opts)
	return s
}

func startLogged(t *testing.T, opts kube.Options) (*kube.Store, *logBuffer) {
	t.Helper()
	logs := &logBuffer{t: t}
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	s, err := kube.New(env.Config, config.IstioKinds(), decoder(t), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		logs.close()
	})
	syncCtx, cancelSync := context.WithTimeout(ctx, storetest.WaitTimeout)
	defer cancelSync()
	if err := store.WaitForSync(syncCtx, s); err != nil {
		t.Fatalf("WaitForSync: %v", err)
	}
	return s, logs
}

// logBuffer keeps log lines and copies them to t.Log until closed.
type logBuffer struct {
	t      *testing.T
	mu     sync.Mutex
	lines  []string
	closed bool
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	line := strings.TrimSuffix(string(p), "\n")
	b.lines = append(b.lines, line)
	if !b.closed {
		b.t.Log(line)
	}
	return len(p), nil
}

func (b *logBuffer) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
}

// find returns the log lines holding every one of parts.
func (b *logBuffer) find(parts ...string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, l := range b.lines {
		if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(l, p) }) {
			out = append(out, l)
		}
	}
	return out
}

func gvrOf(k config.Kind) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: k.Group, Version: k.Versions[0], Resource: k.Plural}
}
