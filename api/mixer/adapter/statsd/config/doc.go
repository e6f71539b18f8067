// Package config holds the handler parameters of the statsd metrics adapter,
// proto package adapter.statsd.config.
//
// The Go code is generated from config.proto by tools/protogen/gen.sh.
package config
