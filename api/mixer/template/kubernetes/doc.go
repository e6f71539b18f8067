// Package kubernetes holds the kubernetes template (attribute-generator
// variety): InstanceMsg, the pod identities of a request, OutputMsg, what is
// known about those pods, and HandleKubernetesService, which out-of-process
// adapters implement to fill in the output.
//
// The Go code is generated from kubernetes.proto by tools/protogen/gen.sh.
package kubernetes
