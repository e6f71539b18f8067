// Package metric holds the metric template (report variety): InstanceMsg, one
// measurement with its dimensions, and HandleMetricService, which
// out-of-process adapters implement to receive batches of them.
//
// The Go code is generated from metric.proto by tools/protogen/gen.sh.
package metric
