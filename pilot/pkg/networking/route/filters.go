package route

//lint:file-ignore SA1019 Istio 1.1 users still write these deprecated fields, so Pilot must translate them.
import (
	"strconv"
	"strings"

	faultcommonv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/common/fault/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	faultv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1alpha3"
)

// The HTTP filters whose per-route config routes carry in
// typed_per_filter_config; the outbound connection manager must have them.
const (
	FaultFilter = "envoy.filters.http.fault"
	CORSFilter  = "envoy.filters.http.cors"
)

// fault translates fault injection into the fault filter's per-route
// config, or nil when nothing is injected. A delay is fixedDelay only
// (Envoy has no exponential delay); an abort is httpStatus or grpcStatus
// (by name, "UNAVAILABLE", or number); http2Error has no Envoy
// counterpart and is dropped. Each applies to percentage of requests
// (else the deprecated integer percent, else 100%).
func fault(in *networking.HTTPFaultInjection) *faultv3.HTTPFault {
	out := &faultv3.HTTPFault{}
	if d := in.GetDelay(); d != nil && d.GetFixedDelay() != nil {
		out.Delay = &faultcommonv3.FaultDelay{
			FaultDelaySecifier: &faultcommonv3.FaultDelay_FixedDelay{FixedDelay: durationpb.New(d.GetFixedDelay().AsDuration())},
			Percentage:         faultPercent(d.GetPercentage(), d.GetPercent()),
		}
	}
	if a := in.GetAbort(); a != nil {
		abort := &faultv3.FaultAbort{Percentage: faultPercent(a.GetPercentage(), 0)}
		switch t := a.GetErrorType().(type) {
		case *networking.HTTPFaultInjection_Abort_HttpStatus:
			abort.ErrorType = &faultv3.FaultAbort_HttpStatus{HttpStatus: uint32(t.HttpStatus)}
		case *networking.HTTPFaultInjection_Abort_GrpcStatus:
			if c, ok := grpcCode(t.GrpcStatus); ok {
				abort.ErrorType = &faultv3.FaultAbort_GrpcStatus{GrpcStatus: c}
			}
		}
		if abort.ErrorType != nil {
			out.Abort = abort
		}
	}
	if out.Delay == nil && out.Abort == nil {
		return nil
	}
	return out
}

func faultPercent(p *networking.Percent, deprecated int32) *typev3.FractionalPercent {
	switch {
	case p != nil:
		return percent(p.GetValue())
	case deprecated > 0:
		return percent(float64(deprecated))
	}
	return percent(100)
}

// grpcCode parses a gRPC status name ("UNAVAILABLE") or number.
func grpcCode(s string) (uint32, bool) {
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return uint32(n), true
	}
	var c codes.Code
	if err := c.UnmarshalJSON([]byte(strconv.Quote(strings.ToUpper(s)))); err != nil {
		return 0, false
	}
	return uint32(c), true
}

// cors translates a CORS policy into the CORS filter's per-route config,
// or nil. Origins are allowOrigins' string matches, plus the deprecated
// allowOrigin list as exact matches; lists become Envoy's comma-separated
// strings and maxAge whole seconds.
func cors(in *networking.CorsPolicy) *corsv3.CorsPolicy {
	if in == nil {
		return nil
	}
	out := &corsv3.CorsPolicy{
		AllowMethods:  strings.Join(in.GetAllowMethods(), ","),
		AllowHeaders:  strings.Join(in.GetAllowHeaders(), ","),
		ExposeHeaders: strings.Join(in.GetExposeHeaders(), ","),
	}
	for _, o := range in.GetAllowOrigin() {
		out.AllowOriginStringMatch = append(out.AllowOriginStringMatch,
			&matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: o}})
	}
	for _, o := range in.GetAllowOrigins() {
		if sm := stringMatcher(o); sm != nil {
			out.AllowOriginStringMatch = append(out.AllowOriginStringMatch, sm)
		}
	}
	if d := in.GetMaxAge(); d != nil {
		out.MaxAge = strconv.FormatInt(int64(d.AsDuration().Seconds()), 10)
	}
	if c := in.GetAllowCredentials(); c != nil {
		out.AllowCredentials = wrapperspb.Bool(c.GetValue())
	}
	if in.GetUnmatchedPreflights() == networking.CorsPolicy_IGNORE {
		out.ForwardNotMatchingPreflights = wrapperspb.Bool(false)
	}
	return out
}

// stringMatcher translates an Istio string match; nil for none, and for
// an empty prefix or regex, which Envoy refuses (callers use a presence
// match instead).
func stringMatcher(in *networking.StringMatch) *matcherv3.StringMatcher {
	switch t := in.GetMatchType().(type) {
	case *networking.StringMatch_Exact:
		return &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: t.Exact}}
	case *networking.StringMatch_Prefix:
		if t.Prefix != "" {
			return &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Prefix{Prefix: t.Prefix}}
		}
	case *networking.StringMatch_Regex:
		if t.Regex != "" {
			return &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_SafeRegex{SafeRegex: regex(t.Regex)}}
		}
	}
	return nil
}

// regex is a regex matcher; Envoy's engine is RE2 unless set otherwise
// (the explicit google_re2 engine field is deprecated).
func regex(re string) *matcherv3.RegexMatcher {
	return &matcherv3.RegexMatcher{Regex: re}
}
