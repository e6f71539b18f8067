// Package config holds the handler parameters of the denier adapter,
// proto package adapter.denier.config.
//
// The Go code is generated from config.proto by tools/protogen/gen.sh.
package config
