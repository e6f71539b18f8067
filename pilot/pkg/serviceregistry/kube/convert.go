package kube

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/spiffe"
)

// ExportToAnnotation on a Service lists, comma-separated, the namespaces it
// is visible in ("." is its own, "*" every one).
const ExportToAnnotation = "networking.istio.io/exportTo"

// The Node labels that give an endpoint's locality.
const (
	regionLabel = "topology.kubernetes.io/region"
	zoneLabel   = "topology.kubernetes.io/zone"
)

func (r *Registry) hostname(k key) string {
	return k.name + "." + k.namespace + ".svc." + r.opts.DomainSuffix
}

// build converts the Service k from the listers; nil when it does not
// exist. prev is the Service's current entry: an unchanged model.Service
// keeps its pointer.
func (r *Registry) build(k key, prev *entry) (*entry, error) {
	svc, err := r.services.Services(k.namespace).Get(k.name)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get service: %w", err)
	}
	s := convertService(svc, r.hostname(k))
	e := &entry{key: k, selector: maps.Clone(svc.Spec.Selector), pods: map[string]bool{}, nodes: map[string]bool{}}

	var eps []portEndpoint
	if s.Resolution == model.DNSLB {
		for _, p := range s.Ports {
			eps = append(eps, portEndpoint{p, model.Endpoint{Address: svc.Spec.ExternalName, Port: p.Number}})
		}
	} else {
		sel := labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: k.name})
		list, err := r.slices.EndpointSlices(k.namespace).List(sel)
		if err != nil {
			return nil, fmt.Errorf("list endpoint slices: %w", err)
		}
		// Lister order is random; keep the dedupe below deterministic.
		slices.SortFunc(list, func(a, b *discoveryv1.EndpointSlice) int { return cmp.Compare(a.Name, b.Name) })
		eps = r.endpoints(s, list, e)
	}

	accounts := map[string]bool{}
	for _, pe := range eps {
		if sa := pe.endpoint.ServiceAccount; sa != "" {
			accounts[spiffe.ID{TrustDomain: r.opts.TrustDomain, Namespace: k.namespace, ServiceAccount: sa}.String()] = true
		}
	}
	if len(accounts) > 0 {
		s.ServiceAccounts = sortedKeys(accounts)
	}
	if prev != nil && reflect.DeepEqual(prev.svc, s) {
		s = prev.svc
	}
	e.svc = s
	for _, pe := range eps {
		e.instances = append(e.instances, &model.Instance{Service: s, ServicePort: pe.port, Endpoint: pe.endpoint})
	}
	slices.SortFunc(e.instances, compareInstances)
	return e, nil
}

type portEndpoint struct {
	port     model.Port
	endpoint model.Endpoint
}

// endpoints are the ready endpoints of the slices in list, one per address and service
// port the slice names; it records the Pods and Nodes used in e. An
// address listed by several slices (as while one replaces another) counts
// once.
func (r *Registry) endpoints(s *model.Service, list []*discoveryv1.EndpointSlice, e *entry) []portEndpoint {
	type dedupe struct {
		port    uint32
		address string
		target  uint32
	}
	seen := map[dedupe]bool{}
	var out []portEndpoint
	for _, sl := range list {
		targets := map[string]uint32{}
		for _, p := range sl.Ports {
			if p.Port != nil {
				targets[deref(p.Name)] = uint32(*p.Port)
			}
		}
		for _, ep := range sl.Endpoints {
			if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
				continue
			}
			base := r.endpointMeta(s.Namespace, ep, e)
			for _, addr := range ep.Addresses {
				for _, sp := range s.Ports {
					target, ok := targets[sp.Name]
					if !ok {
						continue
					}
					d := dedupe{sp.Number, addr, target}
					if seen[d] {
						continue
					}
					seen[d] = true
					me := base
					me.Address, me.Port, me.Labels = addr, target, maps.Clone(base.Labels)
					out = append(out, portEndpoint{sp, me})
				}
			}
		}
	}
	return out
}

// endpointMeta fills an endpoint's labels, service account, UID and
// locality from its Pod and Node.
func (r *Registry) endpointMeta(ns string, ep discoveryv1.Endpoint, e *entry) model.Endpoint {
	var out model.Endpoint
	nodeName := deref(ep.NodeName)
	if ref := ep.TargetRef; ref != nil && ref.Kind == "Pod" {
		podNS := cmp.Or(ref.Namespace, ns)
		out.UID = "kubernetes://" + ref.Name + "." + podNS
		if podNS == ns {
			e.pods[ref.Name] = true
		}
		if pod, err := r.pods.Pods(podNS).Get(ref.Name); err == nil {
			out.Labels = pod.Labels
			out.ServiceAccount = pod.Spec.ServiceAccountName
			nodeName = cmp.Or(nodeName, pod.Spec.NodeName)
		}
	}
	if nodeName != "" {
		e.nodes[nodeName] = true
		if node, err := r.nodes.Get(nodeName); err == nil {
			out.Locality = locality(node)
		}
	}
	return out
}

func locality(n *corev1.Node) string {
	region, zone := n.Labels[regionLabel], n.Labels[zoneLabel]
	if region == "" && zone == "" {
		return ""
	}
	return region + "/" + zone
}

// convertService converts everything but the service accounts.
func convertService(svc *corev1.Service, host string) *model.Service {
	s := &model.Service{
		Hostname:   host,
		Namespace:  svc.Namespace,
		Address:    model.UnspecifiedIP,
		Resolution: model.ClientSideLB,
		ExportTo:   exportTo(svc.Annotations[ExportToAnnotation], svc.Namespace),
		Attributes: model.Attributes{Name: svc.Name, Namespace: svc.Namespace, Labels: maps.Clone(svc.Labels)},
	}
	if ip := svc.Spec.ClusterIP; ip != "" && ip != corev1.ClusterIPNone {
		s.Address = ip
	}
	if svc.Spec.Type == corev1.ServiceTypeExternalName && svc.Spec.ExternalName != "" {
		s.Address = model.UnspecifiedIP
		s.Resolution = model.DNSLB
		s.MeshExternal = true
	}
	for _, p := range svc.Spec.Ports {
		s.Ports = append(s.Ports, model.Port{Name: p.Name, Number: uint32(p.Port), Protocol: portProtocol(p)})
	}
	slices.SortStableFunc(s.Ports, func(a, b model.Port) int { return cmp.Compare(a.Number, b.Number) })
	return s
}

// portProtocol is UDP for a UDP port, else the appProtocol when set, else
// the protocol the port's name implies.
func portProtocol(p corev1.ServicePort) model.Protocol {
	if p.Protocol == corev1.ProtocolUDP {
		return model.UDP
	}
	if ap := deref(p.AppProtocol); ap != "" {
		if ap == "kubernetes.io/h2c" {
			return model.HTTP2
		}
		return model.ProtocolFromPortName(ap)
	}
	return model.ProtocolFromPortName(p.Name)
}

// exportTo parses the annotation's comma list, resolving "." to ns,
// deduped and sorted; empty means the mesh default (nil).
func exportTo(annotation, ns string) []string {
	set := map[string]bool{}
	for v := range strings.SplitSeq(annotation, ",") {
		v = strings.TrimSpace(v)
		switch v {
		case "":
			continue
		case ".":
			v = ns
		}
		set[v] = true
	}
	if len(set) == 0 {
		return nil
	}
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
