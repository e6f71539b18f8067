package file_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/storetest"
)

func vsYAML(ns, name string, hosts ...string) string {
	return fmt.Sprintf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: %s
  namespace: %s
spec:
  hosts: [%s]
  http:
  - route:
    - destination:
        host: reviews
      weight: 100
    timeout: 3s
`, name, ns, strings.Join(hosts, ", "))
}

func drYAML(ns, name string) string {
	return fmt.Sprintf(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: %s
  namespace: %s
spec:
  host: reviews
`, name, ns)
}

func vsKey(ns, name string) config.Key {
	return config.Key{GroupKind: config.GroupKind{Group: config.NetworkingGroup, Kind: "VirtualService"}, Namespace: ns, Name: name}
}

func drKey(ns, name string) config.Key {
	return config.Key{GroupKind: config.GroupKind{Group: config.NetworkingGroup, Kind: "DestinationRule"}, Namespace: ns, Name: name}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func hosts(t *testing.T, s store.Store, key config.Key) []string {
	t.Helper()
	obj, err := s.Get(key.GroupKind, key.Namespace, key.Name)
	if err != nil {
		t.Fatalf("Get(%s): %v", key, err)
	}
	return obj.Spec.(*networking.VirtualService).Hosts
}

// eventually polls cond until it holds or storetest.WaitTimeout passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(storetest.WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", storetest.WaitTimeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func types(evs []store.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Type.String()+" "+ev.Object.Key().String())
	}
	return out
}

// since returns the events after the first n.
func since(evs []store.Event, n int) []store.Event { return evs[n:] }

func TestInitialLoad(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.yaml"), vsYAML("ns", "a", "a.example.com")+"---\n"+drYAML("ns", "a"))
	write(t, filepath.Join(dir, "sub", "deeper", "b.yml"), vsYAML("ns", "b", "b.example.com"))
	write(t, filepath.Join(dir, "c.json"), `{"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
		"metadata": {"name": "c", "namespace": "ns"}, "spec": {"hosts": ["c.example.com"]}}`)
	write(t, filepath.Join(dir, "broken.yaml"), "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec: {hostz: [x]}\n")
	write(t, filepath.Join(dir, "notes.txt"), "not config")
	write(t, filepath.Join(dir, ".hidden.yaml"), vsYAML("ns", "hidden", "h"))
	write(t, filepath.Join(dir, ".git", "x.yaml"), vsYAML("ns", "git", "g"))

	s := start(t, dir)
	vs, _ := s.List(vsKey("", "").GroupKind, "")
	if got, want := keysOf(vs), []config.Key{vsKey("ns", "a"), vsKey("ns", "b"), vsKey("ns", "c")}; !slices.Equal(got, want) {
		t.Errorf("VirtualServices = %v, want %v", got, want)
	}
	if _, err := s.Get(drKey("ns", "a").GroupKind, "ns", "a"); err != nil {
		t.Errorf("DestinationRule from a multi-document file: %v", err)
	}
	errs := s.Errors()
	if len(errs) != 1 || errs[filepath.Join(dir, "broken.yaml")] == nil {
		t.Fatalf("Errors() = %v, want one for broken.yaml", errs)
	}
	if msg := errs[filepath.Join(dir, "broken.yaml")].Error(); !strings.Contains(msg, "hostz") || !strings.Contains(msg, "broken.yaml:4") {
		t.Errorf("error for broken.yaml = %q, want it to name the file, line and field", msg)
	}
	if src, _ := s.Source(vsKey("ns", "b")); src != filepath.Join(dir, "sub", "deeper", "b.yml") {
		t.Errorf("Source(b) = %q", src)
	}
}

func keysOf(objs []*config.Object) []config.Key {
	var out []config.Key
	for _, o := range objs {
		out = append(out, o.Key())
	}
	return out
}

