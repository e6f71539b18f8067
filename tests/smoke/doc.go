// Package smoke builds every Sail binary and checks, as a user would, that
// each one starts, answers its admin endpoints, and stops cleanly.
//
// It owns only tests. It must not import Sail packages: it treats the
// binaries as black boxes, built with the go tool and run as processes.
package smoke
