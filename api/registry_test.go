// Package api_test checks the generated packages as a set: that they all link
// into one binary without registry conflicts and that every template file
// declares its variety.
package api_test

import (
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/sailmesh/sail/api/mixer/adapter/denier/config"
	_ "github.com/sailmesh/sail/api/mixer/adapter/list/config"
	_ "github.com/sailmesh/sail/api/mixer/adapter/memquota/config"
	adaptermodelpb "github.com/sailmesh/sail/api/mixer/adapter/model/v1beta1"
	_ "github.com/sailmesh/sail/api/mixer/adapter/prometheus/config"
	_ "github.com/sailmesh/sail/api/mixer/adapter/redisquota/config"
	_ "github.com/sailmesh/sail/api/mixer/adapter/statsd/config"
	_ "github.com/sailmesh/sail/api/mixer/adapter/stdio/config"
	"github.com/sailmesh/sail/api/mixer/template/authorization"
	"github.com/sailmesh/sail/api/mixer/template/checknothing"
	"github.com/sailmesh/sail/api/mixer/template/kubernetes"
	"github.com/sailmesh/sail/api/mixer/template/listentry"
	"github.com/sailmesh/sail/api/mixer/template/logentry"
	"github.com/sailmesh/sail/api/mixer/template/metric"
	"github.com/sailmesh/sail/api/mixer/template/quota"
	"github.com/sailmesh/sail/api/mixer/template/tracespan"
	_ "github.com/sailmesh/sail/api/mixer/v1"
	_ "github.com/sailmesh/sail/api/mixer/v1/config/client"
	_ "github.com/sailmesh/sail/api/policy/v1beta1"
)

func TestTemplatesDeclareVariety(t *testing.T) {
	tests := []struct {
		file    protoreflect.FileDescriptor
		name    string
		variety adaptermodelpb.TemplateVariety
	}{
		{metric.File_mixer_template_metric_metric_proto, "metric", adaptermodelpb.TemplateVariety_TEMPLATE_VARIETY_REPORT},
		{logentry.File_mixer_template_logentry_logentry_proto, "logentry", adaptermodelpb.TemplateVariety_TEMPLATE_VARIETY_REPORT},
		{tracespan.File_mixer_template_tracespan_tracespan_proto, "tracespan", adaptermodelpb.TemplateVariety_TEMPLATE_VARIETY_REPORT},
		{listentry.File_mixer_template_listentry_listentry_proto, "listentry", adaptermodelpb.TemplateVariety_TEMPLATE_VARIETY_CHECK},
		{checknothing.File_mixer_template_checknothing_checknothing_proto, "checknothing", adaptermodelpb.TemplateVariety_TEMPLATE_VARIETY_CHECK},
		{authorization.File_mixer_template_authorization_authorization_proto, "authorization", adaptermodelpb.TemplateVariety_TEMPLATE_VARIETY_CHECK},
		{quota.File_mixer_template_quota_quota_proto, "quota", adaptermodelpb.TemplateVariety_TEMPLATE_VARIETY_QUOTA},
		{kubernetes.File_mixer_template_kubernetes_kubernetes_proto, "kubernetes", adaptermodelpb.TemplateVariety_TEMPLATE_VARIETY_ATTRIBUTE_GENERATOR},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.file.Options()
			if got := proto.GetExtension(opts, adaptermodelpb.E_TemplateVariety).(adaptermodelpb.TemplateVariety); got != tc.variety {
				t.Errorf("%s: template_variety = %v, want %v", tc.file.Path(), got, tc.variety)
			}
			if got := proto.GetExtension(opts, adaptermodelpb.E_TemplateName).(string); got != tc.name {
				t.Errorf("%s: template_name = %q, want %q", tc.file.Path(), got, tc.name)
			}
			if got := string(tc.file.Package()); got != tc.name {
				t.Errorf("%s: proto package = %q, want %q", tc.file.Path(), got, tc.name)
			}
			if tc.file.Messages().ByName("InstanceMsg") == nil {
				t.Errorf("%s: no InstanceMsg message", tc.file.Path())
			}
			if tc.file.Services().Len() != 1 {
				t.Errorf("%s: %d services, want exactly one Handle service", tc.file.Path(), tc.file.Services().Len())
			}
		})
	}
}

func TestStatusResolvesToGenproto(t *testing.T) {
	// The protos import a declaration-only google/rpc/status.proto; the
	// generated code must bind it to genproto's registered type.
	mt, err := protoregistry.GlobalTypes.FindMessageByName("google.rpc.Status")
	if err != nil {
		t.Fatalf("google.rpc.Status is not registered: %v", err)
	}
	if got := mt.Descriptor().ParentFile().Path(); got != "google/rpc/status.proto" {
		t.Errorf("google.rpc.Status comes from %q, want google/rpc/status.proto", got)
	}
	for _, name := range []protoreflect.FullName{
		"istio.mixer.v1.CheckResponse.PreconditionResult",
		"istio.mixer.adapter.model.v1beta1.CheckResult",
		"adapter.denier.config.Params",
	} {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(name)
		if err != nil {
			t.Fatalf("%s is not registered: %v", name, err)
		}
		status := d.(protoreflect.MessageDescriptor).Fields().ByName("status")
		if status == nil || status.Message() != mt.Descriptor() {
			t.Errorf("%s.status is not genproto's google.rpc.Status", name)
		}
	}
}
