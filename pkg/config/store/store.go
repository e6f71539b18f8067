// Package store defines how Sail components read, write and watch
// configuration objects, independently of where they live.
//
// Implementations live in subpackages (memory, file, kube) and all pass the
// conformance suite in storetest. This package owns only the contract: it
// holds no state and must not import any implementation.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/sailmesh/sail/pkg/config"
)

// Sentinel errors every Store returns (wrapped, test with errors.Is).
var (
	// ErrNotFound: the object does not exist.
	ErrNotFound = errors.New("object not found")
	// ErrAlreadyExists: Create of an object whose key is taken.
	ErrAlreadyExists = errors.New("object already exists")
	// ErrConflict: the resource version given does not match the stored one.
	ErrConflict = errors.New("resource version conflict")
	// ErrUnknownKind: the store does not hold this kind.
	ErrUnknownKind = errors.New("kind not held by this store")
	// ErrInvalid: the object failed validation; the error also wraps a
	// config.ErrorList saying where.
	ErrInvalid = errors.New("invalid object")
)

// EventType says what happened to an object.
type EventType int

// The event types.
const (
	Added EventType = iota + 1
	Updated
	Deleted
)

func (t EventType) String() string {
	switch t {
	case Added:
		return "add"
	case Updated:
		return "update"
	case Deleted:
		return "delete"
	}
	return "unknown"
}

// Event reports one change. Object is the new state (for Deleted, the last
// state); Old is the previous state for Updated and nil otherwise.
type Event struct {
	Type   EventType
	Object *config.Object
	Old    *config.Object
}

// Handler receives events. A store never calls a handler concurrently with
// itself and delivers the events of one kind in the order the changes
// happened (events of different kinds may interleave). A handler must not
// block for long and must not call the store's write methods synchronously.
// Objects in events are shared between handlers: never modify them.
type Handler func(Event)

// Store holds configuration objects of a fixed set of kinds.
//
// Every method is safe for concurrent use. Objects returned by Get, List,
// Create and Update are the caller's own copies; objects passed in are
// copied, so the caller may reuse them.
//
// Writes are read-your-writes: once a write returns, Get and List reflect
// it. An Update whose labels, annotations and spec equal the stored ones is
// a no-op: the resource version is kept and no event is sent.
type Store interface {
	// Kinds lists the kinds held.
	Kinds() []config.Kind

	// Get returns one object, or ErrNotFound.
	Get(gk config.GroupKind, namespace, name string) (*config.Object, error)
	// List returns the objects of one kind sorted by namespace and name;
	// namespace "" means all namespaces.
	List(gk config.GroupKind, namespace string) ([]*config.Object, error)

	// Create stores a new object and returns it as stored, with its
	// resource version set; ErrAlreadyExists if the key is taken.
	Create(ctx context.Context, obj *config.Object) (*config.Object, error)
	// Update replaces an object. When obj.ResourceVersion is set it must
	// equal the stored one (else ErrConflict); empty means unconditional.
	// ErrNotFound if the object does not exist.
	Update(ctx context.Context, obj *config.Object) (*config.Object, error)
	// Delete removes an object; resourceVersion works as in Update.
	Delete(ctx context.Context, key config.Key, resourceVersion string) error

	// Watch registers h for every later change and returns a function
	// that unregisters it. Events for objects that exist when Watch is
	// called are not replayed: List first, then act on events.
	Watch(h Handler) (cancel func())

	// Run starts whatever background work the store needs and blocks
	// until ctx is done. Stores that need none return when ctx is done.
	Run(ctx context.Context) error
	// HasSynced reports whether the store has loaded its initial state.
	HasSynced() bool
}

// WaitForSync blocks until s has synced or ctx is done.
func WaitForSync(ctx context.Context, s Store) error {
	if s.HasSynced() {
		return nil
	}
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if s.HasSynced() {
				return nil
			}
		}
	}
}
