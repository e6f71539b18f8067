// Package adaptermodelpb holds the contract between Mixer and
// out-of-process adapters, proto package istio.mixer.adapter.model.v1beta1:
// the InfrastructureBackend session service, the check, quota and report
// results every template's Handle call returns, and the TemplateVariety file
// options that mark template protos.
//
// The Go code is generated from the .proto files in this directory by
// tools/protogen/gen.sh.
package adaptermodelpb
