package kube

import (
	"context"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/kube/testenv"
)

// env is the API server every test in this package shares; TestMain owns
// it. Each test works in its own namespace and on its own Nodes.
var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.RunMain(m, testenv.Options{}, func(_ context.Context, e *testenv.Env) error {
		env = e
		return nil
	}))
}

// waitTimeout bounds every wait for the registry to catch up.
const waitTimeout = 30 * time.Second

// waitFor polls cond until it holds or waitTimeout passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitTimeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// recorder collects a registry's events.
type recorder struct {
	mu     sync.Mutex
	events []model.Event
}

func (r *recorder) handle(ev model.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

// since returns the events after the first n.
func (r *recorder) since(n int) []model.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events[min(n, len(r.events)):])
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// waitEvent waits for an event of kind naming host after the first n
// events, and returns all events after n.
func (r *recorder) waitEvent(t *testing.T, n int, kind model.EventKind, host string) []model.Event {
	t.Helper()
	var got []model.Event
	waitFor(t, kind.String()+" event for "+host, func() bool {
		got = r.since(n)
		return slices.ContainsFunc(got, func(ev model.Event) bool {
			return ev.Kind == kind && slices.Contains(ev.Hostnames, host)
		})
	})
	return got
}

// start runs a registry until the test ends and waits for it to sync.
func start(t *testing.T, opts Options) (*Registry, *recorder) {
	t.Helper()
	opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := New(env.Client(), opts)
	rec := &recorder{}
	r.AppendHandler(rec.handle)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	waitFor(t, "registry sync", r.HasSynced)
	return r, rec
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// newNamespace creates a namespace with a unique name derived from the
// test's, so tests may repeat (-count) on the shared server.
func newNamespace(t *testing.T) string {
	t.Helper()
	nonName := regexp.MustCompile(`[^a-z0-9-]+`)
	prefix := strings.Trim(nonName.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	if len(prefix) > 40 {
		prefix = prefix[:40]
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}
	ns, err := env.Client().CoreV1().Namespaces().Create(t.Context(), ns, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	return ns.Name
}

// inNamespace keeps the instances of services in ns: tests share the
// server and reuse pod IPs.
func inNamespace(insts []*model.Instance, ns string) []*model.Instance {
	return slices.DeleteFunc(insts, func(in *model.Instance) bool { return in.Service.Namespace != ns })
}

func createNode(t *testing.T, name, region, zone string) {
	t.Helper()
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{regionLabel: region, zoneLabel: zone}}}
	if _, err := env.Client().CoreV1().Nodes().Create(t.Context(), n, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create node %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = env.Client().CoreV1().Nodes().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
}

// createPod stores a Pod bound to node with status.podIP set, as a kubelet
// would.
func createPod(t *testing.T, ns, name, node, ip, sa string, labels map[string]string) {
	t.Helper()
	c := env.Client().CoreV1().Pods(ns)
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: corev1.PodSpec{
			NodeName:           node,
			ServiceAccountName: sa,
			Containers:         []corev1.Container{{Name: "app", Image: "example/app"}},
		},
	}
	p, err := c.Create(t.Context(), p, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create pod %s: %v", name, err)
	}
	p.Status.Phase = corev1.PodRunning
	p.Status.PodIP = ip
	p.Status.PodIPs = []corev1.PodIP{{IP: ip}}
	if _, err := c.UpdateStatus(t.Context(), p, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update pod %s status: %v", name, err)
	}
}

func createService(t *testing.T, svc *corev1.Service) *corev1.Service {
	t.Helper()
	got, err := env.Client().CoreV1().Services(svc.Namespace).Create(t.Context(), svc, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create service %s: %v", svc.Name, err)
	}
	return got
}

// httpService is a ClusterIP Service with one port "http" 9080 selecting
// app=name.
func httpService(ns, name string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app": name}},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": name},
			Ports:    []corev1.ServicePort{{Name: "http", Port: 9080}},
		},
	}
}

// backend is one Pod endpoint of a slice.
type backend struct{ pod, node, ip string }

// createSlice stores the EndpointSlice an EndpointSlice controller would
// write for service, with port "http" 9080 and every backend ready.
func createSlice(t *testing.T, ns, service, name string, backends ...backend) {
	t.Helper()
	s := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: name, Labels: map[string]string{discoveryv1.LabelServiceName: service}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: ptr("http"), Port: ptr[int32](9080), Protocol: ptr(corev1.ProtocolTCP)}},
	}
	for _, b := range backends {
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{
			Addresses:  []string{b.ip},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr(true)},
			NodeName:   ptr(b.node),
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: b.pod},
		})
	}
	if _, err := env.Client().DiscoveryV1().EndpointSlices(ns).Create(t.Context(), s, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create endpoint slice %s: %v", name, err)
	}
}

func ptr[T any](v T) *T { return &v }

func fqdn(name, ns string) string { return name + "." + ns + ".svc.cluster.local" }
