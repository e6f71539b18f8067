package route

//lint:file-ignore SA1019 the proxy must accept every form of route config a control plane may send, deprecated fields included.
import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// defaultMaxDirectResponseBody is Envoy's default for
// max_direct_response_body_size_bytes.
const defaultMaxDirectResponseBody = 4096

// Compile validates rc and translates it into a Table. All problems are
// reported together, each as a *FieldError wrapping ErrUnsupported or
// ErrInvalid; the result is joined with errors.Join.
func Compile(rc *routev3.RouteConfiguration) (*Table, error) {
	if rc == nil {
		return nil, fmt.Errorf("route configuration: nil: %w", ErrInvalid)
	}
	c := &compiler{}
	c.only("", rc, "name", "virtual_hosts", "internal_only_headers",
		"response_headers_to_add", "response_headers_to_remove",
		"request_headers_to_add", "request_headers_to_remove",
		"most_specific_header_mutations_wins", "validate_clusters",
		"max_direct_response_body_size_bytes", "request_mirror_policies",
		"ignore_port_in_host_matching", "vhost_header", "typed_per_filter_config", "metadata")

	g := &scope{
		mostSpecificWins: rc.GetMostSpecificHeaderMutationsWins(),
		maxBody:          defaultMaxDirectResponseBody,
		perFilter:        c.perFilter("typed_per_filter_config", rc.GetTypedPerFilterConfig(), nil),
		mirrors:          c.mirrors("request_mirror_policies", rc.GetRequestMirrorPolicies()),
	}
	if m := rc.GetMaxDirectResponseBodySizeBytes(); m != nil {
		g.maxBody = int(m.GetValue())
	}
	g.global.req = c.headerOps("", rc.GetRequestHeadersToAdd(), "request_headers_to_add", rc.GetRequestHeadersToRemove(), "request_headers_to_remove")
	g.global.resp = c.headerOps("", rc.GetResponseHeadersToAdd(), "response_headers_to_add", rc.GetResponseHeadersToRemove(), "response_headers_to_remove")

	t := &Table{
		Name:                rc.GetName(),
		InternalOnlyHeaders: slices.Clone(rc.GetInternalOnlyHeaders()),
		exact:               map[string]*VirtualHost{},
		ignorePort:          rc.GetIgnorePortInHostMatching(),
	}
	if h := rc.GetVhostHeader(); h != "" {
		if strings.HasPrefix(h, ":") {
			c.fail("vhost_header", ErrUnsupported, "pseudo-header %q", h)
		}
		t.vhostHeader = canonicalKey(h)
	}
	suffixes := map[int]map[string]*VirtualHost{}
	prefixes := map[int]map[string]*VirtualHost{}
	owner := map[string]string{}
	names := map[string]bool{}
	clusters := map[string]bool{}
	for i, pvh := range rc.GetVirtualHosts() {
		p := fmt.Sprintf("virtual_hosts[%d]", i)
		c.vhost = pvh.GetName()
		if names[pvh.GetName()] {
			c.fail(p+".name", ErrInvalid, "duplicate virtual host name %q", pvh.GetName())
		}
		names[pvh.GetName()] = true
		vh := c.virtualHost(p, pvh, g, clusters)
		t.VirtualHosts = append(t.VirtualHosts, vh)
		if len(pvh.GetDomains()) == 0 {
			c.fail(p+".domains", ErrInvalid, "at least one domain is required")
		}
		for j, d := range pvh.GetDomains() {
			d = strings.ToLower(d)
			if o, dup := owner[d]; dup {
				c.fail(fmt.Sprintf("%s.domains[%d]", p, j), ErrInvalid, "duplicate domain %q (also in virtual host %q)", d, o)
				continue
			}
			owner[d] = pvh.GetName()
			switch {
			case d == "*":
				t.any = vh
			case len(d) > 1 && d[0] == '*':
				addWildcard(suffixes, d[1:], vh)
			case len(d) > 1 && d[len(d)-1] == '*':
				addWildcard(prefixes, d[:len(d)-1], vh)
			default:
				t.exact[d] = vh
			}
		}
	}
	c.vhost = ""
	t.suffixes = wildcardSets(suffixes)
	t.prefixes = wildcardSets(prefixes)
	for _, m := range g.mirrors {
		clusters[m.Cluster] = true
	}
	for name := range clusters {
		t.clusters = append(t.clusters, name)
	}
	sort.Strings(t.clusters)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return t, nil
}

