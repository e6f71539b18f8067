package validation

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

var (
	wildcardLabelRe = regexp.MustCompile(`^(\*|(\*|\*-)?[a-z0-9]([-a-z0-9]*[a-z0-9])?)$`)
	// headerNameRe is an RFC 7230 token.
	headerNameRe = regexp.MustCompile("^[!#$%&'*+\\-.^_`|~A-Za-z0-9]+$")
)

const (
	labelRule     = "lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
	subdomainRule = "lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit, at most 253 characters"
)

// The name rules are Kubernetes' own (apimachinery's util/validation, as the
// stores use); this package adds messages that say what to write instead.
func isDNS1123Label(s string) bool { return len(k8svalidation.IsDNS1123Label(s)) == 0 }

func isDNS1123Subdomain(s string) bool { return len(k8svalidation.IsDNS1123Subdomain(s)) == 0 }

// labelProblem explains why s is not a DNS-1123 label ("" when it is one).
func labelProblem(what, s string) string {
	switch {
	case s == "":
		return what + " is empty; use " + labelRule
	case !isDNS1123Label(s):
		return fmt.Sprintf("%s %q is invalid: use %s", what, s, labelRule)
	}
	return ""
}

// subdomainProblem explains why s is not a DNS-1123 subdomain.
func subdomainProblem(what, s string) string {
	switch {
	case s == "":
		return what + " is empty; use " + subdomainRule
	case !isDNS1123Subdomain(s):
		return fmt.Sprintf("%s %q is invalid: use %s", what, s, subdomainRule)
	}
	return ""
}

// domainLabelsProblem checks the dot-separated labels of a domain name; a
// single trailing dot is allowed.
func domainLabelsProblem(domain, labels string) string {
	parts := strings.Split(labels, ".")
	for i, l := range parts {
		if i == len(parts)-1 && l == "" && i > 0 {
			break
		}
		if strings.Contains(l, "*") {
			return fmt.Sprintf("host %q is invalid: '*' is allowed only as the whole first label (\"*\" or \"*.example.com\")", domain)
		}
		if !isDNS1123Label(l) {
			return fmt.Sprintf("host %q is invalid: label %q must be %s", domain, l, labelRule)
		}
	}
	return ""
}

func domainPreconditions(domain string) string {
	switch {
	case domain == "":
		return "host is empty; give a service name such as \"reviews\" or \"reviews.default.svc.cluster.local\""
	case len(domain) > 255:
		return fmt.Sprintf("host %q is %d characters long; at most 255 are allowed", domain, len(domain))
	}
	return ""
}

// wildcardHostProblem checks a host that may carry a wildcard in its first
// label: "*", "*.example.com", "reviews", "reviews.default.svc.cluster.local".
func wildcardHostProblem(host string) string {
	if msg := domainPreconditions(host); msg != "" {
		return msg
	}
	first, rest, hasRest := strings.Cut(host, ".")
	if !wildcardLabelRe.MatchString(first) || len(first) > 63 {
		if strings.Contains(first, "*") {
			return fmt.Sprintf("host %q is invalid: a wildcard must be the start of the first label (\"*\" or \"*.example.com\")", host)
		}
		return fmt.Sprintf("host %q is invalid: label %q must be %s", host, first, labelRule)
	}
	if hasRest {
		return domainLabelsProblem(host, rest)
	}
	return ""
}

