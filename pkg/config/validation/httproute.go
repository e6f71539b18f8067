package validation

//lint:file-ignore SA1019 Istio 1.1 users still write these deprecated fields, so validation must check them.
import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	networking "istio.io/api/networking/v1alpha3"
)

// This file holds the checks of a VirtualService's routes: matches,
// destinations and weights, and the per-route policies (timeouts, retries,
// faults, mirroring, CORS, rewrites, redirects, header operations).
func checkHTTPRoute(e *errs, p path, r *networking.HTTPRoute, inDelegate bool) {
	checkHTTPRouteConflicts(e, p, r, inDelegate)
	for i, m := range r.Match {
		mp := p.field("match").index(i)
		if m == nil {
			e.add(mp, "match is empty")
			continue
		}
		checkHTTPMatch(e, mp, m)
	}
	checkHTTPRouteDestinations(e, p.field("route"), r.Route)
	checkHeaders(e, p.field("headers"), r.Headers)
	if r.Timeout != nil {
		checkDuration(e, p.field("timeout"), r.Timeout)
	}
	checkRetries(e, p.field("retries"), r.Retries)
	checkFault(e, p.field("fault"), r.Fault)
	if r.Mirror != nil {
		checkDestination(e, p.field("mirror"), r.Mirror)
	}
	for i, m := range r.Mirrors {
		mp := p.field("mirrors").index(i)
		if m == nil || m.Destination == nil {
			e.add(mp.field("destination"), "a mirror needs a destination")
			continue
		}
		checkDestination(e, mp.field("destination"), m.Destination)
		if m.Percentage != nil {
			checkPercent(e, mp.field("percentage").field("value"), m.Percentage.Value)
		}
	}
	if r.MirrorPercentage != nil {
		checkPercent(e, p.field("mirrorPercentage").field("value"), r.MirrorPercentage.Value)
	}
	if mp := r.MirrorPercent; mp != nil && mp.Value > 100 { //nolint:staticcheck // deprecated but still accepted
		e.add(p.field("mirrorPercent"), "mirrorPercent %d is out of range: must be between 0 and 100", mp.Value)
	}
	checkCORS(e, p.field("corsPolicy"), r.CorsPolicy)
	checkRewrite(e, p.field("rewrite"), r.Rewrite)
	checkAuthorityRewrite(e, p, r)
	checkRedirect(e, p.field("redirect"), r.Redirect)
	if dr := r.DirectResponse; dr != nil {
		if dr.Status < 200 || dr.Status > 599 {
			e.add(p.field("directResponse").field("status"), "HTTP status %d is out of range: must be between 200 and 599", dr.Status)
		}
		if b := dr.Body; b != nil && len(b.GetString_())+len(b.GetBytes()) > 1<<20 {
			e.add(p.field("directResponse").field("body"), "body is larger than 1MB; serve large responses from a service")
		}
	}
	if d := r.Delegate; d != nil {
		dp := p.field("delegate")
		e.addIf(dp.field("name"), subdomainProblem("delegate name", d.Name))
		if d.Namespace != "" {
			e.addIf(dp.field("namespace"), labelProblem("delegate namespace", d.Namespace))
		}
	}
}

func checkHTTPRouteConflicts(e *errs, p path, r *networking.HTTPRoute, inDelegate bool) {
	if r.Delegate != nil {
		if inDelegate {
			e.add(p.field("delegate"), "a delegate VirtualService cannot delegate again")
		}
		if r.Redirect != nil {
			e.add(p.field("redirect"), "a route with delegate cannot also redirect")
		}
		if len(r.Route) > 0 {
			e.add(p.field("route"), "a route with delegate cannot also have route destinations")
		}
		return
	}
	if r.Mirror != nil && len(r.Mirrors) > 0 {
		e.add(p.field("mirrors"), "mirror and mirrors are mutually exclusive; move mirror into mirrors")
	}
	switch {
	case r.Redirect != nil:
		const why = "redirect answers the request itself"
		if len(r.Route) > 0 {
			e.add(p.field("route"), "route and redirect are mutually exclusive: %s", why)
		}
		if r.Fault != nil {
			e.add(p.field("fault"), "fault and redirect are mutually exclusive: %s", why)
		}
		if r.Rewrite != nil {
			e.add(p.field("rewrite"), "rewrite and redirect are mutually exclusive: %s", why)
		}
		if r.DirectResponse != nil {
			e.add(p.field("directResponse"), "directResponse and redirect are mutually exclusive")
		}
	case r.DirectResponse != nil:
		const why = "directResponse answers the request itself"
		if len(r.Route) > 0 {
			e.add(p.field("route"), "route and directResponse are mutually exclusive: %s", why)
		}
		if r.Fault != nil {
			e.add(p.field("fault"), "fault and directResponse are mutually exclusive: %s", why)
		}
		if r.Rewrite != nil {
			e.add(p.field("rewrite"), "rewrite and directResponse are mutually exclusive: %s", why)
		}
	case len(r.Route) == 0:
		e.add(p.field("route"), "an http route needs route destinations, a redirect, a directResponse or a delegate")
	}
}