func TestHandEdits(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vs.yaml")
	write(t, path, vsYAML("ns", "a", "v1.example.com"))
	s := start(t, dir)
	r := storetest.Record(t, s)
	key := vsKey("ns", "a")

	// An edit is one Updated event.
	write(t, path, vsYAML("ns", "a", "v2.example.com"))
	evs := r.WaitFor(t, store.Updated, key)
	if len(evs) != 1 || !slices.Equal(evs[0].Old.Spec.(*networking.VirtualService).Hosts, []string{"v1.example.com"}) {
		t.Fatalf("events after an edit = %v", types(evs))
	}
	if got := hosts(t, s, key); !slices.Equal(got, []string{"v2.example.com"}) {
		t.Errorf("hosts = %v after the edit", got)
	}

	// A broken file is reported and its objects stay; so does a
	// half-written one. Fixing it applies it.
	good := "v2.example.com"
	for i, bad := range []string{
		"apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a, namespace: ns}\nspec:\n  hosts: v3\n",
		vsYAML("ns", "a", "v3.example.com")[:60], // cut inside metadata
		"{{{ not yaml",
	} {
		n := len(r.Events())
		write(t, path, bad)
		eventually(t, "the error to be reported", func() bool { return s.Errors()[path] != nil })
		if got := hosts(t, s, key); !slices.Equal(got, []string{good}) {
			t.Errorf("hosts = %v after breaking the file, want the last good ones", got)
		}
		good = fmt.Sprintf("fixed%d.example.com", i)
		write(t, path, vsYAML("ns", "a", good))
		evs := since(r.WaitFor(t, store.Updated, key), n)
		if len(evs) != 1 || !slices.Equal(evs[0].Object.Spec.(*networking.VirtualService).Hosts, []string{good}) {
			t.Errorf("events after breaking and fixing the file = %v, want one update to the fixed content", types(evs))
		}
		if err := s.Errors()[path]; err != nil {
			t.Errorf("error still reported after the fix: %v", err)
		}
	}

	// Deleting the file deletes its objects.
	write(t, filepath.Join(dir, "two.yaml"), vsYAML("ns", "b", "b")+"---\n"+drYAML("ns", "b"))
	r.WaitFor(t, store.Added, drKey("ns", "b"))
	if err := os.Remove(filepath.Join(dir, "two.yaml")); err != nil {
		t.Fatal(err)
	}
	r.WaitUntil(t, "both objects deleted", func(evs []store.Event) bool {
		deleted := map[config.Key]bool{}
		for _, ev := range evs {
			if ev.Type == store.Deleted {
				deleted[ev.Object.Key()] = true
			}
		}
		return deleted[vsKey("ns", "b")] && deleted[drKey("ns", "b")]
	})
	if _, err := s.Get(vsKey("ns", "b").GroupKind, "ns", "b"); err == nil {
		t.Error("object of a deleted file is still served")
	}
}

// TestEditorSaves checks the ways editors and tools replace files: each is
// one Updated event, never a Deleted and Added pair.
func TestEditorSaves(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vs.yaml")
	write(t, path, vsYAML("ns", "a", "h0"))
	s := start(t, dir)
	r := storetest.Record(t, s)
	key := vsKey("ns", "a")

	saves := []struct {
		name string
		save func(content string)
	}{
		{"temp file and rename", func(content string) {
			write(t, filepath.Join(dir, ".vs.yaml.swp"), content)
			if err := os.Rename(filepath.Join(dir, ".vs.yaml.swp"), path); err != nil {
				t.Fatal(err)
			}
		}},
		{"backup by rename then write", func(content string) {
			if err := os.Rename(path, path+"~"); err != nil {
				t.Fatal(err)
			}
			write(t, path, content)
			if err := os.Remove(path + "~"); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncate and write", func(content string) { write(t, path, content) }},
	}
	for i, c := range saves {
		n := len(r.Events())
		host := fmt.Sprintf("h%d", i+1)
		c.save(vsYAML("ns", "a", host))
		evs := since(r.WaitFor(t, store.Updated, key), n)
		if got := types(evs); len(got) != 1 {
			t.Errorf("%s: events = %v, want one update", c.name, got)
		}
		if got := hosts(t, s, key); !slices.Equal(got, []string{host}) {
			t.Errorf("%s: hosts = %v, want [%s]", c.name, got, host)
		}
	}
}

func TestRenameAndMove(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "b.yaml"), vsYAML("ns", "a", "h"))
	s := start(t, dir)
	r := storetest.Record(t, s)
	key := vsKey("ns", "a")

	// Renaming a file, either way round in sort order, and moving it into
	// a new directory keeps its objects without events.
	for _, to := range []string{"a.yaml", "c.yaml", filepath.Join("new", "dir", "c.yaml")} {
		from, _ := s.Source(key)
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(from, filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the new source", func() bool { src, _ := s.Source(key); return src == filepath.Join(dir, to) })
	}
	// Renaming a directory.
	if err := os.Rename(filepath.Join(dir, "new"), filepath.Join(dir, "renamed")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the renamed directory", func() bool {
		src, _ := s.Source(key)
		return src == filepath.Join(dir, "renamed", "dir", "c.yaml")
	})
	// A directory created later, with files written right away.
	write(t, filepath.Join(dir, "later", "x", "d.yaml"), vsYAML("ns", "d", "d"))
	r.WaitFor(t, store.Added, vsKey("ns", "d"))
	if got := types(forKey(r.Events(), key)); len(got) != 0 {
		t.Errorf("moving the file caused events %v", got)
	}
	// Removing a directory deletes the objects of its files.
	if err := os.RemoveAll(filepath.Join(dir, "renamed")); err != nil {
		t.Fatal(err)
	}
	r.WaitFor(t, store.Deleted, key)
	if errs := s.Errors(); len(errs) != 0 {
		t.Errorf("Errors() = %v", errs)
	}
}