func addWildcard(m map[int]map[string]*VirtualHost, key string, vh *VirtualHost) {
	if m[len(key)] == nil {
		m[len(key)] = map[string]*VirtualHost{}
	}
	m[len(key)][key] = vh
}

func wildcardSets(m map[int]map[string]*VirtualHost) []wildcardSet {
	var out []wildcardSet
	for n, hosts := range m {
		out = append(out, wildcardSet{n: n, hosts: hosts})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n > out[j].n })
	return out
}

type compiler struct {
	errs  []error
	vhost string
}

func (c *compiler) fail(path string, kind error, format string, args ...any) {
	err := kind
	if format != "" {
		err = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), kind)
	}
	c.errs = append(c.errs, &FieldError{Path: path, VirtualHost: c.vhost, Err: err})
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// only reports every populated field of m not in allowed as unsupported.
func (c *compiler) only(path string, m proto.Message, allowed ...string) {
	rm := m.ProtoReflect()
	if !rm.IsValid() {
		return
	}
	var bad []string
	rm.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		if !slices.Contains(allowed, string(fd.Name())) {
			bad = append(bad, string(fd.Name()))
		}
		return true
	})
	sort.Strings(bad)
	for _, f := range bad {
		c.fail(join(path, f), ErrUnsupported, "")
	}
}

func (c *compiler) duration(path string, d *durationpb.Duration) time.Duration {
	if err := d.CheckValid(); err != nil {
		c.fail(path, ErrInvalid, "%v", err)
		return 0
	}
	v := d.AsDuration()
	if v < 0 {
		c.fail(path, ErrInvalid, "negative duration %v", v)
		return 0
	}
	return v
}

// scope holds what a virtual host or route inherits from the levels above.
type scope struct {
	mostSpecificWins bool
	maxBody          int
	global, vhost    headerLevel
	perFilter        map[string]*anypb.Any
	mirrors          []MirrorPolicy
	retry            *RetryPolicy
	cors             *CorsPolicy
}

type headerLevel struct{ req, resp []HeaderOp }

// merge orders header mutation levels (most specific first) as Envoy
// applies them: most specific first by default, so that less specific
// levels win; reversed with most_specific_header_mutations_wins.
func (s *scope) merge(levels ...[]HeaderOp) []HeaderOp {
	var out []HeaderOp
	if s.mostSpecificWins {
		for i := len(levels) - 1; i >= 0; i-- {
			out = append(out, levels[i]...)
		}
		return out
	}
	for _, l := range levels {
		out = append(out, l...)
	}
	return out
}

func (c *compiler) virtualHost(p string, in *routev3.VirtualHost, g *scope, clusters map[string]bool) *VirtualHost {
	c.only(p, in, "name", "domains", "routes", "request_headers_to_add", "request_headers_to_remove",
		"response_headers_to_add", "response_headers_to_remove", "cors", "typed_per_filter_config",
		"include_request_attempt_count", "include_attempt_count_in_response", "retry_policy",
		"request_mirror_policies", "metadata")
	vh := &VirtualHost{
		Name:                          in.GetName(),
		Domains:                       slices.Clone(in.GetDomains()),
		IncludeRequestAttemptCount:    in.GetIncludeRequestAttemptCount(),
		IncludeAttemptCountInResponse: in.GetIncludeAttemptCountInResponse(),
	}
	s := *g
	s.vhost.req = c.headerOps(p, in.GetRequestHeadersToAdd(), "request_headers_to_add", in.GetRequestHeadersToRemove(), "request_headers_to_remove")
	s.vhost.resp = c.headerOps(p, in.GetResponseHeadersToAdd(), "response_headers_to_add", in.GetResponseHeadersToRemove(), "response_headers_to_remove")
	s.perFilter = c.perFilter(join(p, "typed_per_filter_config"), in.GetTypedPerFilterConfig(), g.perFilter)
	if in.GetRequestMirrorPolicies() != nil {
		s.mirrors = c.mirrors(join(p, "request_mirror_policies"), in.GetRequestMirrorPolicies())
	}
	if in.GetRetryPolicy() != nil {
		s.retry = c.retryPolicy(join(p, "retry_policy"), in.GetRetryPolicy())
	}
	if in.GetCors() != nil {
		s.cors = c.cors(join(p, "cors"), in.GetCors())
	}
	for i, r := range in.GetRoutes() {
		rt := c.route(fmt.Sprintf("%s.routes[%d]", p, i), r, &s, clusters)
		rt.Index = i
		vh.Routes = append(vh.Routes, rt)
	}
	return vh
}