func checkHTTPMatch(e *errs, p path, m *networking.HTTPMatchRequest) {
	// An empty uri prefix is allowed (it matches everything, as in Envoy);
	// scheme, method and authority matches must say something.
	checkStringMatch(e, p.field("uri"), m.Uri, true)
	checkStringMatch(e, p.field("scheme"), m.Scheme, false)
	checkStringMatch(e, p.field("method"), m.Method, false)
	checkStringMatch(e, p.field("authority"), m.Authority, false)
	for _, k := range sortedKeys(m.Headers) {
		hp := p.field("headers").key(k)
		e.addIf(hp, matchHeaderProblem(k))
		checkStringMatch(e, hp, m.Headers[k], false)
	}
	for _, k := range sortedKeys(m.WithoutHeaders) {
		hp := p.field("withoutHeaders").key(k)
		e.addIf(hp, matchHeaderProblem(k))
		if sm := m.WithoutHeaders[k]; sm.GetRegex() != "*" { // "*" means "present"
			checkStringMatch(e, hp, sm, false)
		}
	}
	for _, k := range sortedKeys(m.QueryParams) {
		qp := p.field("queryParams").key(k)
		if k == "" {
			e.add(qp, "query parameter name is empty")
		}
		checkStringMatch(e, qp, m.QueryParams[k], false)
	}
	if m.Port != 0 {
		e.addIf(p.field("port"), portProblem(m.Port))
	}
	checkLabels(e, p.field("sourceLabels"), m.SourceLabels)
	for i, g := range m.Gateways {
		e.addIf(p.field("gateways").index(i), gatewayNameProblem(g))
	}
	if m.SourceNamespace != "" {
		e.addIf(p.field("sourceNamespace"), labelProblem("sourceNamespace", m.SourceNamespace))
	}
}

// checkStringMatch checks an exact/prefix/regex match. Regexes are RE2, as
// in Envoy, and at most 1024 characters long.
func checkStringMatch(e *errs, p path, sm *networking.StringMatch, allowEmptyPrefix bool) {
	if sm == nil {
		return
	}
	switch m := sm.MatchType.(type) {
	case *networking.StringMatch_Prefix:
		if m.Prefix == "" && !allowEmptyPrefix {
			e.add(p.field("prefix"), "prefix is empty; remove the match or give a prefix")
		}
	case *networking.StringMatch_Regex:
		checkRegex(e, p.field("regex"), m.Regex)
	}
}

func checkRegex(e *errs, p path, re string) {
	switch {
	case re == "":
		e.add(p, "regex is empty; remove the match or give a regular expression")
	case len(re) > 1024:
		e.add(p, "regex is %d characters long; at most 1024 are allowed", len(re))
	default:
		if _, err := regexp.Compile(re); err != nil {
			why := err.Error()
			var se *syntax.Error
			if errors.As(err, &se) {
				why = se.Code.String()
			}
			e.add(p, "invalid regular expression %q: %s (Envoy uses RE2 syntax: https://github.com/google/re2/wiki/Syntax)", re, why)
		}
	}
}

func checkHTTPRouteDestinations(e *errs, p path, dests []*networking.HTTPRouteDestination) {
	total := int64(0)
	for i, d := range dests {
		dp := p.index(i)
		if d == nil || d.Destination == nil {
			e.add(dp.field("destination"), "destination is required")
		} else {
			checkDestination(e, dp.field("destination"), d.Destination)
		}
		if d == nil {
			continue
		}
		checkWeight(e, dp.field("weight"), d.Weight)
		total += int64(d.Weight)
		checkHeaders(e, dp.field("headers"), d.Headers)
	}
	checkWeightSum(e, p, len(dests), total)
}

