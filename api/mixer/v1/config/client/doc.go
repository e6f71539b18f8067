// Package clientpb holds the proxy-side Mixer client configuration, proto
// package istio.mixer.v1.config.client: QuotaSpec and QuotaSpecBinding, which
// decide which requests charge which quotas.
//
// The Go code is generated from quota.proto by tools/protogen/gen.sh.
package clientpb
