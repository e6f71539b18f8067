package version

import (
	"fmt"
	"runtime"
)

// These variables are the one exception to Sail's rule against
// package-level mutable state: the linker sets them with -X at build time
// and no code ever assigns them. They must stay unexported, uninitialised
// by function calls, and of type string, or -X silently stops working.
var (
	gitVersion = "dev"
	gitCommit  = "unknown"
	buildDate  = "unknown"
)

// Info describes one build of a Sail binary.
type Info struct {
	Version   string `json:"version"`
	GitCommit string `json:"gitCommit"`
	BuildDate string `json:"buildDate"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns the build information of the running binary.
func Get() Info {
	return Info{
		Version:   gitVersion,
		GitCommit: gitCommit,
		BuildDate: buildDate,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
}

// String renders the build on one line, version first, for example
// "v0.1.0 (commit 3f2a9c1, built 2025-01-02T03:04:05Z, go1.26.8, linux/amd64)".
func (i Info) String() string {
	return fmt.Sprintf("%s (commit %s, built %s, %s, %s)",
		i.Version, i.GitCommit, i.BuildDate, i.GoVersion, i.Platform)
}
