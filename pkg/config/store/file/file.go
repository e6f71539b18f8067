package file

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/memory"
)

var _ store.Store = (*Store)(nil)

// DefaultDebounce is how long the store waits after the last change to a
// file before reading it.
const DefaultDebounce = 100 * time.Millisecond

// DecodeFunc decodes every object in one file. It must fail as a whole if
// any part of the file is wrong; a config.ErrorList error is logged one
// entry per line. Typically it wraps parse.Parser.Parse.
type DecodeFunc func(file string, data []byte) ([]*config.Object, error)

// Options configure a Store.
type Options struct {
	// Logger receives file errors and changes; nil discards them.
	Logger *slog.Logger
	// Kinds are the kinds held. Objects of other kinds in the files are
	// neither stored nor errors; they are kept when a file is rewritten.
	Kinds []config.Kind
	// Debounce is how long to wait after the last change to a file before
	// reading it; DefaultDebounce when zero. Reads of files that keep
	// changing are delayed by at most ten times this.
	Debounce time.Duration
}

// Store serves the objects defined in a directory of YAML and JSON files and
// writes changes made through it back to those files.
//
// Its state is a memory.Store holding the objects of every file that last
// decoded cleanly, plus, per file, the objects it defines. All changes, from
// the watcher or from callers, are made under one lock, so a file is always
// applied whole.
//
// Writes wait until Run has read the directory. Before changing a file they
// re-read it, so a hand edit the watcher has not applied yet is applied (and
// conflicts with a stale resource version) rather than overwritten; a write
// to an object whose file currently has errors is refused. A write
// replaces a symbolic link with a regular file.
type Store struct {
	dir      string
	decode   DecodeFunc
	log      *slog.Logger
	debounce time.Duration
	mem      *memory.Store
	started  atomic.Bool
	synced   chan struct{} // closed once the first full load is done

	mu    sync.Mutex
	files map[string]*fileState // by path; files seen, good or bad
	owner map[config.Key]string // the file defining each held object
	// doomed are objects whose file stopped defining them in the current
	// batch of changes; see remove and commit.
	doomed map[config.Key]bool
	// released is set when keys were freed in the current batch, so that
	// files rejected for defining them are retried.
	released bool
}

// fileState is what the store knows about one file.
type fileState struct {
	// sum is the checksum of the content last read, applied or not; a
	// read of the same content again is skipped.
	sum [32]byte
	// objs are the objects of the content last applied, in file order,
	// including those of kinds the store does not hold.
	objs []*config.Object
	// err is why the content last read was not applied; nil when it was.
	err error
	// conflict says err is only that another file defines one of its
	// objects, which may resolve when that file changes.
	conflict bool
}

// New returns a store for the files under dir. Nothing is read until Run.
func New(dir string, decode DecodeFunc, opts Options) (*Store, error) {
	if decode == nil {
		return nil, errors.New("file store: no decode function")
	}
	if len(opts.Kinds) == 0 {
		return nil, errors.New("file store: no kinds")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("file store: %s is not a directory", abs)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	debounce := opts.Debounce
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	return &Store{
		dir:      abs,
		decode:   decode,
		log:      log.With("store", "file", "dir", abs),
		debounce: debounce,
		mem:      memory.New(opts.Kinds),
		synced:   make(chan struct{}),
		files:    map[string]*fileState{},
		owner:    map[config.Key]string{},
		doomed:   map[config.Key]bool{},
	}, nil
}

// Dir returns the absolute path of the directory served.
func (s *Store) Dir() string { return s.dir }

// Kinds implements store.Store.
func (s *Store) Kinds() []config.Kind { return s.mem.Kinds() }

// Get implements store.Store.
func (s *Store) Get(gk config.GroupKind, namespace, name string) (*config.Object, error) {
	return s.mem.Get(gk, namespace, name)
}

// List implements store.Store.
func (s *Store) List(gk config.GroupKind, namespace string) ([]*config.Object, error) {
	return s.mem.List(gk, namespace)
}

// Watch implements store.Store.
func (s *Store) Watch(h store.Handler) (cancel func()) { return s.mem.Watch(h) }

// HasSynced implements store.Store: true once Run has read every file.
func (s *Store) HasSynced() bool {
	select {
	case <-s.synced:
		return true
	default:
		return false
	}
}

// Errors returns, by file path, why each file that failed its last read
// was not applied. Those files' previous objects are still served.
func (s *Store) Errors() map[string]error {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]error{}
	for path, f := range s.files {
		if f.err != nil {
			out[path] = f.err
		}
	}
	return out
}

// Source returns the file that defines the object key, if any.
func (s *Store) Source(key config.Key) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	path, ok := s.owner[key]
	return path, ok
}

// Files returns the paths of the files read, good or bad.
func (s *Store) Files() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.files))
}

// waitSynced blocks writes until the first load is done, so that they are
// checked against every file.
func (s *Store) waitSynced(ctx context.Context) error {
	select {
	case <-s.synced:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("file store not synced: %w", ctx.Err())
	}
}
