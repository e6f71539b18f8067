// Package policypb holds Mixer's configuration model, proto package
// istio.policy.v1beta1: rules, handlers, instances and attribute manifests,
// the ValueType enum, the typed Value messages that templates carry to
// adapters, and adapter Info.
//
// The Go code is generated from the .proto files in this directory by
// tools/protogen/gen.sh.
package policypb
