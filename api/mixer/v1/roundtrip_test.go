package mixerpb_test

import (
	"testing"

	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	prometheuscfg "github.com/sailmesh/sail/api/mixer/adapter/prometheus/config"
	mixerpb "github.com/sailmesh/sail/api/mixer/v1"
	policypb "github.com/sailmesh/sail/api/policy/v1beta1"
)

// TestGeneratedMessagesRoundTrip proves the generated code is usable: each
// message survives the binary and the JSON encodings unchanged.
func TestGeneratedMessagesRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		msg  proto.Message
	}{
		{"CheckRequest", &mixerpb.CheckRequest{
			Attributes: &mixerpb.CompressedAttributes{
				Words:      []string{"ratings", "jason"},
				Strings:    map[int32]int32{0: -1},
				Int64S:     map[int32]int64{2: 9080},
				Bools:      map[int32]bool{3: true},
				Bytes:      map[int32][]byte{1: {10, 0, 0, 7}},
				Timestamps: map[int32]*timestamppb.Timestamp{4: {Seconds: 1_700_000_000, Nanos: 5}},
				Durations:  map[int32]*durationpb.Duration{5: {Nanos: 1_500_000}},
				StringMaps: map[int32]*mixerpb.StringMap{6: {Entries: map[int32]int32{7: -2}}},
			},
			GlobalWordCount: uint32(len(mixerpb.GlobalWordList())),
			DeduplicationId: "5f1c3a8e-check",
			Quotas: map[string]*mixerpb.CheckRequest_QuotaParams{
				"requestcountquota.instance.istio-system": {Amount: 1, BestEffort: true},
			},
		}},
		{"CheckResponse", &mixerpb.CheckResponse{
			Precondition: &mixerpb.CheckResponse_PreconditionResult{
				Status:        &status.Status{Code: 7, Message: "ratings is not whitelisted"},
				ValidDuration: durationpb.New(60_000_000_000),
				ValidUseCount: 10000,
				ReferencedAttributes: &mixerpb.ReferencedAttributes{
					Words: []string{"x-user"},
					AttributeMatches: []*mixerpb.ReferencedAttributes_AttributeMatch{
						{Name: 0, Condition: mixerpb.ReferencedAttributes_EXACT},
						{Name: 28, Condition: mixerpb.ReferencedAttributes_ABSENCE, MapKey: -1},
					},
				},
				RouteDirective: &mixerpb.RouteDirective{
					RequestHeaderOperations: []*mixerpb.HeaderOperation{
						{Name: "x-user", Value: "jason", Operation: mixerpb.HeaderOperation_APPEND},
					},
					DirectResponseCode: 302,
				},
			},
		}},
		{"Rule", &policypb.Rule{
			Match: `destination.service.name == "ratings"`,
			Actions: []*policypb.Action{
				{Handler: "denyall.istio-system", Instances: []string{"nothing.instance.istio-system"}, Name: "deny"},
			},
			ResponseHeaderOperations: []*policypb.HeaderOperationTemplate{
				{Name: "x-checked", Values: []string{`"yes"`}, Operation: policypb.HeaderOperationTemplate_REPLACE},
			},
			Sampling: &policypb.Sampling{
				Random: &policypb.RandomSampling{
					PercentSampled: &policypb.FractionalPercent{Numerator: 25, Denominator: policypb.FractionalPercent_TEN_THOUSAND},
				},
			},
		}},
		{"Handler", &policypb.Handler{
			Name:            "prometheus",
			CompiledAdapter: "prometheus",
			Params: &structpb.Struct{Fields: map[string]*structpb.Value{
				"metrics": structpb.NewListValue(&structpb.ListValue{}),
			}},
			Connection: &policypb.Connection{Address: "127.0.0.1:9091", Timeout: durationpb.New(2_000_000_000)},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bin, err := proto.Marshal(tc.msg)
			if err != nil {
				t.Fatalf("proto.Marshal: %v", err)
			}
			fromBin := tc.msg.ProtoReflect().New().Interface()
			if err := proto.Unmarshal(bin, fromBin); err != nil {
				t.Fatalf("proto.Unmarshal: %v", err)
			}
			if !proto.Equal(tc.msg, fromBin) {
				t.Errorf("binary round trip changed the message:\n got %v\nwant %v", fromBin, tc.msg)
			}

			js, err := protojson.Marshal(tc.msg)
			if err != nil {
				t.Fatalf("protojson.Marshal: %v", err)
			}
			fromJSON := tc.msg.ProtoReflect().New().Interface()
			if err := protojson.Unmarshal(js, fromJSON); err != nil {
				t.Fatalf("protojson.Unmarshal(%s): %v", js, err)
			}
			if !proto.Equal(tc.msg, fromJSON) {
				t.Errorf("JSON round trip changed the message:\n got %v\nwant %v\njson %s", fromJSON, tc.msg, js)
			}
		})
	}
}

// TestConfigAcceptsUsersFieldNames checks that configuration written the way
// users write it (lowerCamelCase, or the proto names such as instance_name)
// decodes into the generated types.
func TestConfigAcceptsUsersFieldNames(t *testing.T) {
	t.Run("Handler", func(t *testing.T) {
		var h policypb.Handler
		in := `{"name": "handler", "compiledAdapter": "memquota", "params": {"quotas": []}}`
		if err := protojson.Unmarshal([]byte(in), &h); err != nil {
			t.Fatalf("protojson.Unmarshal: %v", err)
		}
		if h.GetCompiledAdapter() != "memquota" {
			t.Errorf("CompiledAdapter = %q, want memquota", h.GetCompiledAdapter())
		}
	})
	t.Run("Instance", func(t *testing.T) {
		var i policypb.Instance
		in := `{"name": "attributes", "compiledTemplate": "kubernetes",
			"attributeBindings": {"source.workload.name": "$out.source_workload_name | \"unknown\""}}`
		if err := protojson.Unmarshal([]byte(in), &i); err != nil {
			t.Fatalf("protojson.Unmarshal: %v", err)
		}
		if got := i.GetAttributeBindings()["source.workload.name"]; got == "" {
			t.Errorf("attributeBindings lost source.workload.name: %v", i.GetAttributeBindings())
		}
	})
	for _, in := range []string{
		`{"metrics": [{"name": "requests_total", "instance_name": "requestcount.instance.istio-system",
			"kind": "COUNTER", "label_names": ["reporter"]}]}`,
		`{"metrics": [{"name": "requests_total", "instanceName": "requestcount.instance.istio-system",
			"kind": "COUNTER", "labelNames": ["reporter"]}]}`,
	} {
		var p prometheuscfg.Params
		if err := protojson.Unmarshal([]byte(in), &p); err != nil {
			t.Fatalf("protojson.Unmarshal(%s): %v", in, err)
		}
		m := p.GetMetrics()[0]
		if m.GetInstanceName() != "requestcount.instance.istio-system" || m.GetKind() != prometheuscfg.Params_MetricInfo_COUNTER ||
			len(m.GetLabelNames()) != 1 {
			t.Errorf("decoded %s as %v", in, m)
		}
	}
}
