package storetest

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
)

// testRoundTrip checks that specs come back proto.Equal through Create,
// Get, List, Update and events, for every networking kind the suite knows,
// including maps, durations, oneofs and wrapper types.
func testRoundTrip(t *testing.T, s store.Store) {
	r := Record(t, s)
	objs := []*config.Object{
		virtualService(NamespaceA, "rt"),
		destinationRule(NamespaceA, "rt"),
		gateway(NamespaceB, "rt"),
		serviceEntry(NamespaceA, "rt"),
		workloadEntry(NamespaceB, "rt"),
	}
	objs[0].Labels["example.com/part-of"] = "storetest"
	objs[0].Annotations["example.com/json"] = `{"a": [1, 2], "b": "c"}`
	for _, obj := range objs {
		sameObject(t, mustCreate(t, s, obj), obj)
		sameObject(t, mustGet(t, s, obj.Key()), obj)
		listed := mustList(t, s, obj.Key().GroupKind, obj.Namespace)
		if len(listed) != 1 {
			t.Fatalf("List(%s, %s) returned %v", obj.Key().GroupKind, obj.Namespace, keys(listed))
		}
		sameObject(t, listed[0], obj)
		evs := r.WaitFor(t, store.Added, obj.Key())
		sameObject(t, evs[len(evs)-1].Object, obj)
	}

	// Change a oneof branch, a duration and a map entry.
	cur := mustGet(t, s, objs[1].Key())
	want := cur.DeepCopy()
	dr := want.Spec.(*networking.DestinationRule)
	dr.TrafficPolicy.LoadBalancer.LbPolicy = &networking.LoadBalancerSettings_ConsistentHash{
		ConsistentHash: &networking.LoadBalancerSettings_ConsistentHashLB{
			HashKey: &networking.LoadBalancerSettings_ConsistentHashLB_HttpHeaderName{HttpHeaderName: "x-user"},
		},
	}
	dr.TrafficPolicy.ConnectionPool.Tcp.ConnectTimeout = durationpb.New(90 * time.Second)
	dr.Subsets[1].Labels["track"] = "stable"
	sameObject(t, mustUpdate(t, s, want), want)
	sameObject(t, mustGet(t, s, want.Key()), want)
	evs := r.WaitFor(t, store.Updated, want.Key())
	last := evs[len(evs)-1]
	sameObject(t, last.Object, want)
	sameObject(t, last.Old, cur)
	if proto.Equal(last.Old.Spec, last.Object.Spec) {
		t.Error("Updated event has equal Old and new specs")
	}
}
