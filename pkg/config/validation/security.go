package validation

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	security "istio.io/api/security/v1beta1"
	typev1beta1 "istio.io/api/type/v1beta1"
)

func checkWorkloadSelector(e *errs, p path, ws *typev1beta1.WorkloadSelector) {
	if ws == nil {
		return
	}
	checkSelectorLabels(e, p.field("matchLabels"), ws.MatchLabels)
}

// checkTargets checks the ways a policy picks its workloads: a selector, a
// targetRef or targetRefs, at most one of them.
func checkTargets(e *errs, p path, ws *typev1beta1.WorkloadSelector, ref *typev1beta1.PolicyTargetReference, refs []*typev1beta1.PolicyTargetReference) {
	set := 0
	if ws != nil {
		set++
	}
	if ref != nil {
		set++
	}
	if len(refs) > 0 {
		set++
	}
	if set > 1 {
		e.add(p, "selector, targetRef and targetRefs are mutually exclusive: use one")
	}
	checkWorkloadSelector(e, p.field("selector"), ws)
	checkTargetRef := func(rp path, r *typev1beta1.PolicyTargetReference) {
		if r.Name == "" {
			e.add(rp.field("name"), "targetRef name is required")
		}
		if r.Namespace != "" {
			e.add(rp.field("namespace"), "targetRef cannot name another namespace")
		}
		if r.Kind == "" {
			e.add(rp.field("kind"), "targetRef kind is required (e.g. Service)")
		}
	}
	if ref != nil {
		checkTargetRef(p.field("targetRef"), ref)
	}
	for i, r := range refs {
		if r != nil {
			checkTargetRef(p.field("targetRefs").index(i), r)
		}
	}
}

func checkPeerAuthentication(e *errs, p path, pa *security.PeerAuthentication) {
	checkWorkloadSelector(e, p.field("selector"), pa.Selector)
	if len(pa.PortLevelMtls) > 0 && len(pa.Selector.GetMatchLabels()) == 0 {
		e.add(p.field("portLevelMtls"), "portLevelMtls needs a selector with matchLabels: port numbers mean something only for selected workloads")
	}
	if pa.PortLevelMtls != nil && len(pa.PortLevelMtls) == 0 {
		e.add(p.field("portLevelMtls"), "portLevelMtls is empty: give at least one port or remove it")
	}
	for port, m := range pa.PortLevelMtls {
		pp := path(fmt.Sprintf("%s[%d]", p.field("portLevelMtls"), port))
		e.addIf(pp, portProblem(port))
		if m == nil {
			e.add(pp, "port %d has no mtls settings: give a mode", port)
		}
	}
}

func checkRequestAuthentication(e *errs, p path, ra *security.RequestAuthentication) {
	checkTargets(e, p, ra.Selector, ra.TargetRef, ra.TargetRefs)
	issuers := map[string]int{}
	for i, r := range ra.JwtRules {
		rp := p.field("jwtRules").index(i)
		if r == nil {
			e.add(rp, "jwt rule is empty")
			continue
		}
		checkJWTRule(e, rp, r)
		if r.Issuer != "" {
			if prev, dup := issuers[r.Issuer]; dup {
				e.add(rp.field("issuer"), "issuer %q already has a rule in jwtRules[%d]", r.Issuer, prev)
			} else {
				issuers[r.Issuer] = i
			}
		}
	}
}

func checkJWTRule(e *errs, p path, r *security.JWTRule) {
	if r.Issuer == "" && r.JwksUri == "" {
		e.add(p.field("issuer"), "issuer is empty: set the issuer the tokens carry (iss), e.g. \"https://accounts.example.com\"")
	}
	for i, a := range r.Audiences {
		if a == "" {
			e.add(p.field("audiences").index(i), "audience is empty")
		}
	}
	if r.JwksUri != "" {
		e.addIf(p.field("jwksUri"), jwksURIProblem(r.JwksUri))
	}
	if r.Jwks != "" {
		if r.JwksUri != "" {
			e.add(p.field("jwks"), "jwks and jwksUri are mutually exclusive: give the keys inline or where to fetch them, not both")
		}
		var keys struct {
			Keys []json.RawMessage `json:"keys"`
			Kty  string            `json:"kty"`
		}
		if err := json.Unmarshal([]byte(r.Jwks), &keys); err != nil {
			e.add(p.field("jwks"), "jwks is not valid JSON: %v", err)
		} else if len(keys.Keys) == 0 && keys.Kty == "" {
			e.add(p.field("jwks"), "jwks holds no keys: give a JSON Web Key Set ({\"keys\": [...]})")
		}
	}
	for i, h := range r.FromHeaders {
		hp := p.field("fromHeaders").index(i)
		if h == nil || h.Name == "" {
			e.add(hp.field("name"), "header name is empty")
			continue
		}
		e.addIf(hp.field("name"), matchHeaderProblem(h.Name))
	}
	for i, q := range r.FromParams {
		if q == "" {
			e.add(p.field("fromParams").index(i), "query parameter name is empty")
		}
	}
	for i, c := range r.FromCookies {
		if c == "" {
			e.add(p.field("fromCookies").index(i), "cookie name is empty")
		}
	}
	if r.OutputPayloadToHeader != "" {
		e.addIf(p.field("outputPayloadToHeader"), strictHeaderProblem(r.OutputPayloadToHeader))
	}
	for i, c := range r.OutputClaimToHeaders {
		cp := p.field("outputClaimToHeaders").index(i)
		if c == nil || c.Header == "" || c.Claim == "" {
			e.add(cp, "outputClaimToHeaders needs both header and claim")
			continue
		}
		e.addIf(cp.field("header"), strictHeaderProblem(c.Header))
	}
	checkDuration(e, p.field("timeout"), r.Timeout)
}

