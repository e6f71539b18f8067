package validation

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	clientpb "github.com/sailmesh/sail/api/mixer/v1/config/client"
	policypb "github.com/sailmesh/sail/api/policy/v1beta1"
	"github.com/sailmesh/sail/pkg/config"
)

func TestRule(t *testing.T) {
	cases := []testCase{
		{name: "deny", spec: `{"match":"destination.labels[\"app\"] == \"ratings\" && (source.principal | \"\") == \"x\"","actions":[{"handler":"denier","instances":["denyrequest"]}]}`},
		{name: "always", spec: `{"actions":[{"handler":"h.handler.istio-system","instances":["i.istio-system"],"name":"a1"}],
			"responseHeaderOperations":[{"name":"x-served","values":["destination.workload.name | \"unknown\""]}],
			"sampling":{"random":{"percentSampled":{"numerator":10}}}}`},

		{name: "bad match", spec: `{"match":"source.labels[\"app\"] ==","actions":[{"handler":"h","instances":["i"]}]}`,
			want: []string{`spec.match: invalid expression "source.labels[\"app\"] ==": syntax error at column`}},
		{name: "unsupported operator", spec: `{"match":"request.size * 2 > 10","actions":[{"handler":"h","instances":["i"]}]}`,
			want: []string{`spec.match: operator "*" is not supported`}},
		{name: "action problems", spec: `{"actions":[{"instances":["i"]},{"handler":"h"},{"handler":"h","instances":[""],"name":"x"},{"handler":"h","instances":["i"],"name":"x"}]}`,
			want: []string{"spec.actions[0].handler: handler is required", "spec.actions[1].instances: an action needs at least one instance",
				"spec.actions[2].instances[0]: instance name is empty", `spec.actions[3].name: action name "x" is already used by actions[2]`}},
		{name: "no actions", spec: `{"match":"true"}`, want: []string{"spec.actions: a rule needs at least one action"}},
		{name: "bad header ops and sampling", spec: `{"actions":[{"handler":"h","instances":["i"]}],"requestHeaderOperations":[{"name":":path","values":["\"x\""]},{"name":"x-a"}],
			"sampling":{"random":{"percentSampled":{"numerator":200}},"rateLimit":{"maxUnsampledEntries":-1}}}`,
			want: []string{`spec.requestHeaderOperations[0].name: header ":path" cannot be changed`, "spec.requestHeaderOperations[1].values: operation REPLACE needs at least one value",
				"spec.sampling.random.percentSampled.numerator: numerator 200 is above the denominator HUNDRED",
				"spec.sampling.rateLimit.samplingDuration: samplingDuration is required", "spec.sampling.rateLimit.maxUnsampledEntries: -1 is negative"}},
	}
	runCases(t, "rule", func() proto.Message { return &policypb.Rule{} }, cases)
}

func TestHandler(t *testing.T) {
	cases := []testCase{
		{name: "compiled", spec: `{"compiledAdapter":"memquota","params":{"quotas":[{"name":"q.instance.istio-system","maxAmount":500}]}}`},
		{name: "out of process", spec: `{"adapter":"mygrpcadapter","connection":{"address":"mygrpcadapter.istio-system:5000","timeout":"2s"}}`},

		{name: "both adapters", spec: `{"compiledAdapter":"denier","adapter":"denier"}`, want: []string{"spec: compiledAdapter and adapter are mutually exclusive"}},
		{name: "no adapter", spec: `{"params":{}}`, want: []string{"spec.compiledAdapter: a handler needs compiledAdapter"}},
		{name: "bad connection", spec: `{"adapter":"a","connection":{"address":"no-port"}}`, want: []string{`spec.connection.address: address "no-port" must be host:port`}},
		{name: "bad port", spec: `{"adapter":"a","connection":{"address":"host:99999","timeout":"-1s"}}`,
			want: []string{"spec.connection.address: port 99999 is out of range", "spec.connection.timeout: duration -1s is negative"}},
	}
	runCases(t, "handler", func() proto.Message { return &policypb.Handler{} }, cases)
}

func TestInstance(t *testing.T) {
	cases := []testCase{
		{name: "metric", spec: `{"compiledTemplate":"metric","params":{"value":"2","dimensions":{"source":"source.workload.name | \"unknown\"","reporter":"conditional((context.reporter.kind | \"inbound\") == \"outbound\", \"client\", \"server\")"}}}`},
		{name: "kubernetes env", spec: `{"compiledTemplate":"kubernetes","attributeBindings":{"source.ip":"$out.source_pod_ip | ip(\"0.0.0.0\")"}}`},
		{name: "checknothing", spec: `{"compiledTemplate":"checknothing"}`},

		{name: "no template", spec: `{"params":{"value":"1"}}`, want: []string{"spec.compiledTemplate: an instance needs compiledTemplate"}},
		{name: "both templates", spec: `{"compiledTemplate":"metric","template":"metric"}`, want: []string{"spec: compiledTemplate and template are mutually exclusive"}},
		{name: "bad params", spec: `{"compiledTemplate":"metric","params":{"value":"request.size +","dimensions":{"a":"x[","b":"'c'"},"list":["ok","func() {}"]}}`,
			want: []string{`spec.params.value: invalid expression "request.size +"`, `spec.params.dimensions["a"]: invalid expression "x["`,
				`spec.params.dimensions["b"]: strings take double quotes`, `spec.params.list[1]: a function literal is not supported`}},
		{name: "bad bindings", spec: `{"compiledTemplate":"kubernetes","attributeBindings":{"not an attribute":"$out.x","source.uid":""}}`,
			want: []string{`spec.attributeBindings["not an attribute"]: "not an attribute" is not an attribute name`, `spec.attributeBindings["source.uid"]: expression is empty`}},
	}
	runCases(t, "instance", func() proto.Message { return &policypb.Instance{} }, cases)
}

