// Package quota holds the quota template (quota variety): InstanceMsg, the
// dimensions a quota is counted along, and HandleQuotaService, which
// out-of-process adapters implement to allocate quota.
//
// The Go code is generated from quota.proto by tools/protogen/gen.sh.
package quota
