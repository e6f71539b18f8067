package route

import (
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/anypb"
)

// PickCluster picks the upstream target of a forwarding route: the only one
// for a plain cluster, or one by weight using rnd (Envoy: random value
// modulo the total weight, walking the clusters in order). It returns nil
// for routes that do not forward.
func (r *Route) PickCluster(rnd func() uint64) *Target {
	switch len(r.Targets) {
	case 0:
		return nil
	case 1:
		return &r.Targets[0]
	}
	v := rnd() % r.totalWeight
	var end uint64
	for i := range r.Targets {
		end += uint64(r.Targets[i].Weight)
		if v < end {
			return &r.Targets[i]
		}
	}
	return &r.Targets[len(r.Targets)-1] // unreachable: weights sum to the total
}

// Rewrite applies the route's prefix_rewrite to a request path (with
// query). For a prefix route the matched prefix is replaced; for an exact
// or regex route the whole path before the query is. Without a rewrite the
// path is returned unchanged.
func (r *Route) Rewrite(path string) string {
	if r.PrefixRewrite == "" {
		return path
	}
	return rewritePrefix(&r.match, r.PrefixRewrite, path)
}

func rewritePrefix(m *routeMatch, to, path string) string {
	switch m.kind {
	case pathPrefix, pathSeparatedPrefix:
		if !hasPrefix(path, m.path, m.caseSensitive) {
			return path
		}
		return to + path[len(m.path):]
	default:
		i := strings.IndexAny(path, "?#")
		if i < 0 {
			return to
		}
		return to + path[i:]
	}
}

// PerFilterConfig returns the typed_per_filter_config for an HTTP filter
// name, the most specific of route, virtual host and route configuration,
// or nil.
func (r *Route) PerFilterConfig(filter string) *anypb.Any {
	return r.perFilter[filter]
}

// Clusters lists every cluster the table can route or mirror to, sorted and
// without duplicates, for the caller to check against CDS.
func (t *Table) Clusters() []string {
	return append([]string(nil), t.clusters...)
}

// RedirectURL is the Location of a redirect route for req, following
// Envoy: scheme, host and port are swapped when the redirect sets them
// (a port that is the old scheme's default when the scheme changes, or the
// new scheme's default, is dropped), the path is
// replaced by path_redirect or has its matched prefix rewritten, and the
// query is kept unless strip_query is set or path_redirect has its own.
// It returns "" for routes that do not redirect.
func (r *Route) RedirectURL(req Request) string {
	rd := r.Redirect
	if rd == nil {
		return ""
	}
	scheme := req.Scheme
	if scheme == "" {
		scheme = "http"
	}
	host, port := req.Authority, ""
	if h := stripPort(host); h != host {
		host, port = h, host[len(h)+1:]
	}
	if rd.Scheme != "" && rd.Scheme != scheme {
		if port == defaultPort(scheme) {
			port = "" // the old scheme's default port does not carry over
		}
		scheme = rd.Scheme
	}
	if rd.Host != "" {
		host = rd.Host
		if h := stripPort(host); h != host {
			host, port = h, host[len(h)+1:]
		}
	}
	if rd.Port != 0 {
		port = strconv.FormatUint(uint64(rd.Port), 10)
	}
	if port == defaultPort(scheme) {
		port = ""
	}
	path, query := req.Path, ""
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i:]
	}
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query = query[:i]
	}
	switch {
	case rd.Path != "":
		path = rd.Path
		if strings.IndexByte(path, '?') >= 0 {
			query = ""
		}
	case rd.PrefixRewrite != "":
		path = rewritePrefix(&r.match, rd.PrefixRewrite, path)
	}
	if rd.StripQuery {
		query = ""
	}
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	if port != "" {
		b.WriteByte(':')
		b.WriteString(port)
	}
	b.WriteString(path)
	b.WriteString(query)
	return b.String()
}

func defaultPort(scheme string) string {
	switch scheme {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}
