// Package tracespan holds the tracespan template (report variety):
// InstanceMsg, one span of a distributed trace, and HandleTraceSpanService,
// which out-of-process adapters implement to receive batches of them.
//
// The Go code is generated from tracespan.proto by tools/protogen/gen.sh.
package tracespan