func (c *compiler) perFilter(p string, in map[string]*anypb.Any, parent map[string]*anypb.Any) map[string]*anypb.Any {
	if len(in) == 0 {
		return parent
	}
	out := make(map[string]*anypb.Any, len(parent)+len(in))
	for k, v := range parent {
		out[k] = v
	}
	for k, v := range in {
		if v == nil || v.GetTypeUrl() == "" {
			c.fail(fmt.Sprintf("%s[%q]", p, k), ErrInvalid, "empty config")
			continue
		}
		out[k] = v
	}
	return out
}

func (c *compiler) route(p string, in *routev3.Route, s *scope, clusters map[string]bool) *Route {
	c.only(p, in, "name", "match", "route", "redirect", "direct_response", "metadata", "decorator",
		"typed_per_filter_config", "request_headers_to_add", "request_headers_to_remove",
		"response_headers_to_add", "response_headers_to_remove", "stat_prefix")
	rt := &Route{Name: in.GetName()}
	if d := in.GetDecorator(); d != nil {
		c.only(join(p, "decorator"), d, "operation", "propagate")
		rt.Operation = d.GetOperation()
	}
	if in.GetMatch() == nil {
		c.fail(join(p, "match"), ErrInvalid, "required")
	} else {
		rt.match = c.routeMatch(join(p, "match"), in.GetMatch())
	}
	rt.perFilter = c.perFilter(join(p, "typed_per_filter_config"), in.GetTypedPerFilterConfig(), s.perFilter)
	req := c.headerOps(p, in.GetRequestHeadersToAdd(), "request_headers_to_add", in.GetRequestHeadersToRemove(), "request_headers_to_remove")
	resp := c.headerOps(p, in.GetResponseHeadersToAdd(), "response_headers_to_add", in.GetResponseHeadersToRemove(), "response_headers_to_remove")
	rt.RequestHeaders = s.merge(req, s.vhost.req, s.global.req)
	rt.ResponseHeaders = s.merge(resp, s.vhost.resp, s.global.resp)

	switch a := in.GetAction().(type) {
	case *routev3.Route_Route:
		rt.Action = ActionForward
		c.routeAction(join(p, "route"), a.Route, rt, s, req, resp, clusters)
	case *routev3.Route_Redirect:
		rt.Action = ActionRedirect
		rt.Redirect = c.redirect(join(p, "redirect"), a.Redirect)
	case *routev3.Route_DirectResponse:
		rt.Action = ActionDirectResponse
		rt.DirectResponse = c.directResponse(join(p, "direct_response"), a.DirectResponse, s.maxBody)
	case nil:
		c.fail(join(p, "action"), ErrInvalid, "one of route, redirect or direct_response is required")
	}
	return rt
}