// fqdnProblem checks a host name without wildcards.
func fqdnProblem(host string) string {
	if msg := domainPreconditions(host); msg != "" {
		return msg
	}
	return domainLabelsProblem(host, host)
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// cidrProblem checks an IP address or a CIDR block.
func cidrProblem(s string) string {
	if strings.Contains(s, "/") {
		if _, err := netip.ParsePrefix(s); err != nil {
			return fmt.Sprintf("%q is not a valid CIDR block (e.g. 10.0.0.0/16 or 2001:db8::/32)", s)
		}
		return ""
	}
	if !isIP(s) {
		return fmt.Sprintf("%q is not a valid IP address or CIDR block (e.g. 10.0.0.1 or 10.0.0.0/16)", s)
	}
	return ""
}

func portProblem(n uint32) string {
	switch {
	case n == 0:
		return "port number is required (1-65535)"
	case n > 65535:
		return fmt.Sprintf("port %d is out of range: must be between 1 and 65535", n)
	}
	return ""
}

// labelKeyProblem and labelValueProblem apply Kubernetes' rules for label
// keys ([prefix/]name) and values.
func labelKeyProblem(k string) string {
	name := k
	if prefix, n, ok := strings.Cut(k, "/"); ok {
		if !isDNS1123Subdomain(prefix) {
			return fmt.Sprintf("label key %q has an invalid prefix %q: the prefix must be a DNS subdomain (%s)", k, prefix, subdomainRule)
		}
		name = n
	}
	// The prefix is cut off already, so the name part may hold no '/'.
	if strings.Contains(name, "/") || len(k8svalidation.IsQualifiedName(name)) > 0 {
		return fmt.Sprintf("label key %q is invalid: the name part must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit", k)
	}
	return ""
}

func labelValueProblem(k, v string) string {
	if v == "" {
		return ""
	}
	if len(k8svalidation.IsValidLabelValue(v)) > 0 {
		return fmt.Sprintf("label value %q (key %q) is invalid: use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit", v, k)
	}
	return ""
}

// checkLabels validates a label map at p, one error per bad entry.
func checkLabels(e *errs, p path, labels map[string]string) {
	for _, k := range sortedKeys(labels) {
		e.addIf(p.key(k), labelKeyProblem(k))
		e.addIf(p.key(k), labelValueProblem(k, labels[k]))
	}
}

// checkSelectorLabels validates labels used to select workloads: valid
// Kubernetes labels without wildcards.
func checkSelectorLabels(e *errs, p path, labels map[string]string) {
	for _, k := range sortedKeys(labels) {
		v := labels[k]
		if strings.Contains(k, "*") || strings.Contains(v, "*") {
			e.add(p.key(k), "wildcards are not supported in selectors (%s=%s); list exact label values", k, v)
			continue
		}
		e.addIf(p.key(k), labelKeyProblem(k))
		e.addIf(p.key(k), labelValueProblem(k, v))
	}
}

// checkDuration requires a duration of at least 1ms, to millisecond
// precision: what Envoy can express and Istio accepts.
func checkDuration(e *errs, p path, d *durationpb.Duration) {
	if d == nil {
		return
	}
	if err := d.CheckValid(); err != nil {
		e.add(p, "invalid duration: %v", err)
		return
	}
	dur := d.AsDuration()
	switch {
	case dur < 0:
		e.add(p, "duration %s is negative: must be at least 1ms (e.g. \"500ms\", \"10s\")", formatDuration(d))
	case dur == 0:
		e.add(p, "duration is 0s: must be at least 1ms (e.g. \"500ms\", \"10s\")")
	case dur < time.Millisecond:
		e.add(p, "duration %s is too short: must be at least 1ms (e.g. \"500ms\", \"10s\")", formatDuration(d))
	case dur%time.Millisecond != 0:
		e.add(p, "duration %s is too precise: only whole milliseconds are supported", formatDuration(d))
	}
}

func formatDuration(d *durationpb.Duration) string {
	return d.AsDuration().String()
}

// checkPercent checks an Istio Percent value.
func checkPercent(e *errs, p path, v float64) {
	if v < 0 || v > 100 {
		e.add(p, "percentage %v is out of range: must be between 0 and 100", v)
	}
}

// headerOpProblem checks a header name used in a set/add/remove operation.
// Pseudo-headers and Host cannot be changed that way, except that a request
// may set the authority.
func headerOpProblem(name string, allowAuthority bool) string {
	switch {
	case name == "":
		return "header name is empty"
	case allowAuthority && (strings.EqualFold(name, ":authority") || strings.EqualFold(name, "host")):
		return ""
	case strings.EqualFold(name, "host"):
		return fmt.Sprintf("header %q cannot be changed here (set the authority with a request header operation or rewrite.authority)", name)
	case strings.HasPrefix(name, ":"):
		return fmt.Sprintf("header %q cannot be changed: pseudo-headers (starting with ':') are managed by the proxy", name)
	case !headerNameRe.MatchString(name):
		return fmt.Sprintf("header name %q is invalid: use letters, digits and -_.!#$%%&'*+^`|~ only", name)
	}
	return ""
}

var pseudoHeaders = map[string]bool{":method": true, ":scheme": true, ":authority": true, ":path": true, ":status": true}

// matchHeaderProblem checks a header name used in a match: a header, a
// pseudo-header or a JWT claim (@request.auth.claims.x).
func matchHeaderProblem(name string) string {
	switch {
	case name == "":
		return "header name is empty"
	case pseudoHeaders[name]:
		return ""
	case strings.HasPrefix(name, "@request.auth.claims.") && len(name) > len("@request.auth.claims."):
		return ""
	case strings.HasPrefix(name, "@request.auth.claims[") && strings.HasSuffix(name, "]"):
		return ""
	case !headerNameRe.MatchString(name):
		return fmt.Sprintf("header name %q is invalid: use letters, digits and -_.!#$%%&'*+^`|~ only", name)
	}
	return ""
}

// strictHeaderProblem checks a header name Sail will emit (JWT outputs).
func strictHeaderProblem(name string) string {
	if name == "" {
		return "header name is empty"
	}
	for _, r := range name {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Sprintf("header name %q is invalid: use letters, digits and '-' only", name)
		}
	}
	return ""
}

// unixPathProblem checks the path of a unix:// address.
func unixPathProblem(addr string) string {
	p := strings.TrimPrefix(addr, "unix://")
	switch {
	case p == "":
		return fmt.Sprintf("unix address %q has no path", addr)
	case strings.HasPrefix(p, "@"):
		return ""
	case !strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/"):
		return fmt.Sprintf("unix address %q must be an absolute path to a socket file (e.g. unix:///var/run/app.sock)", addr)
	}
	return ""
}

// portString parses a decimal port.
func portString(s string) (uint32, bool) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}
