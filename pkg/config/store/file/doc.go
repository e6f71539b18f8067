// Package file is the store.Store backed by a directory of YAML and JSON
// files, for running Sail without Kubernetes and for local development.
//
// The directory is read recursively (*.yaml, *.yml, *.json; names starting
// with "." are skipped) and watched with fsnotify. A file is applied whole
// or not at all: one that fails to decode, holds an invalid object, or
// defines an object another file already defines is reported (logged and
// listed by Errors) while its last good objects stay served. Writes through
// the Store are written back to the files atomically.
//
// The package owns the files it writes and its in-memory view of the
// directory; it must not write outside the directory, and must not import
// the other stores except memory, which holds its state.
package file
