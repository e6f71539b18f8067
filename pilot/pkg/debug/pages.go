package debug

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pilot/pkg/xds"
	"github.com/sailmesh/sail/pkg/config"
)

// typeVersions is one xDS type of one proxy on /debug/adsz.
type typeVersions struct {
	Type  string `json:"type"`
	Sent  string `json:"sent"`
	Acked string `json:"acked"`
}

// adsProxy is one proxy on /debug/adsz.
type adsProxy struct {
	NodeID         string                  `json:"nodeID"`
	ProxyType      string                  `json:"proxyType"`
	IPAddresses    []string                `json:"ipAddresses"`
	Namespace      string                  `json:"namespace"`
	ConnectedSince time.Time               `json:"connectedSince"`
	Versions       map[string]typeVersions `json:"versions"` // by type URL
	Nacks          int                     `json:"nacks"`
	LastNack       *lastNack               `json:"lastNack,omitempty"`
}

type lastNack struct {
	Type    string    `json:"type"`
	Version string    `json:"version"`
	Error   string    `json:"error"`
	Time    time.Time `json:"time"`
}

func (s *Server) adsz(w http.ResponseWriter, _ *http.Request) {
	proxies := s.deps.XDS.Proxies()
	out := make([]adsProxy, 0, len(proxies))
	for _, p := range proxies {
		ap := adsProxy{
			NodeID:         p.NodeID,
			ProxyType:      string(p.Proxy.Type),
			IPAddresses:    p.Proxy.IPAddresses,
			Namespace:      p.Proxy.Namespace,
			ConnectedSince: p.ConnectedSince.UTC(),
			Versions:       map[string]typeVersions{},
			Nacks:          p.Nack.Count,
		}
		for url, ts := range p.Types {
			ap.Versions[url] = typeVersions{Type: xds.TypeName(url), Sent: ts.Sent, Acked: ts.Acked}
		}
		if p.Nack.Count > 0 {
			ap.LastNack = &lastNack{Type: xds.TypeName(p.Nack.TypeURL), Version: p.Nack.Version, Error: p.Nack.Error, Time: p.Nack.Time.UTC()}
		}
		out = append(out, ap)
	}
	s.writeJSON(w, http.StatusOK, out)
}

// syncType is one xDS type of one proxy on /debug/syncz.
type syncType struct {
	Type   string `json:"type"`
	Sent   string `json:"sent"`
	Acked  string `json:"acked"`
	InSync bool   `json:"inSync"`
}

// syncProxy is one proxy on /debug/syncz.
type syncProxy struct {
	NodeID string     `json:"nodeID"`
	InSync bool       `json:"inSync"`
	Types  []syncType `json:"types"` // sorted by type URL
}

func (s *Server) syncz(w http.ResponseWriter, _ *http.Request) {
	proxies := s.deps.XDS.Proxies()
	out := make([]syncProxy, 0, len(proxies))
	for _, p := range proxies {
		sp := syncProxy{NodeID: p.NodeID, InSync: len(p.Types) > 0, Types: []syncType{}}
		urls := make([]string, 0, len(p.Types))
		for url := range p.Types {
			urls = append(urls, url)
		}
		slices.Sort(urls)
		for _, url := range urls {
			ts := p.Types[url]
			sp.Types = append(sp.Types, syncType{Type: xds.TypeName(url), Sent: ts.Sent, Acked: ts.Acked, InSync: ts.InSync()})
			sp.InSync = sp.InSync && ts.InSync()
		}
		out = append(out, sp)
	}
	s.writeJSON(w, http.StatusOK, out)
}

// configObject is one object on /debug/configz.
type configObject struct {
	Kind            string          `json:"kind"`
	APIVersion      string          `json:"apiVersion"`
	Namespace       string          `json:"namespace,omitempty"`
	Name            string          `json:"name"`
	ResourceVersion string          `json:"resourceVersion"`
	Spec            json.RawMessage `json:"spec"`
}

