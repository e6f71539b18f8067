package route

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"google.golang.org/protobuf/types/known/anypb"
)

// ErrUnsupported is wrapped by compile errors for fields Sail does not
// implement; ErrInvalid by errors for values that are wrong.
var (
	ErrUnsupported = errors.New("not supported")
	ErrInvalid     = errors.New("invalid")
)

// DefaultTimeout is the upstream timeout of a route that sets none (Envoy's).
const DefaultTimeout = 15 * time.Second

// FieldError is one problem found by Compile, at Path (proto field names,
// e.g. "virtual_hosts[2].routes[0].match.grpc").
type FieldError struct {
	Path        string
	VirtualHost string // name of the virtual host, if the path is inside one
	Err         error
}

func (e *FieldError) Error() string {
	if e.VirtualHost != "" {
		return fmt.Sprintf("%s: %v (virtual host %q)", e.Path, e.Err, e.VirtualHost)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// Request is what route matching looks at. Headers holds canonical keys
// (as net/http produces); pseudo-headers come from the other fields.
type Request struct {
	Method    string
	Scheme    string
	Authority string
	Path      string // with query
	Headers   http.Header
}

// Table is a compiled RouteConfiguration. It is immutable.
type Table struct {
	Name                string
	InternalOnlyHeaders []string
	VirtualHosts        []*VirtualHost

	exact       map[string]*VirtualHost
	suffixes    []wildcardSet // longest first
	prefixes    []wildcardSet // longest first
	any         *VirtualHost
	ignorePort  bool
	vhostHeader string // canonical key, "" = :authority
	clusters    []string
}

type wildcardSet struct {
	n     int
	hosts map[string]*VirtualHost
}

// VirtualHost is a compiled virtual host.
type VirtualHost struct {
	Name                          string
	Domains                       []string
	Routes                        []*Route
	IncludeRequestAttemptCount    bool
	IncludeAttemptCountInResponse bool
}

// ActionKind says what a matched route does.
type ActionKind int

// Route actions.
const (
	ActionForward ActionKind = iota
	ActionRedirect
	ActionDirectResponse
)

// Route is a compiled route with its action as data for the router.
// Header mutation lists are already merged over the route, virtual host and
// route configuration levels in the order they are to be applied.
type Route struct {
	Name      string
	Index     int    // position in the virtual host
	Operation string // decorator operation (trace span name)

	match routeMatch

	Action ActionKind

	// Forward.
	Targets                     []Target // one for a plain cluster
	totalWeight                 uint64
	ClusterNotFoundResponseCode int
	PrefixRewrite               string
	HostRewrite                 string // host_rewrite_literal
	AutoHostRewrite             bool
	Timeout                     time.Duration // 0 = disabled
	MaxGrpcTimeout              *time.Duration
	GrpcTimeoutOffset           time.Duration
	MaxStreamDuration           time.Duration
	Retry                       *RetryPolicy // nil = no retries
	Mirrors                     []MirrorPolicy
	HashPolicies                []HashPolicy
	Upgrades                    []UpgradeConfig
	Cors                        *CorsPolicy

	// Redirect / direct response.
	Redirect       *Redirect
	DirectResponse *DirectResponse

	// Header mutations for Redirect and DirectResponse (and for Forward
	// without weighted clusters; Target carries its own full lists).
	RequestHeaders  []HeaderOp
	ResponseHeaders []HeaderOp

	perFilter map[string]*anypb.Any
}

// Target is an upstream cluster of a forwarding route.
type Target struct {
	Cluster         string
	Weight          uint32
	HostRewrite     string // overrides Route.HostRewrite when set
	RequestHeaders  []HeaderOp
	ResponseHeaders []HeaderOp
}

// RetryOn is a set of retry conditions (Envoy's x-envoy-retry-on values).
type RetryOn uint32

// Retry conditions.
const (
	Retry5xx RetryOn = 1 << iota
	RetryGatewayError
	RetryReset
	RetryResetBeforeRequest
	RetryConnectFailure
	RetryRetriable4xx
	RetryRefusedStream
	RetryRetriableStatusCodes
	RetryGrpcCancelled
	RetryGrpcDeadlineExceeded
	RetryGrpcResourceExhausted
	RetryGrpcUnavailable
	RetryGrpcInternal
)

func parseRetryOnToken(s string) (RetryOn, bool) {
	switch s {
	case "5xx":
		return Retry5xx, true
	case "gateway-error":
		return RetryGatewayError, true
	case "reset":
		return RetryReset, true
	case "reset-before-request":
		return RetryResetBeforeRequest, true
	case "connect-failure":
		return RetryConnectFailure, true
	case "retriable-4xx":
		return RetryRetriable4xx, true
	case "refused-stream":
		return RetryRefusedStream, true
	case "retriable-status-codes":
		return RetryRetriableStatusCodes, true
	case "cancelled":
		return RetryGrpcCancelled, true
	case "deadline-exceeded":
		return RetryGrpcDeadlineExceeded, true
	case "resource-exhausted":
		return RetryGrpcResourceExhausted, true
	case "unavailable":
		return RetryGrpcUnavailable, true
	case "internal":
		return RetryGrpcInternal, true
	}
	return 0, false
}

// Has reports whether all conditions in c are in r.
func (r RetryOn) Has(c RetryOn) bool { return r&c == c }

// RetryPolicy is a route's (or its virtual host's) retry policy.
type RetryPolicy struct {
	RetryOn                  RetryOn
	NumRetries               uint32
	PerTryTimeout            time.Duration // 0 = the route timeout
	RetriableStatusCodes     []uint32
	AvoidPreviousHosts       bool // previous_hosts host predicate
	HostSelectionMaxAttempts int64
	BackOffBase, BackOffMax  time.Duration // 0 = router defaults
}

// Fraction is a probability numerator/denominator; a nil *Fraction means
// always.
type Fraction struct {
	Numerator, Denominator uint64
}

// Hit reports whether random value r falls inside the fraction.
func (f *Fraction) Hit(r uint64) bool {
	if f == nil {
		return true
	}
	return r%f.Denominator < f.Numerator
}

// MirrorPolicy is a request mirror (shadow) target.
type MirrorPolicy struct {
	Cluster                       string
	Fraction                      *Fraction
	TraceSampled                  *bool
	DisableShadowHostSuffixAppend bool
	HostRewrite                   string
}

// HashKind is the source of a consistent-hash key.
type HashKind int

// Hash sources.
const (
	HashHeader HashKind = iota
	HashCookie
	HashSourceIP
	HashQueryParameter
)

// HashPolicy is one consistent-hash key source, in order.
type HashPolicy struct {
	Kind       HashKind
	Name       string        // header, cookie or query parameter name
	CookieTTL  time.Duration // generate the cookie when set
	CookiePath string
	Terminal   bool
}

// UpgradeConfig enables or disables an upgrade type (e.g. "websocket") on
// the route.
type UpgradeConfig struct {
	Type    string
	Enabled bool
}

// Redirect is a redirect action.
type Redirect struct {
	Scheme        string // "" keeps the request's
	Host          string
	Port          uint32
	Path          string // replaces the path
	PrefixRewrite string // replaces the matched prefix
	StripQuery    bool
	Code          int
}

// DirectResponse is a direct response action.
type DirectResponse struct {
	Status int
	Body   []byte
}

// HeaderAction is what a HeaderOp does.
type HeaderAction int

// Header actions (Envoy's append_action, plus remove).
const (
	HeaderAppend            HeaderAction = iota // APPEND_IF_EXISTS_OR_ADD
	HeaderAddIfAbsent                           // ADD_IF_ABSENT
	HeaderOverwrite                             // OVERWRITE_IF_EXISTS_OR_ADD
	HeaderOverwriteIfExists                     // OVERWRITE_IF_EXISTS
	HeaderRemove
)

// HeaderOp is one header mutation. Name is canonical.
type HeaderOp struct {
	Action         HeaderAction
	Name           string
	Value          string
	KeepEmptyValue bool
}

// ApplyHeaderOps applies ops to h in order.
func ApplyHeaderOps(h http.Header, ops []HeaderOp) {
	for _, op := range ops {
		if op.Action == HeaderRemove {
			delete(h, op.Name)
			continue
		}
		if op.Value == "" && !op.KeepEmptyValue {
			continue
		}
		_, exists := h[op.Name]
		switch op.Action {
		case HeaderAppend:
			h[op.Name] = append(h[op.Name], op.Value)
		case HeaderAddIfAbsent:
			if !exists {
				h[op.Name] = []string{op.Value}
			}
		case HeaderOverwrite:
			h[op.Name] = []string{op.Value}
		case HeaderOverwriteIfExists:
			if exists {
				h[op.Name] = []string{op.Value}
			}
		}
	}
}

// CorsPolicy is the CORS policy of a route (or its virtual host).
type CorsPolicy struct {
	AllowOrigins                 []*StringMatcher
	AllowMethods                 string
	AllowHeaders                 string
	ExposeHeaders                string
	MaxAge                       string
	AllowCredentials             *bool
	Enabled                      *Fraction // filter_enabled; nil = enabled
	ShadowEnabled                *Fraction // nil = no shadow
	AllowPrivateNetworkAccess    *bool
	ForwardNotMatchingPreflights *bool
}

// AllowsOrigin reports whether origin matches one of AllowOrigins.
func (c *CorsPolicy) AllowsOrigin(origin string) bool {
	for _, m := range c.AllowOrigins {
		if m.Match(origin) {
			return true
		}
	}
	return false
}
