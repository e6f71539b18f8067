// Package config holds the handler parameters of the stdio logging adapter,
// proto package adapter.stdio.config.
//
// The Go code is generated from config.proto by tools/protogen/gen.sh.
package config
