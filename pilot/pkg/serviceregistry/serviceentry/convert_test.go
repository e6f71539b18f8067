package serviceentry

import (
	"reflect"
	"testing"
	"time"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
)

// endpointView is what a test checks of an instance.
type endpointView struct {
	Port    uint32 // service port
	Address string
	Target  uint32
	UID     string
}

func view(insts []*model.Instance) []endpointView {
	var out []endpointView
	for _, in := range insts {
		out = append(out, endpointView{in.ServicePort.Number, in.Endpoint.Address, in.Endpoint.Port, in.Endpoint.UID})
	}
	return out
}

func TestBuild(t *testing.T) {
	ports := []*networking.ServicePort{{Number: 80, Name: "http-web"}, {Number: 443, Name: "main", Protocol: "tls"}}
	tests := []struct {
		name      string
		ses, wes  []*config.Object
		host      string
		check     func(t *testing.T, s *model.Service)
		endpoints []endpointView
	}{{
		name: "external DNS without endpoints resolves the host",
		ses: []*config.Object{seObj("ext", "google", &networking.ServiceEntry{
			Hosts: []string{"www.google.com"}, Ports: ports, Resolution: networking.ServiceEntry_DNS,
			ExportTo: []string{".", "istio-system", "."},
		})},
		host: "www.google.com",
		check: func(t *testing.T, s *model.Service) {
			if !s.MeshExternal || s.Resolution != model.DNSLB {
				t.Errorf("MeshExternal %v, Resolution %v", s.MeshExternal, s.Resolution)
			}
			if want := []model.Port{{Name: "http-web", Number: 80, Protocol: model.HTTP}, {Name: "main", Number: 443, Protocol: model.TLS}}; !reflect.DeepEqual(s.Ports, want) {
				t.Errorf("ports %v", s.Ports)
			}
			if want := []string{"ext", "istio-system"}; !reflect.DeepEqual(s.ExportTo, want) {
				t.Errorf("exportTo %v, want %v", s.ExportTo, want)
			}
			if _, ok := slotOf(s.Address); !ok {
				t.Errorf("address %q not auto-allocated", s.Address)
			}
		},
		endpoints: []endpointView{{80, "www.google.com", 80, ""}, {443, "www.google.com", 443, ""}},
	}, {
		name: "NONE gets no VIP and no endpoints",
		ses: []*config.Object{seObj("ext", "any", &networking.ServiceEntry{
			Hosts: []string{"*.example.com"}, Ports: ports, Resolution: networking.ServiceEntry_NONE,
		})},
		host: "*.example.com",
		check: func(t *testing.T, s *model.Service) {
			if s.Address != "" || s.Resolution != model.Passthrough || s.HasAddress() {
				t.Errorf("address %q, resolution %v", s.Address, s.Resolution)
			}
		},
	}, {
		name: "CIDR address kept; inline STATIC endpoints with port map",
		ses: []*config.Object{seObj("db", "mongo", &networking.ServiceEntry{
			Hosts: []string{"mongo.db"}, Addresses: []string{"10.10.0.0/24", "10.20.0.1"},
			Ports:      []*networking.ServicePort{{Number: 27017, Name: "mongo", TargetPort: 27018}},
			Location:   networking.ServiceEntry_MESH_INTERNAL,
			Resolution: networking.ServiceEntry_STATIC,
			Endpoints: []*networking.WorkloadEntry{
				{Address: "10.10.0.2", Ports: map[string]uint32{"mongo": 30000}, Weight: 3, Labels: map[string]string{"v": "1"}},
				{Address: "10.10.0.1"},
			},
			SubjectAltNames: []string{"spiffe://cluster.local/ns/db/sa/mongo"},
		})},
		host: "mongo.db",
		check: func(t *testing.T, s *model.Service) {
			if s.Address != "10.10.0.0/24" || s.MeshExternal || s.Ports[0].Protocol != model.Mongo {
				t.Errorf("service %+v", s)
			}
			if want := []string{"spiffe://cluster.local/ns/db/sa/mongo"}; !reflect.DeepEqual(s.ServiceAccounts, want) {
				t.Errorf("accounts %v", s.ServiceAccounts)
			}
		},
		endpoints: []endpointView{{27017, "10.10.0.1", 27018, ""}, {27017, "10.10.0.2", 30000, ""}},
	}, {
		name: "selector matches spec labels, metadata labels as fallback, own namespace only",
		ses: []*config.Object{seObj("vm", "legacy", &networking.ServiceEntry{
			Hosts: []string{"legacy.vm.svc.cluster.local"}, Ports: []*networking.ServicePort{{Number: 8080, Name: "http"}},
			Location: networking.ServiceEntry_MESH_INTERNAL, Resolution: networking.ServiceEntry_STATIC,
			WorkloadSelector: &networking.WorkloadSelector{Labels: map[string]string{"app": "legacy"}},
		})},
		wes: []*config.Object{
			weObj("vm", "vm-1", &networking.WorkloadEntry{Address: "192.168.0.1", Labels: map[string]string{"app": "legacy", "x": "y"}, Ports: map[string]uint32{"http": 18080}}),
			func() *config.Object {
				o := weObj("vm", "vm-2", &networking.WorkloadEntry{Address: "192.168.0.2"})
				o.Labels = map[string]string{"app": "legacy"}
				return o
			}(),
			weObj("vm", "vm-3", &networking.WorkloadEntry{Address: "192.168.0.3", Labels: map[string]string{"app": "other"}}),
			weObj("elsewhere", "vm-4", &networking.WorkloadEntry{Address: "192.168.0.4", Labels: map[string]string{"app": "legacy"}}),
		},
		host: "legacy.vm.svc.cluster.local",
		endpoints: []endpointView{
			{8080, "192.168.0.1", 18080, "kubernetes://vm-1.vm"},
			{8080, "192.168.0.2", 8080, "kubernetes://vm-2.vm"},
		},
	}, {
		name: "the oldest entry owns a host declared twice",
		ses: []*config.Object{
			func() *config.Object {
				o := seObj("a", "newer", &networking.ServiceEntry{Hosts: []string{"dup.example.com"}, Addresses: []string{"1.1.1.2"}, Resolution: networking.ServiceEntry_STATIC})
				o.CreationTimestamp = time.Unix(200, 0)
				return o
			}(),
			func() *config.Object {
				o := seObj("b", "older", &networking.ServiceEntry{Hosts: []string{"dup.example.com"}, Addresses: []string{"1.1.1.1"}, Resolution: networking.ServiceEntry_STATIC})
				o.CreationTimestamp = time.Unix(100, 0)
				return o
			}(),
		},
		host: "dup.example.com",
		check: func(t *testing.T, s *model.Service) {
			if s.Namespace != "b" || s.Address != "1.1.1.1" {
				t.Errorf("kept %s/%s", s.Namespace, s.Address)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := build(tt.ses, tt.wes, "cluster.local")
			s := idx.byHost[tt.host]
			if s == nil {
				t.Fatalf("no service %s", tt.host)
			}
			if tt.check != nil {
				tt.check(t, s)
			}
			if got := view(idx.instances[tt.host]); !reflect.DeepEqual(got, tt.endpoints) {
				t.Errorf("endpoints\n got %+v\nwant %+v", got, tt.endpoints)
			}
		})
	}
}

func TestExportTo(t *testing.T) {
	for _, tt := range []struct {
		in   []string
		want []string
	}{
		{nil, nil},
		{[]string{"*"}, []string{"*"}},
		{[]string{"."}, []string{"ns"}},
		{[]string{"b", ".", "a", "b"}, []string{"a", "b", "ns"}},
	} {
		if got := exportTo(tt.in, "ns"); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("exportTo(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