func forKey(evs []store.Event, key config.Key) []store.Event {
	var out []store.Event
	for _, ev := range evs {
		if ev.Object.Key() == key {
			out = append(out, ev)
		}
	}
	return out
}

func TestDefinedTwice(t *testing.T) {
	dir := t.TempDir()
	first, second := filepath.Join(dir, "1.yaml"), filepath.Join(dir, "2.yaml")
	write(t, first, vsYAML("ns", "a", "first"))
	write(t, second, vsYAML("ns", "a", "second")+"---\n"+drYAML("ns", "b"))
	s := start(t, dir)
	r := storetest.Record(t, s)
	key := vsKey("ns", "a")
	if got := hosts(t, s, key); !slices.Equal(got, []string{"first"}) {
		t.Errorf("hosts = %v, want the first file's", got)
	}
	err := s.Errors()[second]
	if err == nil || !strings.Contains(err.Error(), first) {
		t.Fatalf("error for the second file = %v, want one naming %s", err, first)
	}
	if _, err := s.Get(drKey("ns", "b").GroupKind, "ns", "b"); err == nil {
		t.Error("the rest of a rejected file was applied")
	}
	// When the first file lets go, the second applies whole.
	write(t, first, drYAML("ns", "other"))
	r.WaitFor(t, store.Added, drKey("ns", "b"))
	if got := hosts(t, s, key); !slices.Equal(got, []string{"second"}) {
		t.Errorf("hosts = %v, want the second file's", got)
	}
	if evs := types(forKey(r.Events(), key)); len(evs) != 1 || !strings.HasPrefix(evs[0], "update") {
		t.Errorf("events for the moved object = %v, want one update", evs)
	}
	if errs := s.Errors(); len(errs) != 0 {
		t.Errorf("Errors() = %v", errs)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestWritesGoToFiles(t *testing.T) {
	dir := t.TempDir()
	multi := filepath.Join(dir, "multi.yaml")
	write(t, multi, "# a comment that is lost on rewrite\n"+vsYAML("ns", "a", "a")+"---\n"+drYAML("ns", "a")+
		"---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: pa, namespace: ns}\nspec: {mtls: {mode: STRICT}}\n")
	st := startWith(t, dir, networkingKinds())
	r := storetest.Record(t, st)
	ctx := t.Context()

	// Create writes one new file, and the watcher adds no event of its own.
	created, err := st.Create(ctx, &config.Object{Meta: config.Meta{
		GVK: config.GroupVersionKind{Group: config.NetworkingGroup, Version: "v1", Kind: "Gateway"}, Namespace: "ns", Name: "gw.main"},
		Spec: &networking.Gateway{Selector: map[string]string{"istio": "ingress"}}})
	if err != nil {
		t.Fatal(err)
	}
	gwPath := filepath.Join(dir, "gateway-ns-gw.main.yaml")
	if src, _ := st.Source(created.Key()); src != gwPath {
		t.Errorf("created in %q, want %q", src, gwPath)
	}
	if got := read(t, gwPath); strings.Contains(got, "resourceVersion") || !strings.Contains(got, "ingress") {
		t.Errorf("created file:\n%s", got)
	}
	write(t, filepath.Join(dir, "barrier.yaml"), vsYAML("ns", "barrier", "b"))
	r.WaitFor(t, store.Added, vsKey("ns", "barrier"))
	if evs := types(forKey(r.Events(), created.Key())); len(evs) != 1 {
		t.Errorf("events for the created object = %v, want one add", evs)
	}

	// Update rewrites a multi-document file keeping the other documents,
	// including those of kinds the store does not hold.
	cur, _ := st.Get(vsKey("ns", "a").GroupKind, "ns", "a")
	next := cur.DeepCopy()
	next.Spec.(*networking.VirtualService).Hosts = []string{"updated.example.com"}
	if _, err := st.Update(ctx, next); err != nil {
		t.Fatal(err)
	}
	got := read(t, multi)
	for _, want := range []string{"updated.example.com", "kind: DestinationRule", "kind: PeerAuthentication"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten file lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "comment") {
		t.Errorf("comments were expected to be lost (update the documentation if not):\n%s", got)
	}

	// Delete removes one document, then the file with the last one.
	if err := st.Delete(ctx, vsKey("ns", "a"), ""); err != nil {
		t.Fatal(err)
	}
	if got := read(t, multi); strings.Contains(got, "VirtualService") || !strings.Contains(got, "DestinationRule") {
		t.Errorf("after deleting one document:\n%s", got)
	}
	if err := st.Delete(ctx, created.Key(), created.ResourceVersion); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(gwPath); !os.IsNotExist(err) {
		t.Errorf("file of the deleted object: %v", err)
	}
	// Objects of unheld kinds keep a file alive.
	if err := st.Delete(ctx, drKey("ns", "a"), ""); err != nil {
		t.Fatal(err)
	}
	if got := read(t, multi); !strings.Contains(got, "kind: PeerAuthentication") {
		t.Errorf("after deleting every held object:\n%s", got)
	}

	// JSON files stay JSON.
	jsonPath := filepath.Join(dir, "c.json")
	write(t, jsonPath, `{"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
		"metadata": {"name": "c", "namespace": "ns"}, "spec": {"hosts": ["c.example.com"]}}`)
	r.WaitFor(t, store.Added, vsKey("ns", "c"))
	cur, _ = st.Get(vsKey("ns", "c").GroupKind, "ns", "c")
	next = cur.DeepCopy()
	next.Labels = map[string]string{"x": "y"}
	if _, err := st.Update(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got := read(t, jsonPath); !json.Valid([]byte(got)) {
		t.Errorf("JSON file rewritten as:\n%s", got)
	}

	// A write to an object of a broken file is refused, not half-applied.
	write(t, jsonPath, `{"apiVersion": `)
	eventually(t, "the error", func() bool { return st.Errors()[jsonPath] != nil })
	next.Labels = map[string]string{"x": "z"}
	next.ResourceVersion = ""
	if _, err := st.Update(ctx, next); err == nil || !strings.Contains(err.Error(), "fix the file") {
		t.Errorf("Update of an object in a broken file: %v", err)
	}
	// An edit not yet seen by the watcher is read before a write, so a
	// stale version conflicts.
	write(t, filepath.Join(dir, "e.yaml"), vsYAML("ns", "e", "e1"))
	r.WaitFor(t, store.Added, vsKey("ns", "e"))
	e, _ := st.Get(vsKey("ns", "e").GroupKind, "ns", "e")
	write(t, filepath.Join(dir, "e.yaml"), vsYAML("ns", "e", "e2"))
	stale := e.DeepCopy()
	stale.Spec.(*networking.VirtualService).Hosts = []string{"lost"}
	if _, err := st.Update(ctx, stale); !errors.Is(err, store.ErrConflict) {
		t.Errorf("Update over an unseen edit: %v, want a conflict", err)
	}
}

func networkingKinds() []config.Kind {
	var out []config.Kind
	for _, k := range config.IstioKinds() {
		if k.Group == config.NetworkingGroup {
			out = append(out, k)
		}
	}
	return out
}

// TestConfigMapVolume checks the layout kubelet gives ConfigMap volumes:
// files are links through ..data, which is swapped atomically.
func TestConfigMapVolume(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "..v1", "vs.yaml"), vsYAML("ns", "a", "v1"))
	must(t, os.Symlink("..v1", filepath.Join(dir, "..data")))
	must(t, os.Symlink(filepath.Join("..data", "vs.yaml"), filepath.Join(dir, "vs.yaml")))
	s := start(t, dir)
	r := storetest.Record(t, s)
	if got := hosts(t, s, vsKey("ns", "a")); !slices.Equal(got, []string{"v1"}) {
		t.Fatalf("hosts = %v", got)
	}
	write(t, filepath.Join(dir, "..v2", "vs.yaml"), vsYAML("ns", "a", "v2"))
	must(t, os.Symlink("..v2", filepath.Join(dir, "..data_tmp")))
	must(t, os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))
	must(t, os.RemoveAll(filepath.Join(dir, "..v1")))
	r.WaitFor(t, store.Updated, vsKey("ns", "a"))
	if got := hosts(t, s, vsKey("ns", "a")); !slices.Equal(got, []string{"v2"}) {
		t.Errorf("hosts = %v after the swap", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
