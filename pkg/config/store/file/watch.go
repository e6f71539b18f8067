package file

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Run implements store.Store: it reads every file under the directory,
// marks the store synced, then applies changes to the files until ctx is
// done. Changes are read once a path has been quiet for the debounce
// interval, so a file being written is read when complete.
func (s *Store) Run(ctx context.Context) error {
	if s.started.Swap(true) {
		return errors.New("file store: Run called twice")
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("file store: watcher: %w", err)
	}
	defer w.Close()
	watch := func(dir string) {
		if err := w.Add(dir); err != nil {
			s.log.Warn("cannot watch directory; changes in it will be missed", "path", dir, "err", err)
		}
	}

	s.mu.Lock()
	s.scan(s.dir, watch)
	s.commit()
	files, bad := len(s.files), 0
	for _, f := range s.files {
		if f.err != nil {
			bad++
		}
	}
	s.mu.Unlock()
	close(s.synced)
	s.log.Info("config files loaded", "files", files, "rejected", bad, "objects", s.mem.Len())

	var (
		pending = map[string]bool{}
		first   time.Time // of the oldest pending change
		timer   = time.NewTimer(time.Hour)
		fire    <-chan time.Time
	)
	timer.Stop()
	schedule := func(path string) {
		now := time.Now()
		if len(pending) == 0 {
			first = now
		}
		pending[path] = true
		timer.Reset(min(s.debounce, max(0, first.Add(10*s.debounce).Sub(now))))
		fire = timer.C
	}
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("file store: watcher closed")
			}
			s.log.Debug("fs event", "event", ev.String())
			path, ok := affected(ev)
			if !ok {
				continue
			}
			if ev.Has(fsnotify.Create) {
				// Watch a new directory now, so that files created in it
				// before the debounced scan are seen by that scan.
				if fi, err := os.Stat(path); err == nil && fi.IsDir() {
					watch(path)
				}
			}
			schedule(path)
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("file store: watcher closed")
			}
			s.log.Error("file watcher failed; rescanning the directory", "err", err)
			schedule(s.dir) // events may have been lost
		case <-fire:
			fire = nil
			paths := slices.Sorted(maps.Keys(pending))
			clear(pending)
			s.mu.Lock()
			for _, path := range paths {
				s.refresh(path, watch)
			}
			s.commit()
			s.mu.Unlock()
		}
	}
}

// affected returns the path whose state an event may have changed, or
// false for events that change no configuration.
func affected(ev fsnotify.Event) (string, bool) {
	if ev.Op == fsnotify.Chmod {
		return "", false
	}
	base := filepath.Base(ev.Name)
	if base == "..data" {
		// A Kubernetes ConfigMap or Secret volume swapped its ..data link:
		// the visible files changed without events of their own.
		return filepath.Dir(ev.Name), true
	}
	if hidden(base) {
		return "", false
	}
	return ev.Name, true
}
