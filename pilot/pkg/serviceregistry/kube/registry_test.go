package kube

import (
	"reflect"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// bookinfo stores reviews (v1, v2) and ratings (v1) in ns, with their Pods
// on one Node in us-east1/us-east1-b, and returns the Node's name.
func bookinfo(t *testing.T, ns string) string {
	t.Helper()
	node := ns + "-node"
	createNode(t, node, "us-east1", "us-east1-b")
	createPod(t, ns, "reviews-v1", node, "10.1.0.1", "bookinfo-reviews", map[string]string{"app": "reviews", "version": "v1"})
	createPod(t, ns, "reviews-v2", node, "10.1.0.2", "bookinfo-reviews", map[string]string{"app": "reviews", "version": "v2"})
	createPod(t, ns, "ratings-v1", node, "10.1.0.3", "bookinfo-ratings", map[string]string{"app": "ratings", "version": "v1"})
	createService(t, httpService(ns, "reviews"))
	createService(t, httpService(ns, "ratings"))
	createSlice(t, ns, "reviews", "reviews-abc", backend{"reviews-v1", node, "10.1.0.1"}, backend{"reviews-v2", node, "10.1.0.2"})
	createSlice(t, ns, "ratings", "ratings-abc", backend{"ratings-v1", node, "10.1.0.3"})
	return node
}

func versions(insts []*model.Instance) []string {
	var out []string
	for _, in := range insts {
		out = append(out, in.Endpoint.Address+"="+in.Endpoint.Labels["version"])
	}
	return out
}

func TestBookinfo(t *testing.T) {
	ns := newNamespace(t)
	r, rec := start(t, Options{})
	node := bookinfo(t, ns)
	reviewsHost, ratingsHost := fqdn("reviews", ns), fqdn("ratings", ns)
	waitFor(t, "reviews and ratings instances", func() bool {
		return len(r.Instances(reviewsHost, 0)) == 2 && len(r.Instances(ratingsHost, 0)) == 1
	})

	var hosts []string
	for _, s := range r.Services() {
		if s.Namespace == ns {
			hosts = append(hosts, s.Hostname)
		}
	}
	if want := []string{ratingsHost, reviewsHost}; !slices.Equal(hosts, want) {
		t.Fatalf("Services() in %s = %v, want %v", ns, hosts, want)
	}
	kubeSvc, err := env.Client().CoreV1().Services(ns).Get(t.Context(), "reviews", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reviews := r.Service(reviewsHost)
	want := &model.Service{
		Hostname:        reviewsHost,
		Namespace:       ns,
		Address:         kubeSvc.Spec.ClusterIP,
		Ports:           []model.Port{{Name: "http", Number: 9080, Protocol: model.HTTP}},
		Resolution:      model.ClientSideLB,
		ServiceAccounts: []string{"spiffe://cluster.local/ns/" + ns + "/sa/bookinfo-reviews"},
		Attributes:      model.Attributes{Name: "reviews", Namespace: ns, Labels: map[string]string{"app": "reviews"}},
	}
	if !reflect.DeepEqual(reviews, want) {
		t.Errorf("reviews = %+v\nwant %+v", reviews, want)
	}
	if !reviews.HasAddress() {
		t.Errorf("reviews has no VIP")
	}

	insts := r.Instances(reviewsHost, 9080)
	if got, want := versions(insts), []string{"10.1.0.1=v1", "10.1.0.2=v2"}; !slices.Equal(got, want) {
		t.Fatalf("reviews instances = %v, want %v", got, want)
	}
	wantEP := model.Endpoint{Address: "10.1.0.1", Port: 9080, Labels: map[string]string{"app": "reviews", "version": "v1"},
		ServiceAccount: "bookinfo-reviews", Locality: "us-east1/us-east1-b", UID: "kubernetes://reviews-v1." + ns}
	if in := insts[0]; in.Service != reviews || in.ServicePort != reviews.Ports[0] || !reflect.DeepEqual(in.Endpoint, wantEP) {
		t.Errorf("reviews-v1 instance = %+v %+v\nwant endpoint %+v", in.ServicePort, in.Endpoint, wantEP)
	}
	if got := r.Instances(reviewsHost, 9999); len(got) != 0 {
		t.Errorf("Instances(reviews, 9999) = %v, want none", got)
	}
	byIP := inNamespace(r.InstancesByIP("10.1.0.3"), ns)
	if len(byIP) != 1 || byIP[0].Service.Hostname != ratingsHost {
		t.Errorf("InstancesByIP(10.1.0.3) = %v, want the ratings instance", byIP)
	}

	t.Run("pod label change moves the instance", func(t *testing.T) {
		n := rec.len()
		pods := env.Client().CoreV1().Pods(ns)
		p, err := pods.Get(t.Context(), "reviews-v2", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p.Labels["version"] = "v3"
		if _, err := pods.Update(t.Context(), p, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		evs := rec.waitEvent(t, n, model.EndpointsChange, reviewsHost)
		for _, ev := range evs {
			if ev.Kind == model.FullChange {
				t.Errorf("unexpected %v event %v", ev.Kind, ev.Hostnames)
			}
		}
		if got, want := versions(r.Instances(reviewsHost, 0)), []string{"10.1.0.1=v1", "10.1.0.2=v3"}; !slices.Equal(got, want) {
			t.Errorf("reviews instances = %v, want %v", got, want)
		}
		if r.Service(reviewsHost) != reviews {
			t.Errorf("reviews' *Service changed on an endpoints-only change")
		}
	})

	t.Run("node zone change moves the locality", func(t *testing.T) {
		n := rec.len()
		nodes := env.Client().CoreV1().Nodes()
		nd, err := nodes.Get(t.Context(), node, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		nd.Labels[zoneLabel] = "us-east1-c"
		if _, err := nodes.Update(t.Context(), nd, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		rec.waitEvent(t, n, model.EndpointsChange, reviewsHost)
		waitFor(t, "ratings locality", func() bool {
			in := r.Instances(ratingsHost, 0)
			return len(in) == 1 && in[0].Endpoint.Locality == "us-east1/us-east1-c"
		})
	})

	t.Run("not ready endpoint leaves", func(t *testing.T) {
		n := rec.len()
		eps := env.Client().DiscoveryV1().EndpointSlices(ns)
		sl, err := eps.Get(t.Context(), "reviews-abc", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sl.Endpoints[0].Conditions.Ready = ptr(false)
		if _, err := eps.Update(t.Context(), sl, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		rec.waitEvent(t, n, model.EndpointsChange, reviewsHost)
		if got, want := versions(r.Instances(reviewsHost, 0)), []string{"10.1.0.2=v3"}; !slices.Equal(got, want) {
			t.Errorf("reviews instances = %v, want %v", got, want)
		}
	})

	t.Run("port change is a full change", func(t *testing.T) {
		n := rec.len()
		svcs := env.Client().CoreV1().Services(ns)
		s, err := svcs.Get(t.Context(), "reviews", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Name: "grpc-admin", Port: 9090})
		if _, err := svcs.Update(t.Context(), s, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		rec.waitEvent(t, n, model.FullChange, reviewsHost)
		if p, ok := r.Service(reviewsHost).GetPortByNumber(9090); !ok || p.Protocol != model.GRPC {
			t.Errorf("port 9090 = %+v, %v; want grpc-admin GRPC", p, ok)
		}
	})

	t.Run("service delete", func(t *testing.T) {
		n := rec.len()
		if err := env.Client().CoreV1().Services(ns).Delete(t.Context(), "ratings", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		rec.waitEvent(t, n, model.FullChange, ratingsHost)
		if s := r.Service(ratingsHost); s != nil {
			t.Errorf("ratings still there: %+v", s)
		}
		if got := r.Instances(ratingsHost, 0); len(got) != 0 {
			t.Errorf("ratings instances = %v, want none", got)
		}
		if got := inNamespace(r.InstancesByIP("10.1.0.3"), ns); len(got) != 0 {
			t.Errorf("InstancesByIP(10.1.0.3) = %v, want none", got)
		}
	})
}

func TestHeadlessAndExternalName(t *testing.T) {
	ns := newNamespace(t)
	r, _ := start(t, Options{DomainSuffix: "example.internal"})
	createService(t, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "mongo", Namespace: ns, Annotations: map[string]string{ExportToAnnotation: "., istio-system"}},
		Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone,
			Selector:  map[string]string{"app": "mongo"},
			Ports: []corev1.ServicePort{
				{Name: "tcp-db", Port: 27017},
				{Name: "admin", Port: 8080, AppProtocol: ptr("http")},
			},
		},
	})
	createService(t, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "payments", Namespace: ns},
		Spec: corev1.ServiceSpec{
			Type:         corev1.ServiceTypeExternalName,
			ExternalName: "pay.example.com",
			Ports:        []corev1.ServicePort{{Name: "https", Port: 443}},
		},
	})
	mongoHost := "mongo." + ns + ".svc.example.internal"
	payHost := "payments." + ns + ".svc.example.internal"
	waitFor(t, "both services", func() bool { return r.Service(mongoHost) != nil && r.Service(payHost) != nil })

	mongo := r.Service(mongoHost)
	if mongo.HasAddress() || mongo.Resolution != model.ClientSideLB || mongo.MeshExternal {
		t.Errorf("headless mongo: Address %q Resolution %v MeshExternal %v", mongo.Address, mongo.Resolution, mongo.MeshExternal)
	}
	wantPorts := []model.Port{{Name: "admin", Number: 8080, Protocol: model.HTTP}, {Name: "tcp-db", Number: 27017, Protocol: model.TCP}}
	if !reflect.DeepEqual(mongo.Ports, wantPorts) {
		t.Errorf("mongo ports = %+v, want %+v", mongo.Ports, wantPorts)
	}
	if want := []string{"istio-system", ns}; !slices.Equal(mongo.ExportTo, want) {
		t.Errorf("mongo exportTo = %v, want %v", mongo.ExportTo, want)
	}

	pay := r.Service(payHost)
	if pay.HasAddress() || pay.Resolution != model.DNSLB || !pay.MeshExternal {
		t.Errorf("ExternalName payments: Address %q Resolution %v MeshExternal %v", pay.Address, pay.Resolution, pay.MeshExternal)
	}
	insts := r.Instances(payHost, 443)
	if len(insts) != 1 || insts[0].Endpoint.Address != "pay.example.com" || insts[0].Endpoint.Port != 443 || insts[0].ServicePort.Protocol != model.HTTPS {
		t.Errorf("payments instances = %+v, want one at pay.example.com:443", insts)
	}
}

func TestStartsFromExistingStateAndResyncIsQuiet(t *testing.T) {
	ns := newNamespace(t)
	bookinfo(t, ns)
	// One second is the shortest resync client-go allows.
	r, rec := start(t, Options{Resync: time.Second})
	// The first index is built once the informers sync, before any event.
	if got := versions(r.Instances(fqdn("reviews", ns), 0)); !slices.Equal(got, []string{"10.1.0.1=v1", "10.1.0.2=v2"}) {
		t.Fatalf("reviews instances after sync = %v", got)
	}
	// Resync rounds (at least two) rebuild every Service without changing it.
	base := r.reconciles.Load()
	waitFor(t, "resync rebuilds", func() bool { return r.reconciles.Load() >= base+20 })
	for _, ev := range rec.since(0) {
		if slices.ContainsFunc(ev.Hostnames, func(h string) bool { return h == fqdn("reviews", ns) || h == fqdn("ratings", ns) }) {
			t.Errorf("event on resync: %v %v", ev.Kind, ev.Hostnames)
		}
	}
}
