package listener

import (
	"fmt"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config/mesh"
)

func host(name string) string { return name + ".default.svc.cluster.local" }

// bookinfo is BookInfo's four services on 9080 "http", VIPs 240.240.0.1-4.
func bookinfo() []*model.Service {
	var out []*model.Service
	for i, name := range []string{"details", "productpage", "ratings", "reviews"} {
		out = append(out, &model.Service{
			Hostname:   host(name),
			Namespace:  "default",
			Address:    fmt.Sprintf("240.240.0.%d", i+1),
			Ports:      []model.Port{{Name: "http", Number: 9080, Protocol: model.HTTP}},
			Attributes: model.Attributes{Name: name, Namespace: "default"},
		})
	}
	return out
}

func find(services []*model.Service, hostname string) *model.Service {
	for _, s := range services {
		if s.Hostname == hostname {
			return s
		}
	}
	panic("no service " + hostname)
}

// tcpEcho has a VIP and a TCP port 9000.
func tcpEcho() *model.Service {
	return &model.Service{
		Hostname:  host("tcp-echo"),
		Namespace: "default",
		Address:   "240.240.0.5",
		Ports:     []model.Port{{Name: "tcp", Number: 9000, Protocol: model.TCP}},
	}
}

// external are ServiceEntry-like services: TLS without a VIP, a TCP
// service on an address range, and one on a single-address CIDR.
func external() []*model.Service {
	return []*model.Service{
		{Hostname: "api.example.com", Namespace: "default", MeshExternal: true, Resolution: model.DNSLB,
			Ports: []model.Port{{Name: "tls", Number: 443, Protocol: model.TLS}}},
		{Hostname: "*.google.com", Namespace: "default", MeshExternal: true, Resolution: model.Passthrough,
			Ports: []model.Port{{Name: "https", Number: 443, Protocol: model.HTTPS}}},
		{Hostname: "db.example.com", Namespace: "default", MeshExternal: true, Resolution: model.Passthrough,
			Address: "10.1.0.0/16", Ports: []model.Port{{Name: "tcp-pg", Number: 5432, Protocol: model.TCP}}},
		{Hostname: "cache.example.com", Namespace: "default", MeshExternal: true, Resolution: model.ClientSideLB,
			Address: "10.2.0.7/32", Ports: []model.Port{{Name: "redis", Number: 6379, Protocol: model.Redis}}},
		{Hostname: "hidden.other.svc.cluster.local", Namespace: "other", ExportTo: []string{"other"},
			Ports: []model.Port{{Name: "tcp", Number: 7000, Protocol: model.TCP}}},
	}
}

func instance(svc *model.Service, portName, ip string, targetPort uint32) *model.Instance {
	p, ok := svc.GetPort(portName)
	if !ok {
		panic("no port " + portName)
	}
	return &model.Instance{Service: svc, ServicePort: p, Endpoint: model.Endpoint{Address: ip, Port: targetPort}}
}

func sidecar(pod, ip string) *model.Proxy {
	return &model.Proxy{
		Type:             model.SidecarProxy,
		IPAddresses:      []string{ip},
		ID:               pod + ".default",
		DNSDomain:        "default.svc.cluster.local",
		Namespace:        "default",
		InterceptionMode: model.InterceptionRedirect,
	}
}

func meshWith(mutate func(*mesh.Config)) mesh.Config {
	m := mesh.Default()
	if mutate != nil {
		mutate(&m)
	}
	return m
}
