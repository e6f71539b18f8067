package validation

import (
	"testing"

	"google.golang.org/protobuf/proto"
	security "istio.io/api/security/v1beta1"
)

func TestPeerAuthentication(t *testing.T) {
	cases := []testCase{
		{name: "namespace strict", spec: `{"mtls":{"mode":"STRICT"}}`},
		{name: "port level", spec: `{"selector":{"matchLabels":{"app":"ratings"}},"mtls":{"mode":"STRICT"},"portLevelMtls":{"8080":{"mode":"DISABLE"}}}`},

		{name: "port level without selector", spec: `{"portLevelMtls":{"8080":{"mode":"DISABLE"},"0":{"mode":"PERMISSIVE"}}}`,
			want: []string{"spec.portLevelMtls: portLevelMtls needs a selector", "spec.portLevelMtls[0]: port number is required"}},
		{name: "bad mode value", spec: `{"mtls":{"mode":9}}`, want: []string{"spec.mtls.mode: 9 is not a valid Mode: use one of UNSET, DISABLE, PERMISSIVE, STRICT"}},
		{name: "bad selector", spec: `{"selector":{"matchLabels":{"app":"a*b"}}}`, want: []string{`spec.selector.matchLabels["app"]: wildcards are not supported`}},
	}
	runCases(t, "PeerAuthentication", func() proto.Message { return &security.PeerAuthentication{} }, cases)
}

func TestRequestAuthentication(t *testing.T) {
	cases := []testCase{
		{name: "jwks uri", spec: `{"selector":{"matchLabels":{"app":"productpage"}},"jwtRules":[{"issuer":"https://accounts.example.com","jwksUri":"https://accounts.example.com/jwks.json","fromHeaders":[{"name":"x-jwt","prefix":"Bearer "}],"outputClaimToHeaders":[{"header":"x-sub","claim":"sub"}]}]}`},
		{name: "inline jwks", spec: `{"jwtRules":[{"issuer":"me","jwks":"{\"keys\":[{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"xyz\"}]}"}]}`},

		{name: "empty issuer", spec: `{"jwtRules":[{"issuer":"","fromParams":[""]}]}`,
			want: []string{"spec.jwtRules[0].issuer: issuer is empty", "spec.jwtRules[0].fromParams[0]: query parameter name is empty"}},
		{name: "bad jwks", spec: `{"jwtRules":[{"issuer":"a","jwksUri":"ftp://example.com/keys","jwks":"{not json"},{"issuer":"a","jwks":"{}","fromHeaders":[{"name":""}],"audiences":[""]}]}`,
			want: []string{`spec.jwtRules[0].jwksUri: jwksUri "ftp://example.com/keys" must be an http:// or https:// URL`,
				"spec.jwtRules[0].jwks: jwks and jwksUri are mutually exclusive", "spec.jwtRules[0].jwks: jwks is not valid JSON",
				`spec.jwtRules[1].issuer: issuer "a" already has a rule in jwtRules[0]`, "spec.jwtRules[1].jwks: jwks holds no keys",
				"spec.jwtRules[1].fromHeaders[0].name: header name is empty", "spec.jwtRules[1].audiences[0]: audience is empty"}},
		{name: "bad outputs", spec: `{"jwtRules":[{"issuer":"a","outputPayloadToHeader":"x payload","outputClaimToHeaders":[{"header":"x"}]}]}`,
			want: []string{`spec.jwtRules[0].outputPayloadToHeader: header name "x payload" is invalid`, "spec.jwtRules[0].outputClaimToHeaders[0]: needs both header and claim"}},
	}
	runCases(t, "RequestAuthentication", func() proto.Message { return &security.RequestAuthentication{} }, cases)
}

