// Package authorization holds the authorization template (check variety):
// InstanceMsg, a subject and the action it attempts, and
// HandleAuthorizationService, which out-of-process adapters implement to
// decide it.
//
// The Go code is generated from authorization.proto by tools/protogen/gen.sh.
package authorization
