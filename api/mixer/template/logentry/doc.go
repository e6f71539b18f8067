// Package logentry holds the logentry template (report variety): InstanceMsg,
// one structured log record, and HandleLogEntryService, which out-of-process
// adapters implement to receive batches of them.
//
// The Go code is generated from logentry.proto by tools/protogen/gen.sh.
package logentry
