// Package config holds the handler parameters of the in-memory quota adapter,
// proto package adapter.memquota.config.
//
// The Go code is generated from config.proto by tools/protogen/gen.sh.
package config