func TestAttributeManifest(t *testing.T) {
	cases := []testCase{
		{name: "valid", spec: `{"name":"kubernetes","attributes":{"source.serviceAccount":{"valueType":"STRING"},"connection.received.bytes_total":{"valueType":"INT64"}}}`},
		{name: "bad", spec: `{"attributes":{"bad name":{"valueType":"STRING"},"source.ip":{}}}`,
			want: []string{`spec.attributes["bad name"]: "bad name" is not an attribute name`, `spec.attributes["source.ip"].valueType: valueType is required`}},
	}
	runCases(t, "attributemanifest", func() proto.Message { return &policypb.AttributeManifest{} }, cases)
}

func TestQuotaSpecs(t *testing.T) {
	runCases(t, "QuotaSpec", func() proto.Message { return &clientpb.QuotaSpec{} }, []testCase{
		{name: "valid", spec: `{"rules":[{"match":[{"clause":{"request.path":{"prefix":"/api"}}}],"quotas":[{"quota":"requestcount","charge":1}]}]}`},
		{name: "empty", spec: `{}`, want: []string{"spec.rules: a QuotaSpec needs at least one rule"}},
		{name: "bad", spec: `{"rules":[{"match":[{"clause":{"request.path":{"regex":"("},"x y":{}}}]},{"quotas":[{"charge":1},{"quota":"q"}]}]}`,
			want: []string{`spec.rules[0].match[0].clause["request.path"].regex: invalid regular expression`,
				`spec.rules[0].match[0].clause["x y"]: "x y" is not an attribute name`, `spec.rules[0].match[0].clause["x y"]: match is empty`,
				"spec.rules[0].quotas: a rule needs at least one quota", "spec.rules[1].quotas[0].quota: quota is required",
				"spec.rules[1].quotas[1].charge: charge 0 must be positive"}},
	})
	runCases(t, "QuotaSpecBinding", func() proto.Message { return &clientpb.QuotaSpecBinding{} }, []testCase{
		{name: "valid", spec: `{"services":[{"name":"productpage","namespace":"default"}],"quotaSpecs":[{"name":"request-count","namespace":"istio-system"}]}`},
		{name: "empty", spec: `{}`, want: []string{"spec.services: needs at least one service", "spec.quotaSpecs: needs at least one quotaSpec"}},
		{name: "no names", spec: `{"services":[{"namespace":"default"}],"quotaSpecs":[{"namespace":"istio-system"}]}`,
			want: []string{"spec.services[0].name: name is required", "spec.quotaSpecs[0].name: name is required"}},
	})
}

func TestMetadata(t *testing.T) {
	cases := []testCase{
		{name: "valid", spec: `{"compiledTemplate":"checknothing"}`, meta: func(m *config.Meta) {
			m.Name, m.Labels, m.Annotations = "a.b-c", map[string]string{"app.kubernetes.io/name": "x", "empty": ""}, map[string]string{"kubectl.kubernetes.io/last-applied-configuration": "{}"}
		}},
		{name: "bad name", spec: `{"compiledTemplate":"checknothing"}`, meta: func(m *config.Meta) { m.Name = "Reviews_V1" },
			want: []string{`metadata.name: name "Reviews_V1" is invalid: use lower-case letters`}},
		{name: "long name", spec: `{"compiledTemplate":"checknothing"}`, meta: func(m *config.Meta) { m.Name = strings.Repeat("a", 254) },
			want: []string{"metadata.name: is invalid"}},
		{name: "bad namespace and labels", spec: `{"compiledTemplate":"checknothing"}`, meta: func(m *config.Meta) {
			m.Namespace, m.Labels, m.Annotations = "my.ns", map[string]string{"app": strings.Repeat("v", 64), "Bad_Prefix/x": "y"}, map[string]string{"istio.io/dry-run": "true"}
		}, want: []string{`metadata.namespace: namespace "my.ns" is invalid`, `metadata.labels["app"]: label value`, `metadata.labels["Bad_Prefix/x"]: has an invalid prefix`,
			`metadata.annotations["istio.io/dry-run"]: supported only on AuthorizationPolicy`}},
	}
	runCases(t, "instance", func() proto.Message { return &policypb.Instance{} }, cases)
}

func TestCheckExpressionOption(t *testing.T) {
	var seen []string
	v := New(Options{CheckExpression: func(expr string) error {
		seen = append(seen, expr)
		if strings.Contains(expr, "bad") {
			return errors.New("unknown attribute bad")
		}
		return nil
	}})
	obj := newObject(t, "rule", &policypb.Rule{}, `{"match":"bad == 1","actions":[{"handler":"h","instances":["i"]}]}`)
	checkErrors(t, v.Object(obj), obj.Key().String(), []string{`spec.match: invalid expression "bad == 1": unknown attribute bad`})
	if len(seen) != 1 {
		t.Errorf("CheckExpression called %d times, want 1", len(seen))
	}
}

func TestParseExpression(t *testing.T) {
	for _, ok := range []string{
		`true`, `request.size | 0`, `match(request.path, "/api*")`, `"^/v[12]".matches(request.path)`,
		`destination.labels["app"] == "ratings" && source.labels["version"] != "v3"`, `!(a.b || c.d)`, `-1 < x`, `"10ms"`,
		`$out.source_pod_ip | ip("0.0.0.0")`, `request.time`, `emptyStringMap()`,
	} {
		if err := parseExpression(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{`a ==`, `a * b`, `&a`, `a.(int)`, `[]int{1}`, `a[1:2]`, `'c'`, `(a)()` + `()`, `f(a...)`, `a := b`} {
		if err := parseExpression(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
