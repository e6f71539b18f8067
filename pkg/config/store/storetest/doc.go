// Package storetest is the conformance suite every store.Store
// implementation passes: one Run that exercises the contract written on
// store.Store (CRUD, resource-version conflicts, errors, event order and
// delivery, copy semantics, round-tripping of specs, concurrent writers).
//
// It owns only tests and their fixtures. Implementations call Run from their
// own tests with a Harness that makes fresh stores; the suite must stay
// independent of any implementation, so it imports none of them.
package storetest
