// Package testenv runs a real Kubernetes API server for tests: an etcd and a
// kube-apiserver on loopback ports chosen at run time, owned by one test
// package and started once from its TestMain (see RunMain).
//
// Only the API server runs. There are no controllers, no scheduler and no
// kubelet: objects are stored and validated, watches and RBAC work, but
// nothing reconciles them (no garbage collection, no namespace finalization,
// no service accounts or tokens). Tests that need that behaviour must do it
// themselves.
//
// The binaries come from an assets directory that tools/install-deps.sh
// fills (kube-apiserver built from source, etcd linked from the Debian
// package). When they are missing Start fails with ErrAssetsMissing; it never
// skips a test.
//
// The package owns the two child processes and a temporary directory per
// Env, and nothing else: it must not touch a user's kubeconfig, the
// environment of the test process, or processes it did not start.
package testenv
