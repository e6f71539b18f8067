package file

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store/internal/storeutil"
)

// The methods in this file change the store's state; callers hold s.mu and
// end every batch of changes with commit.

// wanted reports whether the file at path is configuration the store reads.
func wanted(path string) bool {
	base := filepath.Base(path)
	if hidden(base) {
		return false
	}
	switch strings.ToLower(filepath.Ext(base)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// hidden names are skipped: editors' swap and backup files, the store's own
// temporary files, version control and Kubernetes' ..data directories.
func hidden(base string) bool { return strings.HasPrefix(base, ".") }

// under reports whether path is root or inside it.
func under(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+string(filepath.Separator))
}

// refresh brings the state in line with what is now at path: a file, a
// directory tree, or nothing. watch is called for every directory found.
func (s *Store) refresh(path string, watch func(dir string)) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.forgetTree(path)
	case err != nil:
		s.log.Warn("cannot read config path; keeping what it held", "path", path, "err", err)
	case fi.IsDir():
		s.scan(path, watch)
	case fi.Mode().IsRegular() && wanted(path):
		s.load(path, false)
	}
}

// scan loads every file under root and forgets known files that are gone.
func (s *Store) scan(root string, watch func(dir string)) {
	found := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			s.log.Warn("cannot read config path", "path", path, "err", err)
			return nil
		}
		if path != root && hidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			watch(path)
			return nil
		}
		if !wanted(path) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 { // e.g. a ConfigMap volume's files
			if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		found[path] = true
		return nil
	})
	if err != nil {
		s.log.Warn("cannot scan config directory", "path", root, "err", err)
	}
	for _, path := range slices.Sorted(maps.Keys(found)) {
		s.load(path, false)
	}
	for _, path := range slices.Sorted(maps.Keys(s.files)) {
		if under(path, root) && !found[path] {
			s.forget(path)
		}
	}
}

// load reads one file and applies it whole, or records why not. Content
// already read is skipped unless force is set.
func (s *Store) load(path string, force bool) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		s.forget(path)
		return
	}
	if err != nil {
		s.log.Warn("cannot read config file; keeping its objects", "file", path, "err", err)
		return
	}
	sum := sha256.Sum256(data)
	f := s.files[path]
	if f == nil {
		f = &fileState{}
		s.files[path] = f
	} else if f.sum == sum && !force {
		return
	}
	f.sum = sum
	objs, err := s.decode(path, data)
	if err != nil {
		s.reject(path, f, err, false)
		return
	}
	for i, o := range objs {
		objs[i] = fileObject(o)
	}
	held, conflict, err := s.admit(path, objs)
	if err != nil {
		s.reject(path, f, err, conflict)
		return
	}
	s.apply(path, f, objs, held)
}

// admit checks a file's objects as a whole and returns those of held kinds.
// conflict is set when the only problem is objects another file defines.
func (s *Store) admit(path string, objs []*config.Object) (held []*config.Object, conflict bool, err error) {
	var invalid, taken config.ErrorList
	seen := map[config.Key]bool{}
	for _, o := range objs {
		key := o.Key()
		k, err := s.mem.Kind(key.GroupKind)
		if err != nil {
			continue // another component's kind: not ours to judge
		}
		if seen[key] {
			invalid = append(invalid, &config.Error{File: path, Object: key.String(), Message: "defined twice in this file"})
			continue
		}
		seen[key] = true
		if err := storeutil.CheckObject(k, o); err != nil {
			invalid = append(invalid, config.AsErrorList(err).At(path, 0, key.String())...)
		}
		if owner, ok := s.owner[key]; ok && owner != path {
			taken = append(taken, &config.Error{File: path, Object: key.String(),
				Message: fmt.Sprintf("already defined in %s; define each object in one file only (this file is not applied until then)", owner)})
		}
		held = append(held, o)
	}
	if len(invalid) > 0 {
		return nil, false, append(invalid, taken...)
	}
	if len(taken) > 0 {
		return nil, true, taken
	}
	return held, false, nil
}

// reject records why the content of path just read is not applied; the
// file's previous objects stay.
func (s *Store) reject(path string, f *fileState, err error, conflict bool) {
	f.err, f.conflict = err, conflict
	var msgs []string
	for _, e := range config.AsErrorList(err) {
		msgs = append(msgs, e.Error())
	}
	s.log.Error("config file not applied; serving its previous objects", "file", path, "objects", len(f.objs), "errors", msgs)
}

// apply makes objs the content of path; held are those of held kinds.
func (s *Store) apply(path string, f *fileState, objs, held []*config.Object) {
	ctx := context.Background()
	now := map[config.Key]bool{}
	for _, o := range held {
		now[o.Key()] = true
	}
	var added, updated, deleted int
	for _, o := range f.objs {
		key := o.Key()
		if s.owner[key] == path && !now[key] {
			s.remove(key)
			deleted++
		}
	}
	for _, o := range held {
		key := o.Key()
		cur, err := s.mem.Get(key.GroupKind, key.Namespace, key.Name)
		switch {
		case err != nil:
			_, err = s.mem.Create(ctx, o)
			added++
		case !config.SameContent(cur, o):
			_, err = s.mem.Update(ctx, o)
			updated++
		}
		if err != nil {
			s.log.Error("cannot store object", "file", path, "object", key, "err", err)
			continue
		}
		// A key another file gave up in this batch moves here without
		// being deleted.
		s.owner[key] = path
		delete(s.doomed, key)
	}
	wasBad := f.err != nil
	f.objs, f.err, f.conflict = objs, nil, false
	if added+updated+deleted > 0 || wasBad {
		s.log.Info("config file applied", "file", path, "added", added, "updated", updated, "deleted", deleted)
	}
}

// forgetTree forgets path and every file under it.
func (s *Store) forgetTree(path string) {
	for _, p := range slices.Sorted(maps.Keys(s.files)) {
		if under(p, path) {
			s.forget(p)
		}
	}
}

// forget removes a file that is gone, and its objects.
func (s *Store) forget(path string) {
	f, ok := s.files[path]
	if !ok {
		return
	}
	deleted := 0
	for _, o := range f.objs {
		if s.owner[o.Key()] == path {
			s.remove(o.Key())
			deleted++
		}
	}
	delete(s.files, path)
	s.log.Info("config file removed", "file", path, "deleted", deleted)
}

// remove frees a held object's key for other files and dooms the object:
// commit deletes it unless a file of the same batch defines it again, so
// that an object moving between files (a rename) is not deleted and
// re-added.
func (s *Store) remove(key config.Key) {
	delete(s.owner, key)
	s.doomed[key] = true
	s.released = true
}

// commit ends a batch of changes: files rejected for defining objects
// another file gave up are retried, then objects no file defines are
// deleted.
func (s *Store) commit() {
	for s.released {
		s.released = false
		for _, path := range slices.Sorted(maps.Keys(s.files)) {
			if f := s.files[path]; f != nil && f.conflict {
				s.load(path, true)
			}
		}
	}
	for _, key := range slices.SortedFunc(maps.Keys(s.doomed), config.Key.Compare) {
		if err := s.mem.Delete(context.Background(), key, ""); err != nil {
			s.log.Error("cannot delete object", "object", key, "err", err)
		}
	}
	clear(s.doomed)
}

// fileObject returns o without the metadata a store assigns, as it is kept
// for and written to files.
func fileObject(o *config.Object) *config.Object {
	c := o.DeepCopy()
	c.ResourceVersion, c.UID, c.Generation, c.CreationTimestamp = "", "", 0, time.Time{}
	return c
}
