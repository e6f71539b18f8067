package validate

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/parse"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// execute runs the command as istioctl would and returns its output and
// exit status.
func execute(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCommand(Deps{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	cmd.SetArgs(args)
	err := cmd.Execute()
	switch {
	case err == nil:
		code = 0
	default:
		var ee interface{ ExitCode() int }
		if !errors.As(err, &ee) {
			t.Fatalf("error without an exit code: %v", err)
		}
		code = ee.ExitCode()
	}
	return out.String(), errOut.String(), code
}

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update to accept):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// TestInvalid runs the command on each file under testdata/invalid: the
// output must match <case>.golden and the exit status must be 1.
func TestInvalid(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "invalid", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden") {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		t.Run(name, func(t *testing.T) {
			out, errOut, code := execute(t, "", "-f", in)
			if code != ExitInvalid {
				t.Errorf("exit status %d, want %d", code, ExitInvalid)
			}
			if errOut != "" {
				t.Errorf("unexpected stderr: %s", errOut)
			}
			if !strings.Contains(out, in+":") {
				t.Errorf("output does not name the file:\n%s", out)
			}
			checkGolden(t, strings.TrimSuffix(in, filepath.Ext(in))+".golden", out)
		})
	}
	if n < 30 {
		t.Errorf("only %d invalid cases", n)
	}
}

// TestValidCorpus runs the command over every configuration directory in
// samples/: everything must be OK and the exit status 0.
func TestValidCorpus(t *testing.T) {
	root := filepath.Join("..", "..", "..", "samples")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, d := range dirs {
		if d.IsDir() && d.Name() != "mesh" { // samples/mesh holds a mesh config, not objects
			args = append(args, "-f", filepath.Join(root, d.Name()))
		}
	}
	if len(args) == 0 {
		t.Fatal("no sample directories")
	}
	out, errOut, code := execute(t, "", args...)
	if code != 0 || errOut != "" {
		t.Errorf("exit status %d, stderr %q; output:\n%s", code, errOut, out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "OK    ") {
			t.Errorf("not OK: %s", l)
		}
	}
	if want := " objects, 0 invalid"; !strings.HasSuffix(lines[len(lines)-1], want) || len(lines) < 10 {
		t.Errorf("summary %q, want N%s over the corpus", lines[len(lines)-1], want)
	}
}

func TestJSONOutput(t *testing.T) {
	in := filepath.Join("testdata", "invalid", "multi-doc-one-bad.yaml")
	out, _, code := execute(t, "", "-f", in, "-o", "json")
	if code != ExitInvalid {
		t.Errorf("exit status %d, want %d", code, ExitInvalid)
	}
	checkGolden(t, filepath.Join("testdata", "json", "multi-doc-one-bad.golden"), out)
}

func TestStdinAndDirectory(t *testing.T) {
	const vs = `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: details
spec:
  hosts: [details]
  http:
  - route:
    - destination: {host: details}
`
	out, _, code := execute(t, vs, "-f", "-")
	if code != 0 || out != "OK    VirtualService/default/details (<stdin>:1)\n1 object, 0 invalid\n" {
		t.Errorf("stdin: exit %d, output:\n%s", code, out)
	}

	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "sub", "a.yml"), []byte(vs), 0o644))
	must(os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not config"), 0o644))
	out, _, code = execute(t, "", "-f", dir, "-n", "bookinfo")
	if code != 0 || !strings.Contains(out, "OK    VirtualService/bookinfo/details ("+filepath.Join(dir, "sub", "a.yml")+":1)") {
		t.Errorf("directory: exit %d, output:\n%s", code, out)
	}

	empty := t.TempDir()
	out, _, code = execute(t, "", "-f", empty, "-f", filepath.Join(dir, "missing.yaml"))
	if code != ExitInvalid || !strings.Contains(out, empty+": directory holds no .yaml, .yml or .json files") ||
		!strings.Contains(out, "missing.yaml: no such file or directory") || !strings.HasSuffix(out, "0 objects, 0 invalid, 2 inputs not read\n") {
		t.Errorf("unreadable inputs: exit %d, output:\n%s", code, out)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-f", "x.yaml", "-o", "yaml"}, {"x.yaml"}, {"--bogus"}} {
		out, errOut, code := execute(t, "", args...)
		if code != ExitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, ExitUsage)
		}
		if out != "" || !strings.HasPrefix(errOut, "Error: ") {
			t.Errorf("%q: stdout %q, stderr %q", args, out, errOut)
		}
	}
}

func TestLineOf(t *testing.T) {
	doc := `# comment
apiVersion: v1
kind: List
items:
- apiVersion: networking.istio.io/v1alpha3
  kind: VirtualService
  metadata:
    name: a
    labels:
      app.kubernetes.io/name: x
  spec:
    hosts: [a]
    http:
    - route:
      - destination:
          host: a
        weight: 50
      retries:
        per_try_timeout: 1s
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: b, namespace: ns}
spec:
  portLevelMtls:
    8080: {mode: STRICT}
`
	objs, errs := parse.New(config.BuiltinRegistry(), parse.Options{}).Parse("f.yaml", []byte(doc))
	if len(errs) > 0 || len(objs) != 2 || objs[0].Key().String() != "VirtualService/default/a" || objs[1].Key().String() != "PeerAuthentication/ns/b" {
		t.Fatalf("objects %v, errors %v", objs, errs)
	}
	if objs[0].Origin.Line != 5 || objs[1].Origin.Line != 21 {
		t.Errorf("object lines: %d, %d", objs[0].Origin.Line, objs[1].Origin.Line)
	}
	for field, want := range map[string]int{
		"spec.http[0].route[0].weight":              17,
		"spec.http[0].route[0].destination.subset":  15,
		"spec.http[0].retries.perTryTimeout":        19,
		`metadata.labels["app.kubernetes.io/name"]`: 10,
		"spec.hosts[0]":                             12,
		"spec.http[3]":                              13,
		"":                                          5,
	} {
		if got := objs[0].Origin.LineOf(field); got != want {
			t.Errorf("LineOf(%q) = %d, want %d", field, got, want)
		}
	}
	if got := objs[1].Origin.LineOf("spec.portLevelMtls[8080]"); got != 26 {
		t.Errorf("map key line = %d, want 26", got)
	}
}