func checkRouteDestinations(e *errs, p path, dests []*networking.RouteDestination) {
	total := int64(0)
	for i, d := range dests {
		dp := p.index(i)
		if d == nil || d.Destination == nil {
			e.add(dp.field("destination"), "destination is required")
		} else {
			checkDestination(e, dp.field("destination"), d.Destination)
		}
		if d == nil {
			continue
		}
		checkWeight(e, dp.field("weight"), d.Weight)
		total += int64(d.Weight)
	}
	checkWeightSum(e, p, len(dests), total)
}

func checkWeight(e *errs, p path, w int32) {
	if w < 0 || w > 100 {
		e.add(p, "weight %d is out of range: must be between 0 and 100", w)
	}
}

// checkWeightSum applies the classic rule: a single destination may omit
// its weight, several must share exactly 100.
func checkWeightSum(e *errs, p path, n int, total int64) {
	if n > 1 && total != 100 {
		e.add(p, "destination weights add up to %d: with more than one destination the weights must add up to 100", total)
	}
}

func checkDestination(e *errs, p path, d *networking.Destination) {
	if d.Host == "*" {
		e.add(p.field("host"), "host \"*\" is not a destination: name one service")
	} else {
		e.addIf(p.field("host"), wildcardHostProblem(d.Host))
	}
	if d.Subset != "" {
		e.addIf(p.field("subset"), labelProblem("subset name", d.Subset))
	}
	if d.Port != nil {
		e.addIf(p.field("port").field("number"), portProblem(d.Port.Number))
	}
}

func checkHeaders(e *errs, p path, h *networking.Headers) {
	if h == nil {
		return
	}
	ops := func(op path, o *networking.Headers_HeaderOperations, request bool) {
		if o == nil {
			return
		}
		for _, k := range sortedKeys(o.Set) {
			e.addIf(op.field("set").key(k), headerOpProblem(k, request))
			e.addIf(op.field("set").key(k), headerValueProblem(o.Set[k]))
		}
		for _, k := range sortedKeys(o.Add) {
			e.addIf(op.field("add").key(k), headerOpProblem(k, request))
			e.addIf(op.field("add").key(k), headerValueProblem(o.Add[k]))
		}
		for i, k := range o.Remove {
			e.addIf(op.field("remove").index(i), headerOpProblem(k, false))
		}
	}
	ops(p.field("request"), h.Request, true)
	ops(p.field("response"), h.Response, false)
}

// headerValueProblem rejects control characters and unbalanced '%': Envoy
// reads %NAME% as a variable and %% as a literal percent sign.
func headerValueProblem(v string) string {
	for _, r := range v {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return fmt.Sprintf("header value %q contains a control character", v)
		}
	}
	rest := v
	for {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			return ""
		}
		rest = rest[i+1:]
		if strings.HasPrefix(rest, "%") {
			rest = rest[1:]
			continue
		}
		j := strings.IndexByte(rest, '%')
		if j <= 0 {
			return fmt.Sprintf("header value %q has an unbalanced '%%': write %%%% for a literal percent sign or %%VARIABLE%% for a proxy variable", v)
		}
		rest = rest[j+1:]
	}
}

// retryOnPolicies are the conditions Envoy's x-envoy-retry-on and
// x-envoy-retry-grpc-on accept.
var retryOnPolicies = map[string]bool{
	"5xx": true, "gateway-error": true, "reset": true, "reset-before-request": true,
	"connect-failure": true, "retriable-4xx": true, "refused-stream": true,
	"retriable-status-codes": true, "retriable-headers": true, "envoy-ratelimited": true,
	"http3-post-connect-failure": true,
	"cancelled":                  true, "deadline-exceeded": true, "internal": true,
	"resource-exhausted": true, "unavailable": true,
}