func TestAuthorizationPolicy(t *testing.T) {
	cases := []testCase{
		{name: "allow", spec: `{"selector":{"matchLabels":{"app":"ratings"}},"action":"ALLOW","rules":[{
			"from":[{"source":{"principals":["cluster.local/ns/default/sa/bookinfo-reviews"],"ipBlocks":["10.0.0.0/8","10.1.2.3"]}}],
			"to":[{"operation":{"methods":["GET"],"paths":["/ratings/*"],"ports":["9080"]}}],
			"when":[{"key":"request.headers[x-token]","values":["abc"]},{"key":"source.ip","notValues":["10.2.0.0/16"]},{"key":"destination.port","values":["9080"]}]}]}`},
		{name: "deny all", spec: `{"action":"DENY","rules":[{}]}`},
		{name: "custom", spec: `{"action":"CUSTOM","provider":{"name":"ext-authz"},"rules":[{"to":[{"operation":{"paths":["/admin"]}}]}]}`},
		{name: "allow nothing", spec: `{}`},

		{name: "bad ip block", spec: `{"rules":[{"from":[{"source":{"ipBlocks":["10.0.0.0/40","1.2.3"]}}]}]}`,
			want: []string{`spec.rules[0].from[0].source.ipBlocks[0]: "10.0.0.0/40" is not a valid CIDR block`,
				`spec.rules[0].from[0].source.ipBlocks[1]: "1.2.3" is not a valid IP address`}},
		{name: "empty source and operation", spec: `{"rules":[{"from":[{"source":{}},{}],"to":[{"operation":{}}],"when":[{"key":"source.namespace"}]}]}`,
			want: []string{"spec.rules[0].from[0].source: source is empty", "spec.rules[0].from[1].source: source is required",
				"spec.rules[0].to[0].operation: operation is empty", `spec.rules[0].when[0]: condition on "source.namespace" needs values or notValues`}},
		{name: "bad ports and values", spec: `{"rules":[{"from":[{"source":{"principals":[""]}}],"to":[{"operation":{"ports":["http","0"],"methods":[""]}}]}]}`,
			want: []string{"spec.rules[0].from[0].source.principals[0]: value is empty", `spec.rules[0].to[0].operation.ports[0]: port "http" is not a number`,
				"spec.rules[0].to[0].operation.ports[1]: port number is required", "spec.rules[0].to[0].operation.methods[0]: value is empty"}},
		{name: "bad when keys", spec: `{"rules":[{"when":[{"key":"request.header[x]","values":["a"]},{"key":"request.headers","values":["a"]},{"key":"destination.ip","values":["nope"]},{"key":"","values":["a"]}]}]}`,
			want: []string{`spec.rules[0].when[0].key: unknown key "request.header[x]"`, `spec.rules[0].when[1].key: key "request.headers" needs a map key in brackets`,
				`spec.rules[0].when[2].values[0]: "nope" is not a valid IP address`, "spec.rules[0].when[3].key: key is empty"}},
		{name: "custom without provider", spec: `{"action":"CUSTOM","rules":[{"from":[{"source":{"namespaces":["a"]}}]}]}`,
			want: []string{"spec.provider.name: action CUSTOM needs provider.name", "spec.rules[0].from[0].source.namespaces: namespaces is not supported with action CUSTOM"}},
		{name: "deny without rules and provider with allow", spec: `{"action":"DENY","provider":{"name":"x"}}`,
			want: []string{"spec.rules: a DENY policy without rules never applies", "spec.provider: provider is used only with action CUSTOM, not DENY"}},
		{name: "service accounts", spec: `{"rules":[{"from":[{"source":{"serviceAccounts":["default"],"namespaces":["a"]}}]}]}`,
			want: []string{"spec.rules[0].from[0].source.serviceAccounts: cannot be combined", `spec.rules[0].from[0].source.serviceAccounts[0]: service account "default" must be`}},
		{name: "selector and targetRef", spec: `{"selector":{"matchLabels":{"app":"a"}},"targetRef":{"kind":"Service"}}`,
			want: []string{"spec: selector, targetRef and targetRefs are mutually exclusive", "spec.targetRef.name: targetRef name is required"}},
	}
	runCases(t, "AuthorizationPolicy", func() proto.Message { return &security.AuthorizationPolicy{} }, cases)
}