func (c *compiler) routeMatch(p string, in *routev3.RouteMatch) routeMatch {
	c.only(p, in, "prefix", "path", "safe_regex", "path_separated_prefix", "case_sensitive",
		"runtime_fraction", "headers", "query_parameters")
	m := routeMatch{caseSensitive: true}
	if cs := in.GetCaseSensitive(); cs != nil {
		m.caseSensitive = cs.GetValue()
	}
	switch ps := in.GetPathSpecifier().(type) {
	case *routev3.RouteMatch_Prefix:
		m.kind, m.path = pathPrefix, ps.Prefix
	case *routev3.RouteMatch_Path:
		m.kind, m.path = pathExact, ps.Path
	case *routev3.RouteMatch_PathSeparatedPrefix:
		m.kind, m.path = pathSeparatedPrefix, ps.PathSeparatedPrefix
		if strings.ContainsAny(m.path, "?#") || strings.HasSuffix(m.path, "/") {
			c.fail(join(p, "path_separated_prefix"), ErrInvalid, "must not contain '?' or '#' or end with '/'")
		}
	case *routev3.RouteMatch_SafeRegex:
		m.kind = pathRegex
		m.re = c.regex(join(p, "safe_regex"), ps.SafeRegex)
	case nil:
		c.fail(p, ErrInvalid, "one of prefix, path, safe_regex or path_separated_prefix is required")
	}
	for i, h := range in.GetHeaders() {
		m.headers = append(m.headers, c.headerMatcher(fmt.Sprintf("%s.headers[%d]", p, i), h))
	}
	for i, q := range in.GetQueryParameters() {
		m.query = append(m.query, c.queryMatcher(fmt.Sprintf("%s.query_parameters[%d]", p, i), q))
	}
	if rf := in.GetRuntimeFraction(); rf != nil {
		m.fraction = c.runtimeFraction(join(p, "runtime_fraction"), rf)
	}
	return m
}

func (c *compiler) runtimeFraction(p string, in *corev3.RuntimeFractionalPercent) *Fraction {
	// runtime_key names an override in Envoy's runtime, which Sail does not
	// have: the default value always applies.
	c.only(p, in, "default_value", "runtime_key")
	return c.fraction(join(p, "default_value"), in.GetDefaultValue())
}

func (c *compiler) fraction(p string, in *typev3.FractionalPercent) *Fraction {
	f := &Fraction{Numerator: uint64(in.GetNumerator())}
	switch in.GetDenominator() {
	case typev3.FractionalPercent_HUNDRED:
		f.Denominator = 100
	case typev3.FractionalPercent_TEN_THOUSAND:
		f.Denominator = 10_000
	case typev3.FractionalPercent_MILLION:
		f.Denominator = 1_000_000
	default:
		c.fail(join(p, "denominator"), ErrInvalid, "unknown denominator %d", in.GetDenominator())
		f.Denominator = 100
	}
	return f
}

func (c *compiler) regex(p string, in *matcherv3.RegexMatcher) *regexp.Regexp {
	c.only(p, in, "google_re2", "regex")
	if in.GetRegex() == "" {
		c.fail(join(p, "regex"), ErrInvalid, "empty regex")
		return regexp.MustCompile(`^$`)
	}
	re, err := regexp.Compile(`^(?:` + in.GetRegex() + `)$`)
	if err != nil {
		c.fail(join(p, "regex"), ErrInvalid, "%v", err)
		return regexp.MustCompile(`^$`)
	}
	return re
}

func (c *compiler) stringMatcher(p string, in *matcherv3.StringMatcher) *StringMatcher {
	c.only(p, in, "exact", "prefix", "suffix", "safe_regex", "contains", "ignore_case")
	m := &StringMatcher{ignoreCase: in.GetIgnoreCase()}
	nonEmpty := func(field, v string) {
		if v == "" {
			c.fail(join(p, field), ErrInvalid, "must not be empty")
		}
	}
	switch mp := in.GetMatchPattern().(type) {
	case *matcherv3.StringMatcher_Exact:
		m.kind, m.value = strExact, mp.Exact
	case *matcherv3.StringMatcher_Prefix:
		m.kind, m.value = strPrefix, mp.Prefix
		nonEmpty("prefix", mp.Prefix)
	case *matcherv3.StringMatcher_Suffix:
		m.kind, m.value = strSuffix, mp.Suffix
		nonEmpty("suffix", mp.Suffix)
	case *matcherv3.StringMatcher_Contains:
		m.kind, m.value = strContains, mp.Contains
		nonEmpty("contains", mp.Contains)
	case *matcherv3.StringMatcher_SafeRegex:
		m.kind = strRegex
		m.re = c.regex(join(p, "safe_regex"), mp.SafeRegex)
	case *matcherv3.StringMatcher_Custom:
		// reported by only
	case nil:
		c.fail(p, ErrInvalid, "one of exact, prefix, suffix, contains or safe_regex is required")
	}
	if m.ignoreCase {
		m.value = strings.ToLower(m.value)
	}
	return m
}