func (s *Server) configz(w http.ResponseWriter, _ *http.Request) {
	var objs []*config.Object
	for _, k := range s.deps.Configs.Kinds() {
		list, err := s.deps.Configs.List(config.GroupKind{Group: k.Group, Kind: k.Kind}, "")
		if err != nil {
			s.writeError(w, http.StatusInternalServerError, fmt.Sprintf("list %s: %v", k.Kind, err))
			return
		}
		objs = append(objs, list...)
	}
	slices.SortFunc(objs, func(a, b *config.Object) int {
		return cmp.Or(cmp.Compare(a.GVK.Group, b.GVK.Group), cmp.Compare(a.GVK.Kind, b.GVK.Kind),
			cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	out := make([]configObject, 0, len(objs))
	for _, o := range objs {
		spec, err := protoJSON(o.Spec)
		if err != nil {
			s.writeError(w, http.StatusInternalServerError, fmt.Sprintf("%s: %v", o, err))
			return
		}
		out = append(out, configObject{
			Kind: o.GVK.Kind, APIVersion: o.GVK.APIVersion(), Namespace: o.Namespace, Name: o.Name,
			ResourceVersion: o.ResourceVersion, Spec: spec,
		})
	}
	s.writeJSON(w, http.StatusOK, out)
}

// port is one service port on /debug/registryz.
type port struct {
	Name     string `json:"name,omitempty"`
	Number   uint32 `json:"number"`
	Protocol string `json:"protocol"`
}

// service is one service on /debug/registryz.
type service struct {
	Hostname     string   `json:"hostname"`
	Namespace    string   `json:"namespace"`
	Address      string   `json:"address,omitempty"`
	Ports        []port   `json:"ports"`
	Resolution   string   `json:"resolution"`
	MeshExternal bool     `json:"meshExternal"`
	ExportTo     []string `json:"exportTo,omitempty"`
	Instances    int      `json:"instances"`
}

func (s *Server) registryz(w http.ResponseWriter, _ *http.Request) {
	svcs := s.deps.Registry.Services()
	slices.SortFunc(svcs, func(a, b *model.Service) int {
		return cmp.Or(cmp.Compare(a.Hostname, b.Hostname), cmp.Compare(a.Namespace, b.Namespace))
	})
	out := make([]service, 0, len(svcs))
	for _, svc := range svcs {
		o := service{
			Hostname: svc.Hostname, Namespace: svc.Namespace, Address: svc.Address, Ports: []port{},
			Resolution: svc.Resolution.String(), MeshExternal: svc.MeshExternal, ExportTo: svc.ExportTo,
			Instances: len(s.deps.Registry.Instances(svc.Hostname, 0)),
		}
		for _, p := range svc.Ports {
			o.Ports = append(o.Ports, port{Name: p.Name, Number: p.Number, Protocol: string(p.Protocol)})
		}
		out = append(out, o)
	}
	s.writeJSON(w, http.StatusOK, out)
}

// configDump is /debug/config_dump for one proxy.
type configDump struct {
	NodeID    string            `json:"nodeID"`
	Version   string            `json:"version"`
	Clusters  []json.RawMessage `json:"clusters"`
	Endpoints []json.RawMessage `json:"endpoints"`
	Listeners []json.RawMessage `json:"listeners"`
	Routes    []json.RawMessage `json:"routes"`
}

func (s *Server) configDump(w http.ResponseWriter, r *http.Request) {
	nodeID := r.URL.Query().Get("proxyID")
	if nodeID == "" {
		s.writeError(w, http.StatusBadRequest, "proxyID is required: /debug/config_dump?proxyID=<node ID> (see /debug/adsz)")
		return
	}
	d, ok := s.deps.XDS.ConfigDump(nodeID)
	if !ok {
		s.writeError(w, http.StatusNotFound, fmt.Sprintf("proxy %q is not connected (see /debug/adsz)", nodeID))
		return
	}
	out := configDump{NodeID: nodeID, Version: d.Version}
	lists := []*[]json.RawMessage{&out.Clusters, &out.Endpoints, &out.Listeners, &out.Routes}
	for i, typ := range xds.DumpTypes() {
		*lists[i] = []json.RawMessage{}
		for _, res := range d.Resources[typ] {
			b, err := protoJSON(res)
			if err != nil {
				s.writeError(w, http.StatusInternalServerError, fmt.Sprintf("%s: %v", typ, err))
				return
			}
			*lists[i] = append(*lists[i], b)
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}

// protoJSON renders m as protojson; encoding/json compacts it again, so
// the page's bytes do not depend on protojson's unstable whitespace.
func protoJSON(m proto.Message) (json.RawMessage, error) {
	if m == nil {
		return json.RawMessage("null"), nil
	}
	return protojson.Marshal(m)
}

// errorBody is the JSON of every error.
type errorBody struct {
	Error string `json:"error"`
}

func (s *Server) writeError(w http.ResponseWriter, code int, msg string) {
	s.writeJSON(w, code, errorBody{Error: msg})
}

func (s *Server) writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		code = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintf(&buf, "{\"error\": %q}\n", err.Error())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.deps.Logger.Debug("debug page write failed", "err", err)
	}
}