func checkRetries(e *errs, p path, r *networking.HTTPRetry) {
	if r == nil {
		return
	}
	if r.Attempts < 0 {
		e.add(p.field("attempts"), "attempts %d is negative: use 0 to disable retries", r.Attempts)
	}
	if r.Attempts == 0 && (r.PerTryTimeout != nil || r.RetryOn != "" || r.RetryRemoteLocalities != nil) {
		e.add(p.field("attempts"), "attempts is 0, which disables retries, but other retry settings are given: set attempts or remove them")
	}
	checkDuration(e, p.field("perTryTimeout"), r.PerTryTimeout)
	checkDuration(e, p.field("backoff"), r.Backoff)
	if r.RetryOn != "" {
		for _, cond := range strings.Split(r.RetryOn, ",") {
			cond = strings.TrimSpace(cond)
			if retryOnPolicies[cond] {
				continue
			}
			if n, err := strconv.Atoi(cond); err == nil && http.StatusText(n) != "" {
				continue
			}
			e.add(p.field("retryOn"), "%q is not a retry condition: use 5xx, gateway-error, reset, connect-failure, retriable-4xx, refused-stream, retriable-status-codes, retriable-headers, envoy-ratelimited, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable or an HTTP status code, separated by commas", cond)
		}
	}
}

// grpcCodes are the gRPC status names Envoy accepts for an abort.
var grpcCodes = map[string]bool{
	"OK": true, "CANCELLED": true, "UNKNOWN": true, "INVALID_ARGUMENT": true, "DEADLINE_EXCEEDED": true,
	"NOT_FOUND": true, "ALREADY_EXISTS": true, "PERMISSION_DENIED": true, "RESOURCE_EXHAUSTED": true,
	"FAILED_PRECONDITION": true, "ABORTED": true, "OUT_OF_RANGE": true, "UNIMPLEMENTED": true,
	"INTERNAL": true, "UNAVAILABLE": true, "DATA_LOSS": true, "UNAUTHENTICATED": true,
}

func checkFault(e *errs, p path, f *networking.HTTPFaultInjection) {
	if f == nil {
		return
	}
	if f.Delay == nil && f.Abort == nil {
		e.add(p, "fault injection needs a delay, an abort or both")
	}
	if d := f.Delay; d != nil {
		dp := p.field("delay")
		if d.Percentage != nil {
			checkPercent(e, dp.field("percentage").field("value"), d.Percentage.Value)
		}
		if d.Percent < 0 || d.Percent > 100 { //nolint:staticcheck // deprecated field still accepted
			e.add(dp.field("percent"), "percent %d is out of range: must be between 0 and 100", d.Percent) //nolint:staticcheck
		}
		switch t := d.HttpDelayType.(type) {
		case *networking.HTTPFaultInjection_Delay_FixedDelay:
			if t.FixedDelay == nil {
				e.add(dp.field("fixedDelay"), "fixedDelay is required (e.g. \"5s\")")
			}
			checkDuration(e, dp.field("fixedDelay"), t.FixedDelay)
		case *networking.HTTPFaultInjection_Delay_ExponentialDelay:
			e.add(dp.field("exponentialDelay"), "exponentialDelay is not supported; use fixedDelay")
		default:
			e.add(dp.field("fixedDelay"), "a delay needs fixedDelay (e.g. \"5s\")")
		}
	}
	if a := f.Abort; a != nil {
		ap := p.field("abort")
		if a.Percentage != nil {
			checkPercent(e, ap.field("percentage").field("value"), a.Percentage.Value)
		}
		switch t := a.ErrorType.(type) {
		case *networking.HTTPFaultInjection_Abort_HttpStatus:
			if t.HttpStatus < 200 || t.HttpStatus > 599 {
				e.add(ap.field("httpStatus"), "HTTP status %d is out of range: must be between 200 and 599", t.HttpStatus)
			}
		case *networking.HTTPFaultInjection_Abort_GrpcStatus:
			if !grpcCodes[t.GrpcStatus] {
				e.add(ap.field("grpcStatus"), "%q is not a gRPC status: use a name such as UNAVAILABLE or NOT_FOUND", t.GrpcStatus)
			}
		case *networking.HTTPFaultInjection_Abort_Http2Error:
			e.add(ap.field("http2Error"), "http2Error aborts are not supported; use httpStatus or grpcStatus")
		default:
			e.add(ap.field("httpStatus"), "an abort needs httpStatus (200-599) or grpcStatus")
		}
	}
}

var corsMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodConnect: true,
	http.MethodOptions: true, http.MethodTrace: true, "*": true,
}

