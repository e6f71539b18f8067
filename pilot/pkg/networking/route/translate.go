package route

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// translateVirtualService turns a VirtualService's http[] routes into the
// routes of one service's virtual host, as Istio 1.1 did:
//
//   - each match block of an http route becomes one Envoy route, in
//     order (Envoy ORs them by trying each); an http route without match
//     blocks is one catch-all route;
//   - match blocks that cannot apply to this sidecar are dropped first:
//     sourceLabels not all among the proxy's labels, gateways not naming
//     "mesh", a port other than this one, a sourceNamespace other than
//     the proxy's. An http route whose blocks are all dropped yields no
//     route (it does not become a catch-all);
//   - generation stops after a catch-all route, since Envoy would never
//     reach the routes behind it;
//   - http routes with neither route nor redirect (delegate,
//     directResponse) are skipped: Sail does not support them yet.
//
// A VirtualService without a catch-all leaves unmatched requests to
// Envoy's 404, as Istio 1.1 did.
func translateVirtualService(in Inputs, svcs []*model.Service, proxy *model.Proxy, vs *boundVS, port uint32) ([]*routev3.Route, error) {
	byHost := make(map[string]*model.Service, len(svcs))
	for _, s := range svcs {
		if _, dup := byHost[s.Hostname]; !dup {
			byHost[s.Hostname] = s
		}
	}
	b := &builder{in: in, byHost: byHost, ns: vs.obj.Namespace, port: port,
		name: vs.obj.Name + "." + vs.obj.Namespace}
	var out []*routev3.Route
	for i, h := range vs.spec.GetHttp() {
		matches, ok := applicableMatches(h.GetMatch(), proxy, port)
		if !ok {
			continue
		}
		tmpl, err := b.route(h)
		if err != nil {
			return nil, fmt.Errorf("virtual service %s/%s http[%d]: %w", vs.obj.Namespace, vs.obj.Name, i, err)
		}
		if tmpl == nil {
			continue
		}
		if len(matches) == 0 {
			tmpl.Match = &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}}
			return append(out, tmpl), nil
		}
		for _, m := range matches {
			r := proto.Clone(tmpl).(*routev3.Route)
			r.Match = translateMatch(m)
			out = append(out, r)
			if isCatchAll(m) {
				return out, nil
			}
		}
	}
	return out, nil
}

// applicableMatches returns the match blocks that apply to the proxy on
// port; ok is false when there were blocks and none applies.
func applicableMatches(ms []*networking.HTTPMatchRequest, proxy *model.Proxy, port uint32) (out []*networking.HTTPMatchRequest, ok bool) {
	if len(ms) == 0 {
		return nil, true
	}
	for _, m := range ms {
		if !boundToMesh(m.GetGateways()) || !labelsMatch(m.GetSourceLabels(), proxy.Labels) {
			continue
		}
		if (m.GetPort() != 0 && m.GetPort() != port) || (m.GetSourceNamespace() != "" && m.GetSourceNamespace() != proxy.Namespace) {
			continue
		}
		out = append(out, m)
	}
	return out, len(out) > 0
}

// labelsMatch reports whether every label of selector has the same value
// in labels.
func labelsMatch(selector, labels map[string]string) bool {
	for k, v := range selector {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// isCatchAll reports whether a match block matches every request: no
// condition but a uri prefix "/" or a regex "*" or ".*" (Istio 1.1's
// isCatchAllMatch, which looked at headers and query parameters only;
// Sail also counts method, authority, scheme and withoutHeaders as
// conditions).
func isCatchAll(m *networking.HTTPMatchRequest) bool {
	if len(m.GetHeaders()) > 0 || len(m.GetWithoutHeaders()) > 0 || len(m.GetQueryParams()) > 0 ||
		m.GetMethod() != nil || m.GetAuthority() != nil || m.GetScheme() != nil {
		return false
	}
	return isAnyPath(m.GetUri())
}

func isAnyPath(u *networking.StringMatch) bool {
	switch t := u.GetMatchType().(type) {
	case nil:
		return true
	case *networking.StringMatch_Prefix:
		return t.Prefix == "/" || t.Prefix == ""
	case *networking.StringMatch_Regex:
		return t.Regex == "*" || t.Regex == ".*"
	}
	return false
}

// translateMatch turns one match block into an Envoy RouteMatch. Headers
// and query parameters are sorted by name; method, authority and scheme
// come first as the pseudo-headers :method, :authority, :scheme.
func translateMatch(m *networking.HTTPMatchRequest) *routev3.RouteMatch {
	out := &routev3.RouteMatch{}
	switch t := m.GetUri().GetMatchType().(type) {
	case *networking.StringMatch_Exact:
		out.PathSpecifier = &routev3.RouteMatch_Path{Path: t.Exact}
	case *networking.StringMatch_Prefix:
		out.PathSpecifier = &routev3.RouteMatch_Prefix{Prefix: cmp.Or(t.Prefix, "/")}
	case *networking.StringMatch_Regex:
		if isAnyPath(m.GetUri()) {
			out.PathSpecifier = &routev3.RouteMatch_Prefix{Prefix: "/"}
		} else {
			out.PathSpecifier = &routev3.RouteMatch_SafeRegex{SafeRegex: regex(t.Regex)}
		}
	default:
		out.PathSpecifier = &routev3.RouteMatch_Prefix{Prefix: "/"}
	}
	if m.GetIgnoreUriCase() {
		out.CaseSensitive = wrapperspb.Bool(false)
	}
	for _, ph := range []struct {
		name string
		sm   *networking.StringMatch
	}{{":method", m.GetMethod()}, {":authority", m.GetAuthority()}, {":scheme", m.GetScheme()}} {
		if ph.sm != nil {
			out.Headers = append(out.Headers, headerMatcher(ph.name, ph.sm, false))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.GetHeaders())) {
		out.Headers = append(out.Headers, headerMatcher(name, m.GetHeaders()[name], false))
	}
	for _, name := range slices.Sorted(maps.Keys(m.GetWithoutHeaders())) {
		out.Headers = append(out.Headers, headerMatcher(name, m.GetWithoutHeaders()[name], true))
	}
	for _, name := range slices.Sorted(maps.Keys(m.GetQueryParams())) {
		qm := &routev3.QueryParameterMatcher{Name: name}
		if sm := stringMatcher(m.GetQueryParams()[name]); sm != nil {
			qm.QueryParameterMatchSpecifier = &routev3.QueryParameterMatcher_StringMatch{StringMatch: sm}
		} else {
			qm.QueryParameterMatchSpecifier = &routev3.QueryParameterMatcher_PresentMatch{PresentMatch: true}
		}
		out.QueryParameters = append(out.QueryParameters, qm)
	}
	return out
}

// headerMatcher matches a header with sm; an empty prefix or regex (which
// Envoy refuses) and an empty match mean the header must be present.
func headerMatcher(name string, sm *networking.StringMatch, invert bool) *routev3.HeaderMatcher {
	hm := &routev3.HeaderMatcher{Name: name, InvertMatch: invert}
	if s := stringMatcher(sm); s != nil {
		hm.HeaderMatchSpecifier = &routev3.HeaderMatcher_StringMatch{StringMatch: s}
	} else {
		hm.HeaderMatchSpecifier = &routev3.HeaderMatcher_PresentMatch{PresentMatch: true}
	}
	return hm
}
