// Package config is Sail's configuration model, shared by every component.
//
// It owns the vocabulary of configuration: which kinds exist (the Registry),
// what an object is (Meta plus a protobuf Spec), how objects are keyed, and
// how problems with them are reported (Error, with file, line, object and
// field path). Parsing lives in config/parse, semantic checks in
// config/validation, storage in config/store, CRD generation in config/crd
// and the mesh-wide settings in config/mesh.
//
// This package must not import any component (pilot, mixer, security,
// galley, proxy, istioctl) and holds no package-level mutable state.
package config