func checkCORS(e *errs, p path, c *networking.CorsPolicy) {
	if c == nil {
		return
	}
	for i, o := range c.AllowOrigins {
		op := p.field("allowOrigins").index(i)
		if o == nil || o.GetExact()+o.GetPrefix()+o.GetRegex() == "" {
			e.add(op, "origin match is empty: give exact, prefix or regex")
			continue
		}
		checkStringMatch(e, op, o, false)
	}
	for i, m := range c.AllowMethods {
		if !corsMethods[m] {
			e.add(p.field("allowMethods").index(i), "%q is not an HTTP method: use GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE or *", m)
		}
	}
	for i, h := range c.AllowHeaders {
		if h != "*" {
			e.addIf(p.field("allowHeaders").index(i), matchHeaderProblem(h))
		}
	}
	for i, h := range c.ExposeHeaders {
		if h != "*" {
			e.addIf(p.field("exposeHeaders").index(i), matchHeaderProblem(h))
		}
	}
	if c.MaxAge != nil {
		checkDuration(e, p.field("maxAge"), c.MaxAge)
		if c.MaxAge.Nanos != 0 {
			e.add(p.field("maxAge"), "maxAge %s is too precise: browsers take whole seconds", formatDuration(c.MaxAge))
		}
	}
}

func checkRewrite(e *errs, p path, r *networking.HTTPRewrite) {
	if r == nil {
		return
	}
	if r.Uri != "" && r.UriRegexRewrite != nil {
		e.add(p, "uri and uriRegexRewrite are mutually exclusive")
	}
	if r.Uri == "" && r.UriRegexRewrite == nil && r.Authority == "" {
		e.add(p, "rewrite is empty: give uri, uriRegexRewrite or authority")
	}
	if r.Uri != "" && !strings.HasPrefix(r.Uri, "/") {
		e.add(p.field("uri"), "uri %q must start with '/'", r.Uri)
	}
	if r.Authority != "" && strings.ContainsAny(r.Authority, "/ ") {
		e.add(p.field("authority"), "authority %q must be a host or host:port", r.Authority)
	}
	if rr := r.UriRegexRewrite; rr != nil {
		if rr.Match == "" || rr.Rewrite == "" {
			e.add(p.field("uriRegexRewrite"), "uriRegexRewrite needs both match and rewrite")
		}
		if rr.Match != "" {
			checkRegex(e, p.field("uriRegexRewrite").field("match"), rr.Match)
		}
	}
}

// checkAuthorityRewrite makes sure the authority is rewritten in one place.
func checkAuthorityRewrite(e *errs, p path, r *networking.HTTPRoute) {
	sets := 0
	if r.Rewrite.GetAuthority() != "" {
		sets++
	}
	for k := range r.Headers.GetRequest().GetSet() {
		if strings.EqualFold(k, ":authority") || strings.EqualFold(k, "host") {
			sets++
		}
	}
	for k := range r.Headers.GetRequest().GetAdd() {
		if strings.EqualFold(k, ":authority") || strings.EqualFold(k, "host") {
			sets++
		}
	}
	if sets > 1 {
		e.add(p.field("headers").field("request"), "the authority is rewritten more than once (rewrite.authority and headers); keep one")
	}
}

func checkRedirect(e *errs, p path, r *networking.HTTPRedirect) {
	if r == nil {
		return
	}
	if r.Uri == "" && r.Authority == "" && r.RedirectPort == nil && r.Scheme == "" && r.PrefixRewrite == "" {
		e.add(p, "redirect is empty: give uri, authority, scheme or port")
	}
	if r.Uri != "" && r.PrefixRewrite != "" {
		e.add(p, "uri and prefixRewrite are mutually exclusive")
	}
	if r.RedirectCode != 0 && (r.RedirectCode < 300 || r.RedirectCode > 399) {
		e.add(p.field("redirectCode"), "redirect code %d is not a redirect: use a 3xx code such as 301 or 302", r.RedirectCode)
	}
	if r.Scheme != "" && r.Scheme != "http" && r.Scheme != "https" {
		e.add(p.field("scheme"), "scheme %q is not supported: use http or https", r.Scheme)
	}
	if port, ok := r.RedirectPort.(*networking.HTTPRedirect_Port); ok {
		e.addIf(p.field("port"), portProblem(port.Port))
	}
}
