// Package layout enforces ARCHITECTURE.md's package rules: components are
// separate deployments that never import each other, shared code (pkg/,
// api/) imports no component, and no hand-written file grows past the size
// that signals two concerns in one file.
package layout

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/sailmesh/sail"

// components may import only themselves, pkg/ and api/ (istioctl is a CLI
// on the same public pieces and may not reach into components either).
var components = []string{"pilot", "mixer", "security", "galley", "proxy", "istioctl"}

type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
	GoFiles      []string
	Dir          string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// owner returns the top-level directory of a package in this module.
func owner(importPath string) string {
	rest, ok := strings.CutPrefix(importPath, module+"/")
	if !ok {
		return ""
	}
	top, _, _ := strings.Cut(rest, "/")
	return top
}

func isComponent(dir string) bool {
	for _, c := range components {
		if c == dir {
			return true
		}
	}
	return false
}

func TestComponentsDoNotImportEachOther(t *testing.T) {
	for _, p := range listPackages(t) {
		from := owner(p.ImportPath)
		imports := append(append(append([]string{}, p.Imports...), p.TestImports...), p.XTestImports...)
		for _, imp := range imports {
			to := owner(imp)
			if to == "" || to == from || !isComponent(to) {
				continue
			}
			if isComponent(from) {
				t.Errorf("%s imports %s: components talk over their APIs, they never import each other", p.ImportPath, imp)
			} else if from == "pkg" || from == "api" {
				t.Errorf("%s imports %s: %s/ is shared by components and must not import one", p.ImportPath, imp, from)
			}
		}
	}
}

func TestFileLength(t *testing.T) {
	const limit = 800
	for _, p := range listPackages(t) {
		for _, f := range p.GoFiles {
			if strings.HasSuffix(f, ".pb.go") {
				continue
			}
			path := filepath.Join(p.Dir, f)
			n, generated := countLines(t, path)
			if !generated && n > limit {
				t.Errorf("%s has %d lines (limit %d): split it by concern", path, n, limit)
			}
		}
	}
}

func countLines(t *testing.T, path string) (n int, generated bool) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for s.Scan() {
		if n == 0 && strings.HasPrefix(s.Text(), "// Code generated") {
			generated = true
		}
		n++
	}
	return n, generated
}