func (c *compiler) headerMatcher(p string, in *routev3.HeaderMatcher) headerMatcher {
	c.only(p, in, "name", "exact_match", "safe_regex_match", "range_match", "present_match",
		"prefix_match", "suffix_match", "contains_match", "string_match", "invert_match",
		"treat_missing_header_as_empty")
	h := headerMatcher{invert: in.GetInvertMatch(), missingIsEmpty: in.GetTreatMissingHeaderAsEmpty()}
	name := strings.ToLower(in.GetName())
	switch name {
	case "":
		c.fail(join(p, "name"), ErrInvalid, "required")
	case ":method":
		h.source = hdrMethod
	case ":authority", "host":
		h.source = hdrAuthority
	case ":scheme":
		h.source = hdrScheme
	case ":path":
		h.source = hdrPath
	default:
		if strings.HasPrefix(name, ":") {
			c.fail(join(p, "name"), ErrUnsupported, "pseudo-header %q", name)
		}
		h.key = canonicalKey(name)
	}
	str := func(kind stringKind, field, v string) {
		if v == "" {
			c.fail(join(p, field), ErrInvalid, "must not be empty")
		}
		h.kind, h.str = hdrString, StringMatcher{kind: kind, value: v}
	}
	switch s := in.GetHeaderMatchSpecifier().(type) {
	case nil:
		h.kind, h.present = hdrPresent, true // Envoy: no specifier = present
	case *routev3.HeaderMatcher_ExactMatch:
		if s.ExactMatch == "" {
			h.kind = hdrAnyValue
		} else {
			h.kind, h.str = hdrString, StringMatcher{kind: strExact, value: s.ExactMatch}
		}
	case *routev3.HeaderMatcher_PrefixMatch:
		str(strPrefix, "prefix_match", s.PrefixMatch)
	case *routev3.HeaderMatcher_SuffixMatch:
		str(strSuffix, "suffix_match", s.SuffixMatch)
	case *routev3.HeaderMatcher_ContainsMatch:
		str(strContains, "contains_match", s.ContainsMatch)
	case *routev3.HeaderMatcher_SafeRegexMatch:
		h.kind, h.str = hdrString, StringMatcher{kind: strRegex, re: c.regex(join(p, "safe_regex_match"), s.SafeRegexMatch)}
	case *routev3.HeaderMatcher_StringMatch:
		h.kind, h.str = hdrString, *c.stringMatcher(join(p, "string_match"), s.StringMatch)
	case *routev3.HeaderMatcher_PresentMatch:
		h.kind, h.present = hdrPresent, s.PresentMatch
	case *routev3.HeaderMatcher_RangeMatch:
		h.kind, h.start, h.end = hdrRange, s.RangeMatch.GetStart(), s.RangeMatch.GetEnd()
		if h.start >= h.end {
			c.fail(join(p, "range_match"), ErrInvalid, "start %d must be less than end %d", h.start, h.end)
		}
	}
	return h
}

func (c *compiler) queryMatcher(p string, in *routev3.QueryParameterMatcher) queryMatcher {
	c.only(p, in, "name", "string_match", "present_match")
	q := queryMatcher{name: in.GetName(), present: true}
	if q.name == "" {
		c.fail(join(p, "name"), ErrInvalid, "required")
	}
	if sm := in.GetStringMatch(); sm != nil {
		q.present = false
		q.str = c.stringMatcher(join(p, "string_match"), sm)
	}
	return q
}
