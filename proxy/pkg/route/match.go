package route

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// StringMatcher is a compiled envoy.type.matcher.v3.StringMatcher.
type StringMatcher struct {
	kind       stringKind
	value      string // lower-cased when ignoreCase
	ignoreCase bool
	re         *regexp.Regexp
}

type stringKind int

const (
	strExact stringKind = iota
	strPrefix
	strSuffix
	strContains
	strRegex
)

// Match reports whether s matches.
func (m *StringMatcher) Match(s string) bool {
	switch m.kind {
	case strRegex:
		return m.re.MatchString(s)
	case strExact:
		if m.ignoreCase {
			return strings.EqualFold(s, m.value)
		}
		return s == m.value
	case strPrefix:
		if len(s) < len(m.value) {
			return false
		}
		if m.ignoreCase {
			return strings.EqualFold(s[:len(m.value)], m.value)
		}
		return s[:len(m.value)] == m.value
	case strSuffix:
		if len(s) < len(m.value) {
			return false
		}
		if m.ignoreCase {
			return strings.EqualFold(s[len(s)-len(m.value):], m.value)
		}
		return s[len(s)-len(m.value):] == m.value
	case strContains:
		if m.ignoreCase {
			return strings.Contains(strings.ToLower(s), m.value)
		}
		return strings.Contains(s, m.value)
	}
	return false
}

type pathKind int

const (
	pathPrefix pathKind = iota
	pathExact
	pathRegex
	pathSeparatedPrefix
)

type routeMatch struct {
	kind          pathKind
	path          string // prefix or exact path
	caseSensitive bool
	re            *regexp.Regexp
	headers       []headerMatcher
	query         []queryMatcher
	fraction      *Fraction
}

type headerSource int

const (
	hdrHeader headerSource = iota
	hdrMethod
	hdrAuthority
	hdrScheme
	hdrPath
)

type headerKind int

const (
	hdrString   headerKind = iota // str (also exact_match with a value)
	hdrAnyValue                   // exact_match "" : any value
	hdrPresent
	hdrRange
)

type headerMatcher struct {
	source         headerSource
	key            string // canonical, for hdrHeader
	kind           headerKind
	str            StringMatcher
	present        bool
	start, end     int64
	invert         bool
	missingIsEmpty bool
}

type queryMatcher struct {
	name    string
	present bool // present_match
	str     *StringMatcher
}

func (h *headerMatcher) value(req *Request) (string, bool) {
	switch h.source {
	case hdrMethod:
		return req.Method, req.Method != ""
	case hdrAuthority:
		return req.Authority, req.Authority != ""
	case hdrScheme:
		return req.Scheme, req.Scheme != ""
	case hdrPath:
		return req.Path, req.Path != ""
	}
	vs := req.Headers[h.key]
	switch len(vs) {
	case 0:
		return "", false
	case 1:
		return vs[0], true
	}
	// Envoy matches multiple values joined with a comma.
	return strings.Join(vs, ","), true
}

// matches follows Envoy's HeaderUtility::HeaderData::matchesHeaders.
func (h *headerMatcher) matches(req *Request) bool {
	v, ok := h.value(req)
	if !ok && !h.missingIsEmpty {
		if h.invert {
			return h.kind == hdrPresent && h.present
		}
		return h.kind == hdrPresent && !h.present
	}
	var m bool
	switch h.kind {
	case hdrString:
		m = h.str.Match(v)
	case hdrAnyValue:
		m = true
	case hdrPresent:
		m = h.present
	case hdrRange:
		n, err := strconv.ParseInt(v, 10, 64)
		m = err == nil && n >= h.start && n < h.end
	}
	return m != h.invert
}

func splitPath(p string) (path, query string) {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		path = p[:i]
		query = p[i:]
		if query[0] == '?' {
			query = query[1:]
			if j := strings.IndexByte(query, '#'); j >= 0 {
				query = query[:j]
			}
		} else {
			query = ""
		}
		return path, query
	}
	return p, ""
}

