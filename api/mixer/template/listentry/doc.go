// Package listentry holds the listentry template (check variety):
// InstanceMsg, a value to look up in an allow or deny list, and
// HandleListEntryService, which out-of-process adapters implement to check it.
//
// The Go code is generated from listentry.proto by tools/protogen/gen.sh.
package listentry
