package route

//lint:file-ignore SA1019 the proxy must accept every form of route config a control plane may send, deprecated fields included.
import (
	"fmt"
	"math"
	"net/textproto"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

func canonicalKey(name string) string { return textproto.CanonicalMIMEHeaderKey(name) }

// previousHostsPredicate names Envoy's previous_hosts retry host predicate.
const (
	previousHostsName    = "envoy.retry_host_predicates.previous_hosts"
	previousHostsTypeURL = "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"
)

// headerOps compiles one level's mutations: removals first, then
// additions, as Envoy's HeaderParser evaluates them.
func (c *compiler) headerOps(p string, add []*corev3.HeaderValueOption, addField string, remove []string, removeField string) []HeaderOp {
	var ops []HeaderOp
	for i, name := range remove {
		fp := fmt.Sprintf("%s[%d]", join(p, removeField), i)
		if c.checkHeaderName(fp, name) {
			ops = append(ops, HeaderOp{Action: HeaderRemove, Name: canonicalKey(name)})
		}
	}
	for i, hv := range add {
		fp := fmt.Sprintf("%s[%d]", join(p, addField), i)
		c.only(fp, hv, "header", "append", "append_action", "keep_empty_value")
		h := hv.GetHeader()
		c.only(join(fp, "header"), h, "key", "value", "raw_value")
		if !c.checkHeaderName(join(fp, "header.key"), h.GetKey()) {
			continue
		}
		value := h.GetValue()
		if len(h.GetRawValue()) > 0 {
			value = string(h.GetRawValue())
		}
		if strings.Contains(strings.ReplaceAll(value, "%%", ""), "%") {
			c.fail(join(fp, "header.value"), ErrUnsupported, "substitution format operators")
			continue
		}
		op := HeaderOp{Name: canonicalKey(h.GetKey()), Value: strings.ReplaceAll(value, "%%", "%"), KeepEmptyValue: hv.GetKeepEmptyValue()}
		switch {
		case hv.GetAppend() != nil && hv.GetAppendAction() != corev3.HeaderValueOption_APPEND_IF_EXISTS_OR_ADD:
			c.fail(fp, ErrInvalid, "both append and append_action are set")
		case hv.GetAppend() != nil && !hv.GetAppend().GetValue():
			op.Action = HeaderOverwrite
		default:
			switch hv.GetAppendAction() {
			case corev3.HeaderValueOption_APPEND_IF_EXISTS_OR_ADD:
				op.Action = HeaderAppend
			case corev3.HeaderValueOption_ADD_IF_ABSENT:
				op.Action = HeaderAddIfAbsent
			case corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD:
				op.Action = HeaderOverwrite
			case corev3.HeaderValueOption_OVERWRITE_IF_EXISTS:
				op.Action = HeaderOverwriteIfExists
			default:
				c.fail(join(fp, "append_action"), ErrInvalid, "unknown value %d", hv.GetAppendAction())
			}
		}
		ops = append(ops, op)
	}
	return ops
}

func (c *compiler) checkHeaderName(p, name string) bool {
	switch {
	case name == "":
		c.fail(p, ErrInvalid, "empty header name")
	case strings.HasPrefix(name, ":") || strings.EqualFold(name, "host"):
		c.fail(p, ErrInvalid, "%q may not be modified", name)
	default:
		return true
	}
	return false
}

func (c *compiler) mirrors(p string, in []*routev3.RouteAction_RequestMirrorPolicy) []MirrorPolicy {
	var out []MirrorPolicy
	for i, m := range in {
		fp := fmt.Sprintf("%s[%d]", p, i)
		c.only(fp, m, "cluster", "runtime_fraction", "trace_sampled", "disable_shadow_host_suffix_append", "host_rewrite_literal")
		mp := MirrorPolicy{
			Cluster:                       m.GetCluster(),
			DisableShadowHostSuffixAppend: m.GetDisableShadowHostSuffixAppend(),
			HostRewrite:                   m.GetHostRewriteLiteral(),
		}
		if mp.Cluster == "" {
			c.fail(join(fp, "cluster"), ErrInvalid, "required")
		}
		if rf := m.GetRuntimeFraction(); rf != nil {
			mp.Fraction = c.runtimeFraction(join(fp, "runtime_fraction"), rf)
		}
		if ts := m.GetTraceSampled(); ts != nil {
			v := ts.GetValue()
			mp.TraceSampled = &v
		}
		out = append(out, mp)
	}
	return out
}

func (c *compiler) retryPolicy(p string, in *routev3.RetryPolicy) *RetryPolicy {
	c.only(p, in, "retry_on", "num_retries", "per_try_timeout", "retriable_status_codes",
		"retry_host_predicate", "host_selection_retry_max_attempts", "retry_back_off")
	rp := &RetryPolicy{NumRetries: 1, HostSelectionMaxAttempts: in.GetHostSelectionRetryMaxAttempts()}
	for _, tok := range strings.Split(in.GetRetryOn(), ",") {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		bit, ok := parseRetryOnToken(tok)
		if !ok {
			c.fail(join(p, "retry_on"), ErrUnsupported, "retry condition %q", tok)
		}
		rp.RetryOn |= bit
	}
	if n := in.GetNumRetries(); n != nil {
		rp.NumRetries = n.GetValue()
	}
	if d := in.GetPerTryTimeout(); d != nil {
		rp.PerTryTimeout = c.duration(join(p, "per_try_timeout"), d)
	}
	rp.RetriableStatusCodes = append(rp.RetriableStatusCodes, in.GetRetriableStatusCodes()...)
	for i, hp := range in.GetRetryHostPredicate() {
		if hp.GetName() == previousHostsName || hp.GetTypedConfig().GetTypeUrl() == previousHostsTypeURL {
			rp.AvoidPreviousHosts = true
			continue
		}
		c.fail(fmt.Sprintf("%s.retry_host_predicate[%d]", p, i), ErrUnsupported, "predicate %q", hp.GetName())
	}
	if bo := in.GetRetryBackOff(); bo != nil {
		fp := join(p, "retry_back_off")
		c.only(fp, bo, "base_interval", "max_interval")
		rp.BackOffBase = c.duration(join(fp, "base_interval"), bo.GetBaseInterval())
		if rp.BackOffBase <= 0 {
			c.fail(join(fp, "base_interval"), ErrInvalid, "must be greater than zero")
		}
		rp.BackOffMax = 10 * rp.BackOffBase
		if bo.GetMaxInterval() != nil {
			rp.BackOffMax = c.duration(join(fp, "max_interval"), bo.GetMaxInterval())
			if rp.BackOffMax < rp.BackOffBase {
				c.fail(join(fp, "max_interval"), ErrInvalid, "must not be less than base_interval")
			}
		}
	}
	return rp
}

func (c *compiler) cors(p string, in *routev3.CorsPolicy) *CorsPolicy {
	c.only(p, in, "allow_origin_string_match", "allow_methods", "allow_headers", "expose_headers",
		"max_age", "allow_credentials", "filter_enabled", "shadow_enabled",
		"allow_private_network_access", "forward_not_matching_preflights")
	cp := &CorsPolicy{
		AllowMethods:  in.GetAllowMethods(),
		AllowHeaders:  in.GetAllowHeaders(),
		ExposeHeaders: in.GetExposeHeaders(),
		MaxAge:        in.GetMaxAge(),
	}
	for i, m := range in.GetAllowOriginStringMatch() {
		cp.AllowOrigins = append(cp.AllowOrigins, c.stringMatcher(fmt.Sprintf("%s.allow_origin_string_match[%d]", p, i), m))
	}
	boolp := func(v interface{ GetValue() bool }, isNil bool) *bool {
		if isNil {
			return nil
		}
		b := v.GetValue()
		return &b
	}
	cp.AllowCredentials = boolp(in.GetAllowCredentials(), in.GetAllowCredentials() == nil)
	cp.AllowPrivateNetworkAccess = boolp(in.GetAllowPrivateNetworkAccess(), in.GetAllowPrivateNetworkAccess() == nil)
	cp.ForwardNotMatchingPreflights = boolp(in.GetForwardNotMatchingPreflights(), in.GetForwardNotMatchingPreflights() == nil)
	if fe := in.GetFilterEnabled(); fe != nil {
		cp.Enabled = c.runtimeFraction(join(p, "filter_enabled"), fe)
	}
	if se := in.GetShadowEnabled(); se != nil {
		cp.ShadowEnabled = c.runtimeFraction(join(p, "shadow_enabled"), se)
	}
	return cp
}

func (c *compiler) routeAction(p string, in *routev3.RouteAction, rt *Route, s *scope, req, resp []HeaderOp, clusters map[string]bool) {
	c.only(p, in, "cluster", "weighted_clusters", "cluster_not_found_response_code", "prefix_rewrite",
		"host_rewrite_literal", "auto_host_rewrite", "timeout", "retry_policy", "request_mirror_policies",
		"hash_policy", "cors", "max_grpc_timeout", "grpc_timeout_offset", "upgrade_configs", "max_stream_duration")
	switch cs := in.GetClusterSpecifier().(type) {
	case *routev3.RouteAction_Cluster:
		if cs.Cluster == "" {
			c.fail(join(p, "cluster"), ErrInvalid, "required")
		}
		rt.Targets = []Target{{Cluster: cs.Cluster, Weight: 1, RequestHeaders: rt.RequestHeaders, ResponseHeaders: rt.ResponseHeaders}}
		rt.totalWeight = 1
	case *routev3.RouteAction_WeightedClusters:
		c.weightedClusters(join(p, "weighted_clusters"), cs.WeightedClusters, rt, s, req, resp)
	case nil:
		c.fail(p, ErrInvalid, "one of cluster or weighted_clusters is required")
	}
	for _, t := range rt.Targets {
		clusters[t.Cluster] = true
	}
	switch in.GetClusterNotFoundResponseCode() {
	case routev3.RouteAction_SERVICE_UNAVAILABLE:
		rt.ClusterNotFoundResponseCode = 503
	case routev3.RouteAction_NOT_FOUND:
		rt.ClusterNotFoundResponseCode = 404
	case routev3.RouteAction_INTERNAL_SERVER_ERROR:
		rt.ClusterNotFoundResponseCode = 500
	default:
		c.fail(join(p, "cluster_not_found_response_code"), ErrInvalid, "unknown value %d", in.GetClusterNotFoundResponseCode())
	}
	rt.PrefixRewrite = in.GetPrefixRewrite()
	rt.HostRewrite = in.GetHostRewriteLiteral()
	rt.AutoHostRewrite = in.GetAutoHostRewrite().GetValue()
	rt.Timeout = DefaultTimeout
	if d := in.GetTimeout(); d != nil {
		rt.Timeout = c.duration(join(p, "timeout"), d)
	}
	if d := in.GetMaxGrpcTimeout(); d != nil {
		v := c.duration(join(p, "max_grpc_timeout"), d)
		rt.MaxGrpcTimeout = &v
	}
	if d := in.GetGrpcTimeoutOffset(); d != nil {
		rt.GrpcTimeoutOffset = c.duration(join(p, "grpc_timeout_offset"), d)
	}
	if msd := in.GetMaxStreamDuration(); msd != nil {
		fp := join(p, "max_stream_duration")
		c.only(fp, msd, "max_stream_duration", "grpc_timeout_header_max", "grpc_timeout_header_offset")
		if d := msd.GetMaxStreamDuration(); d != nil {
			rt.MaxStreamDuration = c.duration(join(fp, "max_stream_duration"), d)
		}
		if d := msd.GetGrpcTimeoutHeaderMax(); d != nil {
			v := c.duration(join(fp, "grpc_timeout_header_max"), d)
			rt.MaxGrpcTimeout = &v
		}
		if d := msd.GetGrpcTimeoutHeaderOffset(); d != nil {
			rt.GrpcTimeoutOffset = c.duration(join(fp, "grpc_timeout_header_offset"), d)
		}
	}
	rt.Retry = s.retry
	if rp := in.GetRetryPolicy(); rp != nil {
		rt.Retry = c.retryPolicy(join(p, "retry_policy"), rp)
	}
	rt.Mirrors = s.mirrors
	if in.GetRequestMirrorPolicies() != nil {
		rt.Mirrors = c.mirrors(join(p, "request_mirror_policies"), in.GetRequestMirrorPolicies())
	}
	for _, m := range rt.Mirrors {
		clusters[m.Cluster] = true
	}
	rt.Cors = s.cors
	if cp := in.GetCors(); cp != nil {
		rt.Cors = c.cors(join(p, "cors"), cp)
	}
	for i, hp := range in.GetHashPolicy() {
		if h, ok := c.hashPolicy(fmt.Sprintf("%s.hash_policy[%d]", p, i), hp); ok {
			rt.HashPolicies = append(rt.HashPolicies, h)
		}
	}
	for i, u := range in.GetUpgradeConfigs() {
		fp := fmt.Sprintf("%s.upgrade_configs[%d]", p, i)
		c.only(fp, u, "upgrade_type", "enabled")
		if u.GetUpgradeType() == "" {
			c.fail(join(fp, "upgrade_type"), ErrInvalid, "required")
		}
		enabled := u.GetEnabled() == nil || u.GetEnabled().GetValue()
		rt.Upgrades = append(rt.Upgrades, UpgradeConfig{Type: strings.ToLower(u.GetUpgradeType()), Enabled: enabled})
	}
}

func (c *compiler) weightedClusters(p string, in *routev3.WeightedCluster, rt *Route, s *scope, req, resp []HeaderOp) {
	c.only(p, in, "clusters", "total_weight")
	var sum uint64
	for i, cw := range in.GetClusters() {
		fp := fmt.Sprintf("%s.clusters[%d]", p, i)
		c.only(fp, cw, "name", "weight", "request_headers_to_add", "request_headers_to_remove",
			"response_headers_to_add", "response_headers_to_remove", "host_rewrite_literal")
		if cw.GetName() == "" {
			c.fail(join(fp, "name"), ErrInvalid, "required")
		}
		creq := c.headerOps(fp, cw.GetRequestHeadersToAdd(), "request_headers_to_add", cw.GetRequestHeadersToRemove(), "request_headers_to_remove")
		cresp := c.headerOps(fp, cw.GetResponseHeadersToAdd(), "response_headers_to_add", cw.GetResponseHeadersToRemove(), "response_headers_to_remove")
		w := cw.GetWeight().GetValue()
		sum += uint64(w)
		rt.Targets = append(rt.Targets, Target{
			Cluster:         cw.GetName(),
			Weight:          w,
			HostRewrite:     cw.GetHostRewriteLiteral(),
			RequestHeaders:  s.merge(creq, req, s.vhost.req, s.global.req),
			ResponseHeaders: s.merge(cresp, resp, s.vhost.resp, s.global.resp),
		})
	}
	switch {
	case len(in.GetClusters()) == 0:
		c.fail(join(p, "clusters"), ErrInvalid, "at least one cluster is required")
	case sum == 0:
		c.fail(join(p, "clusters"), ErrInvalid, "total weight must be greater than zero")
	case sum > math.MaxUint32:
		c.fail(join(p, "clusters"), ErrInvalid, "total weight %d overflows 32 bits", sum)
	}
	if tw := in.GetTotalWeight(); tw != nil && uint64(tw.GetValue()) != sum {
		c.fail(join(p, "total_weight"), ErrInvalid, "%d is not the sum of the weights (%d)", tw.GetValue(), sum)
	}
	rt.totalWeight = max(sum, 1)
}

func (c *compiler) hashPolicy(p string, in *routev3.RouteAction_HashPolicy) (HashPolicy, bool) {
	c.only(p, in, "header", "cookie", "connection_properties", "query_parameter", "terminal")
	h := HashPolicy{Terminal: in.GetTerminal()}
	switch ps := in.GetPolicySpecifier().(type) {
	case *routev3.RouteAction_HashPolicy_Header_:
		c.only(join(p, "header"), ps.Header, "header_name")
		h.Kind, h.Name = HashHeader, canonicalKey(ps.Header.GetHeaderName())
		if ps.Header.GetHeaderName() == "" {
			c.fail(join(p, "header.header_name"), ErrInvalid, "required")
		}
	case *routev3.RouteAction_HashPolicy_Cookie_:
		fp := join(p, "cookie")
		c.only(fp, ps.Cookie, "name", "ttl", "path")
		h.Kind, h.Name, h.CookiePath = HashCookie, ps.Cookie.GetName(), ps.Cookie.GetPath()
		if h.Name == "" {
			c.fail(join(fp, "name"), ErrInvalid, "required")
		}
		if d := ps.Cookie.GetTtl(); d != nil {
			h.CookieTTL = c.duration(join(fp, "ttl"), d)
		}
	case *routev3.RouteAction_HashPolicy_ConnectionProperties_:
		c.only(join(p, "connection_properties"), ps.ConnectionProperties, "source_ip")
		if !ps.ConnectionProperties.GetSourceIp() {
			return h, false
		}
		h.Kind = HashSourceIP
	case *routev3.RouteAction_HashPolicy_QueryParameter_:
		c.only(join(p, "query_parameter"), ps.QueryParameter, "name")
		h.Kind, h.Name = HashQueryParameter, ps.QueryParameter.GetName()
		if h.Name == "" {
			c.fail(join(p, "query_parameter.name"), ErrInvalid, "required")
		}
	case nil:
		c.fail(p, ErrInvalid, "one of header, cookie, connection_properties or query_parameter is required")
		return h, false
	default:
		return h, false // reported by only
	}
	return h, true
}

func (c *compiler) redirect(p string, in *routev3.RedirectAction) *Redirect {
	c.only(p, in, "https_redirect", "scheme_redirect", "host_redirect", "port_redirect",
		"path_redirect", "prefix_rewrite", "response_code", "strip_query")
	r := &Redirect{Host: in.GetHostRedirect(), Port: in.GetPortRedirect(), StripQuery: in.GetStripQuery()}
	if in.GetHttpsRedirect() {
		r.Scheme = "https"
	}
	if s := in.GetSchemeRedirect(); s != "" {
		r.Scheme = strings.ToLower(s)
	}
	r.Path = in.GetPathRedirect()
	r.PrefixRewrite = in.GetPrefixRewrite()
	switch in.GetResponseCode() {
	case routev3.RedirectAction_MOVED_PERMANENTLY:
		r.Code = 301
	case routev3.RedirectAction_FOUND:
		r.Code = 302
	case routev3.RedirectAction_SEE_OTHER:
		r.Code = 303
	case routev3.RedirectAction_TEMPORARY_REDIRECT:
		r.Code = 307
	case routev3.RedirectAction_PERMANENT_REDIRECT:
		r.Code = 308
	default:
		c.fail(join(p, "response_code"), ErrInvalid, "unknown value %d", in.GetResponseCode())
	}
	return r
}

func (c *compiler) directResponse(p string, in *routev3.DirectResponseAction, maxBody int) *DirectResponse {
	c.only(p, in, "status", "body")
	d := &DirectResponse{Status: int(in.GetStatus())}
	if d.Status < 200 || d.Status > 599 {
		c.fail(join(p, "status"), ErrInvalid, "%d is not in [200, 599]", d.Status)
	}
	if b := in.GetBody(); b != nil {
		fp := join(p, "body")
		c.only(fp, b, "inline_bytes", "inline_string")
		switch {
		case b.GetInlineBytes() != nil:
			d.Body = append([]byte(nil), b.GetInlineBytes()...)
		default:
			d.Body = []byte(b.GetInlineString())
		}
		if len(d.Body) > maxBody {
			c.fail(fp, ErrInvalid, "%d bytes is more than the maximum %d", len(d.Body), maxBody)
		}
	}
	return d
}
