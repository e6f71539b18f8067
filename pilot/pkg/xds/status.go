package xds

import (
	"slices"
	"strings"
	"time"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// TypeStatus is what one proxy was sent and ACKed of one xDS type.
type TypeStatus struct {
	// Sent is the version of the last response of the type; Acked is
	// the last version the proxy ACKed ("" if none yet).
	Sent  string
	Acked string
}

// InSync reports whether the proxy ACKed the version it was last sent.
func (t TypeStatus) InSync() bool { return t.Sent != "" && t.Sent == t.Acked }

// ProxyStatus is a connected proxy as the server sees it.
type ProxyStatus struct {
	NodeID string
	// Proxy is the identity parsed from the node; it is shared and must
	// not be modified.
	Proxy          *model.Proxy
	ConnectedSince time.Time
	// Types are by type URL.
	Types map[string]TypeStatus
	// Nack is the proxy's NACK record; Count is 0 without NACKs.
	Nack Nack
}

// Proxies returns the connected proxies, sorted by node ID. The values are
// the caller's own.
func (s *Server) Proxies() []ProxyStatus {
	nacks := s.nacks.snapshot()
	s.mu.Lock()
	out := make([]ProxyStatus, 0, len(s.nodes))
	for id, n := range s.nodes {
		ps := ProxyStatus{NodeID: id, Proxy: n.proxy, ConnectedSince: n.since, Types: map[string]TypeStatus{}, Nack: nacks[id]}
		for typ, ts := range n.types {
			ps.Types[typ] = *ts
		}
		out = append(out, ps)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b ProxyStatus) int { return strings.Compare(a.NodeID, b.NodeID) })
	return out
}

// Dump is the xDS set for one proxy.
type Dump struct {
	// Version is the snapshot's version.
	Version string
	// Resources are by type URL, each list sorted by name.
	Resources Resources
}

// dumpTypes are the type URLs of a Dump, in xDS order.
var dumpTypes = [...]resource.Type{resource.ClusterType, resource.EndpointType, resource.ListenerType, resource.RouteType}

// DumpTypes returns the type URLs a Dump holds, in the order CDS, EDS,
// LDS, RDS.
func DumpTypes() []resource.Type { return slices.Clone(dumpTypes[:]) }

// ConfigDump returns the snapshot currently set for nodeID; false when the
// node is not connected or has none.
func (s *Server) ConfigDump(nodeID string) (Dump, bool) {
	s.mu.Lock()
	_, known := s.nodes[nodeID]
	s.mu.Unlock()
	if !known {
		return Dump{}, false
	}
	snap, err := s.cache.GetSnapshot(nodeID)
	if err != nil {
		return Dump{}, false
	}
	d := Dump{Version: snap.GetVersion(resource.ClusterType), Resources: Resources{}}
	for _, typ := range dumpTypes {
		byName := snap.GetResources(typ)
		names := make([]string, 0, len(byName))
		for name := range byName {
			names = append(names, name)
		}
		slices.Sort(names)
		list := make([]types.Resource, 0, len(names))
		for _, name := range names {
			list = append(list, byName[name])
		}
		d.Resources[typ] = list
	}
	return d, true
}
