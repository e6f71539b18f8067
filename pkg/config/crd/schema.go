package crd

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// Schema translates a message descriptor into a structural OpenAPI v3
// schema matching protojson's encoding, which is what Sail writes and reads.
func Schema(md protoreflect.MessageDescriptor) (*apiextensionsv1.JSONSchemaProps, error) {
	s := &schemaBuilder{inProgress: map[protoreflect.FullName]bool{}}
	out := s.message(md)
	return &out, nil
}

type schemaBuilder struct {
	inProgress map[protoreflect.FullName]bool
}

func preserveUnknown(typ string) apiextensionsv1.JSONSchemaProps {
	t := true
	return apiextensionsv1.JSONSchemaProps{Type: typ, XPreserveUnknownFields: &t}
}

func intOrString(format string) apiextensionsv1.JSONSchemaProps {
	return apiextensionsv1.JSONSchemaProps{XIntOrString: true, Format: format,
		AnyOf: []apiextensionsv1.JSONSchemaProps{{Type: "integer"}, {Type: "string"}}}
}

func (s *schemaBuilder) message(md protoreflect.MessageDescriptor) apiextensionsv1.JSONSchemaProps {
	switch md.FullName() {
	case "google.protobuf.Duration":
		return apiextensionsv1.JSONSchemaProps{Type: "string", Description: "A duration with a unit, e.g. \"5s\" or \"100ms\"."}
	case "google.protobuf.Timestamp":
		return apiextensionsv1.JSONSchemaProps{Type: "string", Format: "date-time"}
	case "google.protobuf.Struct", "google.protobuf.Any":
		return preserveUnknown("object")
	case "google.protobuf.Value":
		return preserveUnknown("")
	case "google.protobuf.ListValue":
		items := preserveUnknown("")
		return apiextensionsv1.JSONSchemaProps{Type: "array", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &items}}
	case "google.protobuf.FieldMask":
		return apiextensionsv1.JSONSchemaProps{Type: "string"}
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
		"google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		v := s.scalar(md.Fields().ByName("value"))
		v.Nullable = true
		return v
	}
	if s.inProgress[md.FullName()] {
		// A recursive message: structural schemas cannot recurse, so the
		// inner occurrence keeps its fields unchecked by the API server
		// (Sail's parser still checks them).
		return preserveUnknown("object")
	}
	s.inProgress[md.FullName()] = true
	defer delete(s.inProgress, md.FullName())
	props := map[string]apiextensionsv1.JSONSchemaProps{}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		props[fd.JSONName()] = s.field(fd)
	}
	return apiextensionsv1.JSONSchemaProps{Type: "object", Properties: props}
}

func (s *schemaBuilder) field(fd protoreflect.FieldDescriptor) apiextensionsv1.JSONSchemaProps {
	switch {
	case fd.IsMap():
		v := s.single(fd.MapValue())
		return apiextensionsv1.JSONSchemaProps{Type: "object",
			AdditionalProperties: &apiextensionsv1.JSONSchemaPropsOrBool{Allows: true, Schema: &v}}
	case fd.IsList():
		v := s.single(fd)
		return apiextensionsv1.JSONSchemaProps{Type: "array", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &v}}
	}
	return s.single(fd)
}

func (s *schemaBuilder) single(fd protoreflect.FieldDescriptor) apiextensionsv1.JSONSchemaProps {
	if fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind {
		return s.message(fd.Message())
	}
	return s.scalar(fd)
}

func (s *schemaBuilder) scalar(fd protoreflect.FieldDescriptor) apiextensionsv1.JSONSchemaProps {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return apiextensionsv1.JSONSchemaProps{Type: "boolean"}
	case protoreflect.StringKind:
		return apiextensionsv1.JSONSchemaProps{Type: "string"}
	case protoreflect.BytesKind:
		return apiextensionsv1.JSONSchemaProps{Type: "string", Format: "byte"}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return apiextensionsv1.JSONSchemaProps{Type: "number"}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return apiextensionsv1.JSONSchemaProps{Type: "integer", Format: "int32"}
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return apiextensionsv1.JSONSchemaProps{Type: "integer", Format: "int32", Minimum: ptr(0)}
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		// protojson writes 64-bit integers as strings.
		return intOrString("int64")
	case protoreflect.EnumKind:
		values := fd.Enum().Values()
		var enum []apiextensionsv1.JSON
		for i := range values.Len() {
			enum = append(enum, apiextensionsv1.JSON{Raw: []byte(fmt.Sprintf("%q", values.Get(i).Name()))})
		}
		return apiextensionsv1.JSONSchemaProps{Type: "string", Enum: enum}
	}
	return preserveUnknown("")
}

func ptr(f float64) *float64 { return &f }
