// Package config holds the handler parameters of the Redis-backed quota adapter,
// proto package adapter.redisquota.config.
//
// The Go code is generated from config.proto by tools/protogen/gen.sh.
package config