func jwksURIProblem(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("jwksUri %q is not a valid URL: %v", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Sprintf("jwksUri %q must be an http:// or https:// URL", s)
	}
	if u.Hostname() == "" {
		return fmt.Sprintf("jwksUri %q has no host", s)
	}
	if port := u.Port(); port != "" {
		if n, ok := portString(port); !ok || portProblem(n) != "" {
			return fmt.Sprintf("jwksUri %q has an invalid port %q", s, port)
		}
	}
	return ""
}

func checkAuthorizationPolicy(e *errs, p path, ap *security.AuthorizationPolicy) {
	checkTargets(e, p, ap.Selector, ap.TargetRef, ap.TargetRefs)
	provider := ap.GetProvider()
	switch ap.Action {
	case security.AuthorizationPolicy_CUSTOM:
		if ap.Rules == nil {
			e.add(p.field("rules"), "a CUSTOM policy without rules never applies; add rules (an empty rule {} matches every request)")
		} else if provider.GetName() == "" {
			e.add(p.field("provider").field("name"), "action CUSTOM needs provider.name (an extension provider from the mesh config)")
		}
	case security.AuthorizationPolicy_DENY:
		if ap.Rules == nil {
			e.add(p.field("rules"), "a DENY policy without rules never applies; add rules (an empty rule {} matches every request)")
		}
	}
	if provider != nil && ap.Action != security.AuthorizationPolicy_CUSTOM {
		e.add(p.field("provider"), "provider is used only with action CUSTOM, not %s", ap.Action)
	}
	for i, r := range ap.Rules {
		rp := p.field("rules").index(i)
		if r == nil {
			e.add(rp, "rule is null; use {} to match every request")
			continue
		}
		checkAuthzRule(e, rp, r, ap.Action == security.AuthorizationPolicy_CUSTOM)
	}
}

func checkAuthzRule(e *errs, p path, r *security.Rule, custom bool) {
	if r.From != nil && len(r.From) == 0 {
		e.add(p.field("from"), "from is empty: remove it or give sources")
	}
	for i, f := range r.From {
		fp := p.field("from").index(i)
		if f == nil || f.Source == nil {
			e.add(fp.field("source"), "source is required")
			continue
		}
		checkSource(e, fp.field("source"), f.Source, custom)
	}
	if r.To != nil && len(r.To) == 0 {
		e.add(p.field("to"), "to is empty: remove it or give operations")
	}
	for i, t := range r.To {
		tp := p.field("to").index(i)
		if t == nil || t.Operation == nil {
			e.add(tp.field("operation"), "operation is required")
			continue
		}
		checkOperation(e, tp.field("operation"), t.Operation)
	}
	for i, c := range r.When {
		wp := p.field("when").index(i)
		if c == nil {
			e.add(wp, "condition is empty")
			continue
		}
		checkCondition(e, wp, c, custom)
	}
}

func nonEmptyValues(e *errs, p path, values []string) {
	for i, v := range values {
		if v == "" {
			e.add(p.index(i), "value is empty")
		}
	}
}

func checkSource(e *errs, p path, s *security.Source, custom bool) {
	if len(s.Principals)+len(s.NotPrincipals)+len(s.RequestPrincipals)+len(s.NotRequestPrincipals)+
		len(s.Namespaces)+len(s.NotNamespaces)+len(s.IpBlocks)+len(s.NotIpBlocks)+len(s.RemoteIpBlocks)+
		len(s.NotRemoteIpBlocks)+len(s.ServiceAccounts)+len(s.NotServiceAccounts) == 0 {
		e.add(p, "source is empty: give principals, requestPrincipals, namespaces, serviceAccounts or ipBlocks (or their not* forms)")
	}
	if len(s.ServiceAccounts)+len(s.NotServiceAccounts) > 0 && len(s.Principals)+len(s.NotPrincipals)+len(s.Namespaces)+len(s.NotNamespaces) > 0 {
		e.add(p.field("serviceAccounts"), "serviceAccounts cannot be combined with principals or namespaces")
	}
	for _, f := range []struct {
		name   string
		values []string
	}{
		{"principals", s.Principals}, {"notPrincipals", s.NotPrincipals},
		{"requestPrincipals", s.RequestPrincipals}, {"notRequestPrincipals", s.NotRequestPrincipals},
		{"namespaces", s.Namespaces}, {"notNamespaces", s.NotNamespaces},
		{"serviceAccounts", s.ServiceAccounts}, {"notServiceAccounts", s.NotServiceAccounts},
		{"trustDomains", s.TrustDomains}, {"notTrustDomains", s.NotTrustDomains},
	} {
		nonEmptyValues(e, p.field(f.name), f.values)
		if custom && len(f.values) > 0 && f.name != "trustDomains" && f.name != "notTrustDomains" {
			e.add(p.field(f.name), "%s is not supported with action CUSTOM", f.name)
		}
	}
	for i, sa := range append(append([]string(nil), s.ServiceAccounts...), s.NotServiceAccounts...) {
		name := "serviceAccounts"
		idx := i
		if i >= len(s.ServiceAccounts) {
			name, idx = "notServiceAccounts", i-len(s.ServiceAccounts)
		}
		if ns, acct, ok := strings.Cut(sa, "/"); sa != "" && (!ok || ns == "" || acct == "") {
			e.add(p.field(name).index(idx), "service account %q must be \"<namespace>/<name>\"", sa)
		}
	}
	for _, f := range []struct {
		name   string
		values []string
	}{
		{"ipBlocks", s.IpBlocks}, {"notIpBlocks", s.NotIpBlocks},
		{"remoteIpBlocks", s.RemoteIpBlocks}, {"notRemoteIpBlocks", s.NotRemoteIpBlocks},
	} {
		for i, v := range f.values {
			e.addIf(p.field(f.name).index(i), cidrProblem(v))
		}
	}
}

