// Package config holds the handler parameters of the Prometheus metrics adapter,
// proto package adapter.prometheus.config.
//
// The Go code is generated from config.proto by tools/protogen/gen.sh.
package config
