package file

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/parse"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/internal/storeutil"
)

// Create implements store.Store. It writes the object to a new file,
// <dir>/<kind>-<namespace>-<name>.yaml in lower case (a numeric suffix is
// added if that name is taken), and serves it before returning.
func (s *Store) Create(ctx context.Context, obj *config.Object) (*config.Object, error) {
	c, err := s.prepare(ctx, obj)
	if err != nil {
		return nil, err
	}
	key := c.Key()
	s.mu.Lock()
	defer s.mu.Unlock()
	if path, ok := s.owner[key]; ok {
		return nil, fmt.Errorf("%s: %w (defined in %s)", key, store.ErrAlreadyExists, path)
	}
	path := s.newPath(c)
	data, err := s.encode(path, []*config.Object{c})
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", key, err)
	}
	if err := writeFile(path, data); err != nil {
		return nil, fmt.Errorf("create %s: %w", key, err)
	}
	// The file is written: finish even if ctx ends now.
	created, err := s.mem.Create(context.WithoutCancel(ctx), c)
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("create %s: %w", key, err)
	}
	s.files[path] = &fileState{sum: sha256.Sum256(data), objs: []*config.Object{c}}
	s.owner[key] = path
	return created, nil
}

// Update implements store.Store. It rewrites the file that defines the
// object: a file holding several objects is re-encoded whole from their
// last good content, so its comments and formatting are lost. An update
// that changes nothing writes nothing.
func (s *Store) Update(ctx context.Context, obj *config.Object) (*config.Object, error) {
	c, err := s.prepare(ctx, obj)
	if err != nil {
		return nil, err
	}
	key := c.Key()
	s.mu.Lock()
	defer s.mu.Unlock()
	path, cur, err := s.current(key, obj.ResourceVersion)
	if err != nil {
		return nil, err
	}
	if config.SameContent(cur, c) {
		return cur, nil
	}
	f := s.files[path]
	objs := slices.Clone(f.objs)
	objs[slices.IndexFunc(objs, func(o *config.Object) bool { return o.Key() == key })] = c
	data, err := s.encode(path, objs)
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", key, err)
	}
	if err := writeFile(path, data); err != nil {
		return nil, fmt.Errorf("update %s: %w", key, err)
	}
	updated, err := s.mem.Update(context.WithoutCancel(ctx), c)
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", key, err)
	}
	f.objs, f.sum = objs, sha256.Sum256(data)
	return updated, nil
}

// Delete implements store.Store. It removes the object's document from its
// file, and the file when no document is left.
func (s *Store) Delete(ctx context.Context, key config.Key, resourceVersion string) error {
	if err := s.waitSynced(ctx); err != nil {
		return err
	}
	if _, err := s.mem.Kind(key.GroupKind); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	path, _, err := s.current(key, resourceVersion)
	if err != nil {
		return err
	}
	f := s.files[path]
	objs := slices.DeleteFunc(slices.Clone(f.objs), func(o *config.Object) bool { return o.Key() == key })
	if len(objs) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		delete(s.files, path)
	} else {
		data, err := s.encode(path, objs)
		if err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		if err := writeFile(path, data); err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		f.objs, f.sum = objs, sha256.Sum256(data)
	}
	s.remove(key)
	s.commit()
	return nil
}

// prepare waits for the first load, checks obj and returns the copy to
// write: the preferred version if none is given, an empty spec for none.
func (s *Store) prepare(ctx context.Context, obj *config.Object) (*config.Object, error) {
	if err := s.waitSynced(ctx); err != nil {
		return nil, err
	}
	k, err := s.mem.Kind(obj.GVK.GroupKind())
	if err != nil {
		return nil, err
	}
	if err := storeutil.CheckObject(k, obj); err != nil {
		return nil, err
	}
	c := fileObject(obj)
	if c.GVK.Version == "" {
		c.GVK.Version = k.Versions[0]
	}
	if c.Spec == nil {
		c.Spec = k.NewSpec()
	}
	return c, nil
}

// current re-reads the file defining key, so that edits the watcher has not
// applied yet are not overwritten, and returns it with the object if
// resourceVersion ("" for any) matches.
func (s *Store) current(key config.Key, resourceVersion string) (string, *config.Object, error) {
	if path, ok := s.owner[key]; ok {
		s.refresh(path, func(string) {})
		s.commit()
	}
	path, ok := s.owner[key]
	if !ok {
		return "", nil, fmt.Errorf("%s: %w", key, store.ErrNotFound)
	}
	if err := s.files[path].err; err != nil {
		return "", nil, fmt.Errorf("%s is defined in %s, which has errors; fix the file before changing its objects: %w", key, path, err)
	}
	cur, err := s.mem.Get(key.GroupKind, key.Namespace, key.Name)
	if err != nil {
		return "", nil, err
	}
	if resourceVersion != "" && resourceVersion != cur.ResourceVersion {
		return "", nil, fmt.Errorf("%s: %w: have version %s, change is for %s", key, store.ErrConflict, cur.ResourceVersion, resourceVersion)
	}
	return path, cur, nil
}

// newPath returns a path for a new file holding only obj.
func (s *Store) newPath(obj *config.Object) string {
	parts := []string{obj.GVK.Kind}
	if obj.Namespace != "" {
		parts = append(parts, obj.Namespace)
	}
	base := strings.ToLower(strings.Join(append(parts, obj.Name), "-"))
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name += "-" + strconv.Itoa(i)
		}
		path := filepath.Join(s.dir, name+".yaml")
		if _, known := s.files[path]; known {
			continue
		}
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			return path
		}
	}
}

// encode returns the content of a file holding objs, and checks that it
// decodes back to the same objects. JSON files get JSON: one object, or a
// v1 List of several.
func (s *Store) encode(path string, objs []*config.Object) ([]byte, error) {
	var data []byte
	var err error
	if strings.EqualFold(filepath.Ext(path), ".json") {
		data, err = encodeJSON(objs)
	} else {
		data, err = parse.Marshal(objs...)
	}
	if err != nil {
		return nil, err
	}
	back, err := s.decode(path, data)
	if err != nil {
		return nil, fmt.Errorf("encoded %s does not decode: %w", path, err)
	}
	if len(back) != len(objs) {
		return nil, fmt.Errorf("encoded %s decodes to %d objects, want %d", path, len(back), len(objs))
	}
	for i, o := range back {
		if !config.SameContent(o, objs[i]) {
			return nil, fmt.Errorf("encoded %s does not decode to the same %s", path, objs[i].Key())
		}
	}
	return data, nil
}

func encodeJSON(objs []*config.Object) ([]byte, error) {
	items := make([]any, len(objs))
	for i, o := range objs {
		m, err := parse.ToMap(o)
		if err != nil {
			return nil, err
		}
		items[i] = m
	}
	doc := items[0]
	if len(items) > 1 {
		doc = map[string]any{"apiVersion": "v1", "kind": "List", "items": items}
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// writeFile replaces path's content atomically: readers see the old file
// or the new one, never part of either. A new file is 0644; an existing
// one keeps its mode.
func writeFile(path string, data []byte) (err error) {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
