// Package config holds the handler parameters of the list (listchecker) adapter,
// proto package adapter.list.config.
//
// The Go code is generated from config.proto by tools/protogen/gen.sh.
package config
