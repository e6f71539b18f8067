// Package golden compares test output with golden files under testdata/,
// rewriting them when a test runs with -update. It is for tests only and
// knows no component.
package golden

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Compare checks got against the file at path; with update it writes got
// there instead. A mismatch prints got and how to accept it.
func Compare(t testing.TB, path string, update bool, got []byte) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test -update and review the diff):\n%s", path, got)
	}
}

// ProtoJSON renders a message as indented JSON with sorted keys, the stable
// form golden files keep (protojson's own output is deliberately unstable).
func ProtoJSON(t testing.TB, m proto.Message) []byte {
	t.Helper()
	b, err := protojson.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return indent(t, v)
}

// ProtoJSONList renders messages as one indented JSON array, as ProtoJSON.
func ProtoJSONList[M proto.Message](t testing.TB, msgs []M) []byte {
	t.Helper()
	all := make([]any, 0, len(msgs))
	for _, m := range msgs {
		var v any
		if err := json.Unmarshal(bytes.TrimSpace(ProtoJSON(t, m)), &v); err != nil {
			t.Fatal(err)
		}
		all = append(all, v)
	}
	return indent(t, all)
}

func indent(t testing.TB, v any) []byte {
	t.Helper()
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}
