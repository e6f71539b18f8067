package validation

import (
	"net"
	"regexp"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"

	clientpb "github.com/sailmesh/sail/api/mixer/v1/config/client"
	policypb "github.com/sailmesh/sail/api/policy/v1beta1"
)

// attributeNameRe is a Mixer attribute name: dot-separated words
// (source.labels, context.reporter.kind, connection.received.bytes_total).
var attributeNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// adapterNameRe is the name of an adapter or a template.
var adapterNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$`)

func (v *Validator) checkExpression(e *errs, p path, expr string) {
	if strings.TrimSpace(expr) == "" {
		e.add(p, "expression is empty")
		return
	}
	if err := v.checkExpr(expr); err != nil {
		e.add(p, "invalid expression %q: %v", expr, err)
	}
}

func (v *Validator) checkRule(e *errs, p path, r *policypb.Rule) {
	if r.Match != "" {
		v.checkExpression(e, p.field("match"), r.Match)
	}
	if len(r.Actions) == 0 && len(r.RequestHeaderOperations) == 0 && len(r.ResponseHeaderOperations) == 0 {
		e.add(p.field("actions"), "a rule needs at least one action (a handler and its instances)")
	}
	names := map[string]int{}
	for i, a := range r.Actions {
		ap := p.field("actions").index(i)
		if a == nil {
			e.add(ap, "action is empty")
			continue
		}
		if a.Handler == "" {
			e.add(ap.field("handler"), "handler is required: name the handler that receives the instances")
		}
		if len(a.Instances) == 0 {
			e.add(ap.field("instances"), "an action needs at least one instance")
		}
		for j, in := range a.Instances {
			if in == "" {
				e.add(ap.field("instances").index(j), "instance name is empty")
			}
		}
		if a.Name != "" {
			if prev, dup := names[a.Name]; dup {
				e.add(ap.field("name"), "action name %q is already used by actions[%d]", a.Name, prev)
			} else {
				names[a.Name] = i
			}
		}
	}
	for _, ops := range []struct {
		name string
		list []*policypb.HeaderOperationTemplate
	}{{"requestHeaderOperations", r.RequestHeaderOperations}, {"responseHeaderOperations", r.ResponseHeaderOperations}} {
		for i, op := range ops.list {
			hp := p.field(ops.name).index(i)
			if op == nil {
				e.add(hp, "header operation is empty")
				continue
			}
			e.addIf(hp.field("name"), headerOpProblem(op.Name, ops.name == "requestHeaderOperations"))
			if op.Operation != policypb.HeaderOperationTemplate_REMOVE && len(op.Values) == 0 {
				e.add(hp.field("values"), "operation %s needs at least one value expression", op.Operation)
			}
			for j, val := range op.Values {
				v.checkExpression(e, hp.field("values").index(j), val)
			}
		}
	}
	if s := r.Sampling; s != nil {
		sp := p.field("sampling")
		if rs := s.Random; rs != nil {
			if rs.AttributeExpression != "" {
				v.checkExpression(e, sp.field("random").field("attributeExpression"), rs.AttributeExpression)
			}
			if pc := rs.PercentSampled; pc != nil {
				limit := map[policypb.FractionalPercent_DenominatorType]uint32{
					policypb.FractionalPercent_HUNDRED: 100, policypb.FractionalPercent_TEN_THOUSAND: 10000,
					policypb.FractionalPercent_MILLION: 1000000,
				}[pc.Denominator]
				if limit != 0 && pc.Numerator > limit {
					e.add(sp.field("random").field("percentSampled").field("numerator"), "numerator %d is above the denominator %s", pc.Numerator, pc.Denominator)
				}
			}
		}
		if rl := s.RateLimit; rl != nil {
			rp := sp.field("rateLimit")
			if rl.SamplingDuration == nil {
				e.add(rp.field("samplingDuration"), "samplingDuration is required")
			}
			checkDuration(e, rp.field("samplingDuration"), rl.SamplingDuration)
			if rl.MaxUnsampledEntries < 0 {
				e.add(rp.field("maxUnsampledEntries"), "maxUnsampledEntries %d is negative", rl.MaxUnsampledEntries)
			}
			if rl.SamplingRate < 0 {
				e.add(rp.field("samplingRate"), "samplingRate %d is negative", rl.SamplingRate)
			}
		}
	}
}

func checkHandler(e *errs, p path, h *policypb.Handler) {
	switch {
	case h.CompiledAdapter != "" && h.Adapter != "":
		e.add(p, "compiledAdapter and adapter are mutually exclusive: use compiledAdapter for an adapter built into Mixer (e.g. memquota, prometheus) or adapter for an out-of-process one")
	case h.CompiledAdapter == "" && h.Adapter == "":
		e.add(p.field("compiledAdapter"), "a handler needs compiledAdapter (an adapter built into Mixer, e.g. memquota) or adapter (an out-of-process one)")
	}
	if h.CompiledAdapter != "" && !adapterNameRe.MatchString(h.CompiledAdapter) {
		e.add(p.field("compiledAdapter"), "adapter name %q is invalid: use letters, digits, '-' and '_'", h.CompiledAdapter)
	}
	if h.Adapter != "" && !adapterNameRe.MatchString(h.Adapter) {
		e.add(p.field("adapter"), "adapter name %q is invalid: use letters, digits, '-' and '_'", h.Adapter)
	}
	if c := h.Connection; c != nil {
		cp := p.field("connection")
		if c.Address == "" {
			e.add(cp.field("address"), "address is required: the out-of-process adapter's host:port")
		} else {
			e.addIf(cp.field("address"), hostPortProblem(c.Address))
		}
		checkDuration(e, cp.field("timeout"), c.Timeout)
	}
}

func hostPortProblem(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return "address \"" + addr + "\" must be host:port (e.g. myadapter.istio-system:8080)"
	}
	if !isIP(host) && fqdnProblem(host) != "" {
		return "address \"" + addr + "\" has an invalid host " + host
	}
	n, ok := portString(port)
	if !ok {
		return "address \"" + addr + "\" has a port that is not a number"
	}
	return portProblem(n)
}

func (v *Validator) checkInstance(e *errs, p path, in *policypb.Instance) {
	switch {
	case in.CompiledTemplate != "" && in.Template != "":
		e.add(p, "compiledTemplate and template are mutually exclusive: use compiledTemplate for a template built into Mixer (e.g. metric, quota, logentry) or template for an out-of-process one")
	case in.CompiledTemplate == "" && in.Template == "":
		e.add(p.field("compiledTemplate"), "an instance needs compiledTemplate (a template built into Mixer, e.g. metric, quota, listentry) or template")
	}
	if in.Params != nil {
		for _, k := range sortedKeys(in.Params.Fields) {
			v.checkParam(e, p.field("params").field(k), in.Params.Fields[k])
		}
	}
	for _, k := range sortedKeys(in.AttributeBindings) {
		bp := p.field("attributeBindings").key(k)
		if !attributeNameRe.MatchString(k) {
			e.add(bp, "%q is not an attribute name (e.g. source.labels)", k)
		}
		v.checkExpression(e, bp, in.AttributeBindings[k])
	}
}

// checkParam checks an instance parameter: every string in a template's
// parameters is an expression.
func (v *Validator) checkParam(e *errs, p path, val *structpb.Value) {
	switch k := val.GetKind().(type) {
	case *structpb.Value_StringValue:
		v.checkExpression(e, p, k.StringValue)
	case *structpb.Value_StructValue:
		for _, key := range sortedKeys(k.StructValue.GetFields()) {
			v.checkParam(e, p.key(key), k.StructValue.Fields[key])
		}
	case *structpb.Value_ListValue:
		for i, item := range k.ListValue.GetValues() {
			v.checkParam(e, p.index(i), item)
		}
	}
}

func checkAttributeManifest(e *errs, p path, am *policypb.AttributeManifest) {
	for _, name := range sortedKeys(am.Attributes) {
		ap := p.field("attributes").key(name)
		if !attributeNameRe.MatchString(name) {
			e.add(ap, "%q is not an attribute name: use dot-separated words (e.g. request.headers)", name)
		}
		info := am.Attributes[name]
		if info == nil || info.ValueType == policypb.ValueType_VALUE_TYPE_UNSPECIFIED {
			e.add(ap.field("valueType"), "valueType is required (STRING, INT64, DOUBLE, BOOL, TIMESTAMP, IP_ADDRESS, EMAIL_ADDRESS, URI, DNS_NAME, DURATION or STRING_MAP)")
		}
	}
}

func checkQuotaSpec(e *errs, p path, qs *clientpb.QuotaSpec) {
	if len(qs.Rules) == 0 {
		e.add(p.field("rules"), "a QuotaSpec needs at least one rule")
	}
	for i, r := range qs.Rules {
		rp := p.field("rules").index(i)
		if r == nil {
			e.add(rp, "rule is empty")
			continue
		}
		for j, m := range r.Match {
			mp := rp.field("match").index(j)
			if m == nil {
				continue
			}
			for _, attr := range sortedKeys(m.Clause) {
				cp := mp.field("clause").key(attr)
				if !attributeNameRe.MatchString(attr) {
					e.add(cp, "%q is not an attribute name (e.g. request.path)", attr)
				}
				switch t := m.Clause[attr].GetMatchType().(type) {
				case nil:
					e.add(cp, "match is empty: give exact, prefix or regex")
				case *clientpb.StringMatch_Prefix:
					if t.Prefix == "" {
						e.add(cp.field("prefix"), "prefix is empty")
					}
				case *clientpb.StringMatch_Regex:
					checkRegex(e, cp.field("regex"), t.Regex)
				}
			}
		}
		if len(r.Quotas) == 0 {
			e.add(rp.field("quotas"), "a rule needs at least one quota to charge")
		}
		for j, q := range r.Quotas {
			qp := rp.field("quotas").index(j)
			if q == nil || q.Quota == "" {
				e.add(qp.field("quota"), "quota is required: the name of the quota instance to charge")
				continue
			}
			if q.Charge <= 0 {
				e.add(qp.field("charge"), "charge %d must be positive: the amount each matching request uses", q.Charge)
			}
		}
	}
}

func checkQuotaSpecBinding(e *errs, p path, b *clientpb.QuotaSpecBinding) {
	if len(b.Services) == 0 {
		e.add(p.field("services"), "a QuotaSpecBinding needs at least one service")
	}
	for i, s := range b.Services {
		sp := p.field("services").index(i)
		if s == nil || (s.Name == "" && s.Service == "") {
			e.add(sp.field("name"), "name is required: the service whose requests are charged")
			continue
		}
		if s.Name != "" {
			e.addIf(sp.field("name"), labelProblem("service name", s.Name))
		}
		if s.Namespace != "" {
			e.addIf(sp.field("namespace"), labelProblem("namespace", s.Namespace))
		}
		if s.Service != "" {
			e.addIf(sp.field("service"), fqdnProblem(s.Service))
		}
	}
	if len(b.QuotaSpecs) == 0 {
		e.add(p.field("quotaSpecs"), "a QuotaSpecBinding needs at least one quotaSpec")
	}
	for i, q := range b.QuotaSpecs {
		qp := p.field("quotaSpecs").index(i)
		if q == nil || q.Name == "" {
			e.add(qp.field("name"), "name is required: the QuotaSpec to apply")
			continue
		}
		e.addIf(qp.field("name"), subdomainProblem("QuotaSpec name", q.Name))
		if q.Namespace != "" {
			e.addIf(qp.field("namespace"), labelProblem("namespace", q.Namespace))
		}
	}
}
