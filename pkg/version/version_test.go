package version

import (
	"encoding/json"
	"runtime"
	"testing"
)

func TestGetUnstamped(t *testing.T) {
	// Tests are built without -ldflags -X, so the defaults show.
	got := Get()
	want := Info{
		Version:   "dev",
		GitCommit: "unknown",
		BuildDate: "unknown",
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if got != want {
		t.Errorf("Get() = %+v, want %+v", got, want)
	}
}

func TestInfoString(t *testing.T) {
	tests := []struct {
		name string
		info Info
		want string
	}{
		{
			name: "stamped",
			info: Info{Version: "v0.1.0", GitCommit: "3f2a9c1", BuildDate: "2025-01-02T03:04:05Z", GoVersion: "go1.26.8", Platform: "linux/amd64"},
			want: "v0.1.0 (commit 3f2a9c1, built 2025-01-02T03:04:05Z, go1.26.8, linux/amd64)",
		},
		{
			name: "unstamped",
			info: Info{Version: "dev", GitCommit: "unknown", BuildDate: "unknown", GoVersion: "go1.26.8", Platform: "darwin/arm64"},
			want: "dev (commit unknown, built unknown, go1.26.8, darwin/arm64)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.info.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInfoJSON(t *testing.T) {
	info := Info{Version: "v1", GitCommit: "c", BuildDate: "d", GoVersion: "g", Platform: "p"}
	b, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"version":"v1","gitCommit":"c","buildDate":"d","goVersion":"g","platform":"p"}`
	if string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
}
