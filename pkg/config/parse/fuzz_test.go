package parse

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sailmesh/sail/pkg/config"
)

// FuzzParse checks that no input crashes or hangs the parser, and that what
// it accepts survives a marshal and re-parse unchanged.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../../../samples/bookinfo/networking/*.yaml")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(vsHeader + "spec: {hosts: [a], http: [{timeout: 1s}]}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	p := newParser(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, errs := p.Parse("fuzz", data)
		if len(errs) > 0 {
			return
		}
		out, err := Marshal(objs...)
		if err != nil {
			t.Fatalf("marshal of accepted objects failed: %v", err)
		}
		again, errs := p.Parse("fuzz2", out)
		if len(errs) > 0 || len(again) != len(objs) {
			t.Fatalf("re-parse failed: %v\n%s", errs, out)
		}
		for i := range objs {
			if !config.SameContent(objs[i], again[i]) {
				t.Fatalf("%s changed in a round trip:\n%s", objs[i].Key(), out)
			}
		}
	})
}