func checkOperation(e *errs, p path, o *security.Operation) {
	if len(o.Hosts)+len(o.NotHosts)+len(o.Ports)+len(o.NotPorts)+len(o.Methods)+len(o.NotMethods)+len(o.Paths)+len(o.NotPaths) == 0 {
		e.add(p, "operation is empty: give hosts, ports, methods or paths (or their not* forms)")
	}
	for _, f := range []struct {
		name   string
		values []string
	}{
		{"hosts", o.Hosts}, {"notHosts", o.NotHosts}, {"methods", o.Methods}, {"notMethods", o.NotMethods},
		{"paths", o.Paths}, {"notPaths", o.NotPaths},
	} {
		nonEmptyValues(e, p.field(f.name), f.values)
	}
	for _, f := range []struct {
		name   string
		values []string
	}{{"ports", o.Ports}, {"notPorts", o.NotPorts}} {
		for i, v := range f.values {
			e.addIf(p.field(f.name).index(i), portValueProblem(v))
		}
	}
}

func portValueProblem(v string) string {
	n, ok := portString(v)
	if !ok {
		return fmt.Sprintf("port %q is not a number: use a port between 1 and 65535", v)
	}
	return portProblem(n)
}

// Condition keys AuthorizationPolicy understands.
var conditionKeys = map[string]bool{
	"source.ip": true, "remote.ip": true, "source.namespace": true, "source.principal": true,
	"source.serviceAccount": true, "request.auth.principal": true, "request.auth.audiences": true,
	"request.auth.presenter": true, "destination.ip": true, "destination.port": true, "connection.sni": true,
}

// conditionMapKeys take a [key]: request.headers[User-Agent].
var conditionMapKeys = []string{"request.headers", "request.auth.claims", "experimental.envoy.filters."}

func checkCondition(e *errs, p path, c *security.Condition, custom bool) {
	kp := p.field("key")
	switch {
	case c.Key == "":
		e.add(kp, "key is empty: use e.g. request.headers[x-token], source.ip or request.auth.claims[groups]")
		return
	case conditionKeys[c.Key]:
	default:
		known := false
		for _, prefix := range conditionMapKeys {
			if strings.HasPrefix(c.Key, prefix) {
				known = true
				open := strings.Index(c.Key, "[")
				if open <= 0 || !strings.HasSuffix(c.Key, "]") || open >= len(c.Key)-2 {
					e.add(kp, "key %q needs a map key in brackets, e.g. %s[name]", c.Key, strings.TrimSuffix(prefix, "."))
				}
			}
		}
		if !known {
			e.add(kp, "unknown key %q: use request.headers[...], source.ip, remote.ip, source.namespace, source.principal, source.serviceAccount, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[...], destination.ip, destination.port or connection.sni", c.Key)
			return
		}
	}
	if custom && (c.Key == "source.namespace" || c.Key == "source.principal" || c.Key == "source.serviceAccount" || strings.HasPrefix(c.Key, "request.auth.")) {
		e.add(kp, "key %q is not supported with action CUSTOM", c.Key)
	}
	if len(c.Values) == 0 && len(c.NotValues) == 0 {
		e.add(p, "condition on %q needs values or notValues", c.Key)
	}
	for _, f := range []struct {
		name   string
		values []string
	}{{"values", c.Values}, {"notValues", c.NotValues}} {
		for i, v := range f.values {
			vp := p.field(f.name).index(i)
			switch c.Key {
			case "source.ip", "remote.ip", "destination.ip":
				e.addIf(vp, cidrProblem(v))
			case "destination.port":
				e.addIf(vp, portValueProblem(v))
			default:
				if v == "" {
					e.add(vp, "value is empty")
				}
			}
		}
	}
}
