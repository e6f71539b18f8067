// Package checknothing holds the checknothing template (check variety):
// InstanceMsg, which carries only its name, and HandleCheckNothingService,
// which out-of-process adapters implement to answer it.
//
// The Go code is generated from checknothing.proto by tools/protogen/gen.sh.
package checknothing
