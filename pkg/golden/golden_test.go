package golden

import (
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.json")
	m, _ := structpb.NewStruct(map[string]any{"b": 1, "a": "x"})
	got := ProtoJSONList(t, []*structpb.Struct{m, m})
	Compare(t, path, true, got)
	Compare(t, path, false, got)
	data, _ := os.ReadFile(path)
	want := "[\n  {\n    \"a\": \"x\",\n    \"b\": 1\n  },\n  {\n    \"a\": \"x\",\n    \"b\": 1\n  }\n]\n"
	if string(data) != want {
		t.Errorf("got %q", data)
	}
	// A mismatch must fail the test.
	ft := &testing.T{}
	done := make(chan struct{})
	go func() { defer close(done); Compare(ft, path, false, []byte("other")) }()
	<-done
	if !ft.Failed() {
		t.Error("a mismatch did not fail")
	}
}
