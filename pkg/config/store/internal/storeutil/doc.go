// Package storeutil holds what the store implementations share: the ordered
// event fan-out and the checks every store applies to an object before
// writing it. It is internal to the stores and holds no state of its own.
package storeutil
