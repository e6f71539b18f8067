package serviceentry

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/spiffe"
)

// index is one immutable snapshot of the registry.
type index struct {
	services  []*model.Service // sorted by hostname
	byHost    map[string]*model.Service
	instances map[string][]*model.Instance // by hostname, sorted
	byIP      map[string][]*model.Instance // by endpoint address, sorted
	// conflicts lists "host: kept ns/name, ignored ns/name" for hosts
	// declared more than once.
	conflicts []string
}

func emptyIndex() *index {
	return &index{byHost: map[string]*model.Service{}, instances: map[string][]*model.Instance{}, byIP: map[string][]*model.Instance{}}
}

// entry is one host of one ServiceEntry.
type entry struct {
	obj  *config.Object
	spec *networking.ServiceEntry
	host string
}

func olderFirst(a, b *config.Object) int {
	return cmp.Or(a.CreationTimestamp.Compare(b.CreationTimestamp),
		cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
}

// build converts ServiceEntry and WorkloadEntry objects into an index.
// Objects of the wrong spec type are skipped.
func build(serviceEntries, workloadEntries []*config.Object, trustDomain string) *index {
	idx := emptyIndex()

	ses := slices.Clone(serviceEntries)
	slices.SortStableFunc(ses, olderFirst)
	var entries []entry
	owner := map[string]*config.Object{}
	for _, obj := range ses {
		spec, ok := obj.Spec.(*networking.ServiceEntry)
		if !ok {
			continue
		}
		for _, host := range spec.GetHosts() {
			if prev, taken := owner[host]; taken {
				if prev != obj {
					idx.conflicts = append(idx.conflicts, host+": kept "+prev.Namespace+"/"+prev.Name+
						", ignored "+obj.Namespace+"/"+obj.Name)
				}
				continue
			}
			owner[host] = obj
			entries = append(entries, entry{obj: obj, spec: spec, host: host})
		}
	}

	vips := allocateVIPs(vipRequests(entries), explicitAddresses(entries))

	wesByNS := map[string][]*config.Object{}
	for _, we := range workloadEntries {
		if _, ok := we.Spec.(*networking.WorkloadEntry); ok {
			wesByNS[we.Namespace] = append(wesByNS[we.Namespace], we)
		}
	}

	for _, e := range entries {
		svc, insts := convert(e, vips[vipKey(e.obj.Namespace, e.host)], wesByNS[e.obj.Namespace], trustDomain)
		idx.services = append(idx.services, svc)
		idx.byHost[svc.Hostname] = svc
		if len(insts) > 0 {
			idx.instances[svc.Hostname] = insts
		}
		for _, in := range insts {
			idx.byIP[in.Endpoint.Address] = append(idx.byIP[in.Endpoint.Address], in)
		}
	}
	slices.SortFunc(idx.services, func(a, b *model.Service) int { return cmp.Compare(a.Hostname, b.Hostname) })
	for _, list := range idx.byIP {
		slices.SortFunc(list, func(a, b *model.Instance) int {
			return cmp.Or(cmp.Compare(a.Service.Hostname, b.Service.Hostname), compareInstances(a, b))
		})
	}
	return idx
}

func compareInstances(a, b *model.Instance) int {
	return cmp.Or(cmp.Compare(a.ServicePort.Number, b.ServicePort.Number),
		cmp.Compare(a.Endpoint.Address, b.Endpoint.Address),
		cmp.Compare(a.Endpoint.Port, b.Endpoint.Port),
		cmp.Compare(a.Endpoint.UID, b.Endpoint.UID))
}

// workload is one endpoint source: an inline endpoint or a WorkloadEntry.
type workload struct {
	spec   *networking.WorkloadEntry
	labels map[string]string
	uid    string
}

func convert(e entry, vip string, wes []*config.Object, trustDomain string) (*model.Service, []*model.Instance) {
	ns := e.obj.Namespace
	spec := e.spec
	svc := &model.Service{
		Hostname:     e.host,
		Namespace:    ns,
		MeshExternal: spec.GetLocation() == networking.ServiceEntry_MESH_EXTERNAL,
		Resolution:   resolution(spec.GetResolution()),
		Attributes:   model.Attributes{Name: e.host, Namespace: ns, Labels: maps.Clone(e.obj.Labels)},
	}
	if addrs := spec.GetAddresses(); len(addrs) > 0 {
		svc.Address = addrs[0]
	} else {
		svc.Address = vip
	}
	for _, p := range spec.GetPorts() {
		proto := model.ProtocolFromPortName(p.GetName())
		if p.GetProtocol() != "" {
			proto = model.ParseProtocol(p.GetProtocol())
		}
		svc.Ports = append(svc.Ports, model.Port{Name: p.GetName(), Number: p.GetNumber(), Protocol: proto})
	}
	slices.SortStableFunc(svc.Ports, func(a, b model.Port) int { return cmp.Compare(a.Number, b.Number) })
	svc.ExportTo = exportTo(spec.GetExportTo(), ns)

	var workloads []workload
	for _, ep := range spec.GetEndpoints() {
		workloads = append(workloads, workload{spec: ep, labels: ep.GetLabels()})
	}
	if sel := spec.GetWorkloadSelector(); sel != nil {
		for _, we := range wes {
			labels := workloadLabels(we)
			if matches(sel.GetLabels(), labels) {
				workloads = append(workloads, workload{spec: we.Spec.(*networking.WorkloadEntry), labels: labels,
					uid: "kubernetes://" + we.Name + "." + we.Namespace})
			}
		}
	}

	accounts := map[string]bool{}
	for _, san := range spec.GetSubjectAltNames() {
		accounts[san] = true
	}
	for _, w := range workloads {
		if sa := w.spec.GetServiceAccount(); sa != "" {
			accounts[spiffe.ID{TrustDomain: trustDomain, Namespace: ns, ServiceAccount: sa}.String()] = true
		}
	}
	if len(accounts) > 0 {
		svc.ServiceAccounts = slices.Sorted(maps.Keys(accounts))
	}

	var insts []*model.Instance
	for _, p := range spec.GetPorts() {
		port, _ := svc.GetPortByNumber(p.GetNumber())
		for _, w := range workloads {
			target := p.GetNumber()
			if p.GetTargetPort() != 0 {
				target = p.GetTargetPort()
			}
			if t, ok := w.spec.GetPorts()[p.GetName()]; ok && t != 0 {
				target = t
			}
			insts = append(insts, &model.Instance{Service: svc, ServicePort: port, Endpoint: model.Endpoint{
				Address:        w.spec.GetAddress(),
				Port:           target,
				Labels:         maps.Clone(w.labels),
				ServiceAccount: w.spec.GetServiceAccount(),
				Locality:       w.spec.GetLocality(),
				UID:            w.uid,
				Weight:         w.spec.GetWeight(),
			}})
		}
		if len(workloads) == 0 && svc.Resolution == model.DNSLB && !strings.HasPrefix(e.host, "*") {
			insts = append(insts, &model.Instance{Service: svc, ServicePort: port,
				Endpoint: model.Endpoint{Address: e.host, Port: p.GetNumber()}})
		}
	}
	slices.SortFunc(insts, compareInstances)
	return svc, insts
}

// workloadLabels are a WorkloadEntry's spec labels, or its metadata labels
// when the spec has none.
func workloadLabels(we *config.Object) map[string]string {
	if l := we.Spec.(*networking.WorkloadEntry).GetLabels(); len(l) > 0 {
		return l
	}
	return we.Labels
}

// matches reports whether every selector label is in labels; an empty
// selector matches everything, as in Kubernetes.
func matches(selector, labels map[string]string) bool {
	for k, v := range selector {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func resolution(r networking.ServiceEntry_Resolution) model.Resolution {
	switch r {
	case networking.ServiceEntry_NONE:
		return model.Passthrough
	case networking.ServiceEntry_STATIC:
		return model.ClientSideLB
	}
	return model.DNSLB // DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS
}

// exportTo resolves "." to ns, dedupes and sorts; empty stays empty (the
// mesh default: public).
func exportTo(in []string, ns string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, e := range in {
		if e == "." {
			e = ns
		}
		out = append(out, e)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func vipKey(ns, host string) string { return ns + "/" + host }

func vipRequests(entries []entry) []vipRequest {
	var reqs []vipRequest
	for _, e := range entries {
		if len(e.spec.GetAddresses()) > 0 || e.spec.GetResolution() == networking.ServiceEntry_NONE ||
			strings.HasPrefix(e.host, "*") {
			continue
		}
		reqs = append(reqs, vipRequest{key: vipKey(e.obj.Namespace, e.host), created: e.obj.CreationTimestamp})
	}
	return reqs
}

func explicitAddresses(entries []entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.spec.GetAddresses()...)
	}
	return out
}
