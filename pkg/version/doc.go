// Package version reports which build of Sail is running.
//
// It owns the build stamp (version, git commit, build date) that the linker
// writes into every Sail binary, and its rendering as text and JSON. It must
// not import any other Sail package: everything may depend on it.
//
// Stamping uses the linker's -X flag on three unexported string variables,
// for example:
//
//	go build -ldflags "\
//	  -X github.com/sailmesh/sail/pkg/version.gitVersion=v0.1.0 \
//	  -X github.com/sailmesh/sail/pkg/version.gitCommit=$(git rev-parse HEAD) \
//	  -X github.com/sailmesh/sail/pkg/version.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ./...
//
// Unstamped builds report version "dev" and "unknown" for commit and date.
package version