func hasPrefix(s, prefix string, caseSensitive bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if caseSensitive {
		return s[:len(prefix)] == prefix
	}
	return strings.EqualFold(s[:len(prefix)], prefix)
}

// matches reports whether the route matches; rv draws the request's random
// value (the same one for every route, as Envoy does).
func (m *routeMatch) matches(req *Request, rv func() uint64) bool {
	switch m.kind {
	case pathPrefix:
		if !hasPrefix(req.Path, m.path, m.caseSensitive) {
			return false
		}
	case pathExact:
		p, _ := splitPath(req.Path)
		if len(p) != len(m.path) || !hasPrefix(p, m.path, m.caseSensitive) {
			return false
		}
	case pathSeparatedPrefix:
		p, _ := splitPath(req.Path)
		if !hasPrefix(p, m.path, m.caseSensitive) || (len(p) > len(m.path) && p[len(m.path)] != '/') {
			return false
		}
	case pathRegex:
		p, _ := splitPath(req.Path)
		if !m.re.MatchString(p) {
			return false
		}
	}
	for i := range m.headers {
		if !m.headers[i].matches(req) {
			return false
		}
	}
	if len(m.query) > 0 {
		_, q := splitPath(req.Path)
		// ParseQuery keeps what it could parse when it meets a bad pair.
		vals, _ := url.ParseQuery(q)
		for i := range m.query {
			qm := &m.query[i]
			vs, ok := vals[qm.name]
			if !ok {
				return false
			}
			if !qm.present && !qm.str.Match(vs[0]) {
				return false
			}
		}
	}
	if m.fraction != nil && !m.fraction.Hit(rv()) {
		return false
	}
	return true
}

// Match selects the virtual host for req's authority and the first of its
// routes that matches. rnd supplies randomness for runtime fractions; it is
// called at most once. A nil route means no route matched (404 in Envoy);
// a nil virtual host means no virtual host matched.
func (t *Table) Match(req Request, rnd func() uint64) (*Route, *VirtualHost) {
	host := req.Authority
	if t.vhostHeader != "" {
		host = ""
		if vs := req.Headers[t.vhostHeader]; len(vs) > 0 {
			host = vs[0]
		}
	}
	vh := t.VirtualHostFor(host)
	if vh == nil {
		return nil, nil
	}
	var (
		drawn bool
		r     uint64
	)
	rv := func() uint64 {
		if !drawn {
			r, drawn = rnd(), true
		}
		return r
	}
	for _, rt := range vh.Routes {
		if rt.match.matches(&req, rv) {
			return rt, vh
		}
	}
	return nil, vh
}

// VirtualHostFor selects the virtual host for a host (an authority) the way
// Envoy does: exact domain, then the longest suffix wildcard ("*.foo.com"),
// then the longest prefix wildcard ("foo.*"), then "*". Matching is
// case-insensitive; a wildcard never matches an empty part.
func (t *Table) VirtualHostFor(host string) *VirtualHost {
	if t.ignorePort {
		host = stripPort(host)
	}
	if !isLower(host) {
		host = strings.ToLower(host)
	}
	if vh, ok := t.exact[host]; ok {
		return vh
	}
	for _, s := range t.suffixes {
		if len(host) > s.n {
			if vh, ok := s.hosts[host[len(host)-s.n:]]; ok {
				return vh
			}
		}
	}
	for _, s := range t.prefixes {
		if len(host) > s.n {
			if vh, ok := s.hosts[host[:s.n]]; ok {
				return vh
			}
		}
	}
	return t.any
}

func isLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return false
		}
	}
	return true
}

// stripPort removes a trailing ":port" (keeping IPv6 literals intact).
func stripPort(host string) string {
	i := strings.LastIndexByte(host, ':')
	if i < 0 || strings.IndexByte(host[i:], ']') >= 0 {
		return host
	}
	if strings.IndexByte(host[:i], ':') >= 0 && !strings.HasPrefix(host, "[") {
		return host // bare IPv6 without brackets
	}
	for _, c := range host[i+1:] {
		if c < '0' || c > '9' {
			return host
		}
	}
	return host[:i]
}
