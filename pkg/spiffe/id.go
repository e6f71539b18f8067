package spiffe

import (
	"errors"
	"fmt"
	"strings"
)

// DefaultTrustDomain is the trust domain of a mesh that does not set one.
const DefaultTrustDomain = "cluster.local"

const scheme = "spiffe://"

// Errors returned by Parse, each wrapped with the input and the detail.
var (
	ErrEmpty           = errors.New("empty SPIFFE ID")
	ErrScheme          = errors.New(`scheme must be "spiffe://"`)
	ErrQueryOrFragment = errors.New("query or fragment not allowed")
	ErrTrustDomain     = errors.New("invalid trust domain")
	ErrMissingPart     = errors.New("missing part")
	ErrEmptySegment    = errors.New("empty path segment")
	ErrInvalidSegment  = errors.New("invalid path segment")
	ErrExtraSegments   = errors.New("extra path segments")
)

// ID is the identity of a workload: its Kubernetes service account in a
// namespace, within a trust domain. The zero ID is not valid.
type ID struct {
	TrustDomain    string
	Namespace      string
	ServiceAccount string
}

// String returns the URI form, spiffe://<td>/ns/<ns>/sa/<sa>.
func (id ID) String() string {
	return scheme + id.Principal()
}

// Principal returns the ID without "spiffe://", <td>/ns/<ns>/sa/<sa>, the
// form Mixer attributes such as source.principal carry.
func (id ID) Principal() string {
	return id.TrustDomain + "/ns/" + id.Namespace + "/sa/" + id.ServiceAccount
}

// Parse parses spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>.
//
// Following the SPIFFE ID specification, the trust domain may hold only
// lower-case letters, digits, '.', '-' and '_'; path segments only
// letters, digits, '.', '-' and '_', and may not be "." or "..". No
// percent-encoding, port, user info, query or fragment is accepted. Errors
// wrap one of the Err* values of this package and quote the input.
func Parse(s string) (ID, error) {
	id, err := parse(s)
	if err != nil {
		return ID{}, fmt.Errorf("parse SPIFFE ID %q: %w", s, err)
	}
	return id, nil
}

func parse(s string) (ID, error) {
	if s == "" {
		return ID{}, ErrEmpty
	}
	rest, ok := strings.CutPrefix(s, scheme)
	if !ok {
		if i := strings.Index(s, "://"); i >= 0 {
			return ID{}, fmt.Errorf("%w, got %q", ErrScheme, s[:i+3])
		}
		return ID{}, fmt.Errorf("%w, got none", ErrScheme)
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		return ID{}, fmt.Errorf("%w: found %q", ErrQueryOrFragment, rest[i])
	}

	td, path, _ := strings.Cut(rest, "/")
	if err := checkTrustDomain(td); err != nil {
		return ID{}, err
	}
	if path == "" {
		return ID{}, fmt.Errorf("%w: want /ns/<namespace>/sa/<service-account> after the trust domain", ErrMissingPart)
	}
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if err := checkSegment(i, seg); err != nil {
			return ID{}, err
		}
	}

	// The path is /ns/<namespace>/sa/<service-account>.
	if segs[0] != "ns" {
		return ID{}, fmt.Errorf("%w: path must start with /ns/, got /%s", ErrMissingPart, segs[0])
	}
	if len(segs) < 2 {
		return ID{}, fmt.Errorf("%w: no namespace after /ns", ErrMissingPart)
	}
	if len(segs) < 3 {
		return ID{}, fmt.Errorf("%w: no /sa/<service-account> after the namespace", ErrMissingPart)
	}
	if segs[2] != "sa" {
		return ID{}, fmt.Errorf("%w: want /sa/ after the namespace, got /%s", ErrMissingPart, segs[2])
	}
	if len(segs) < 4 {
		return ID{}, fmt.Errorf("%w: no service account after /sa", ErrMissingPart)
	}
	if len(segs) > 4 {
		return ID{}, fmt.Errorf("%w: %q after the service account", ErrExtraSegments, "/"+strings.Join(segs[4:], "/"))
	}
	return ID{TrustDomain: td, Namespace: segs[1], ServiceAccount: segs[3]}, nil
}

func checkTrustDomain(td string) error {
	if td == "" {
		return fmt.Errorf("%w: empty", ErrTrustDomain)
	}
	for i := 0; i < len(td); i++ {
		c := td[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '.', c == '-', c == '_':
		case 'A' <= c && c <= 'Z':
			return fmt.Errorf("%w: %q has upper-case %q; trust domains are lower case", ErrTrustDomain, td, c)
		case c == ':':
			return fmt.Errorf("%w: %q has a port", ErrTrustDomain, td)
		case c == '@':
			return fmt.Errorf("%w: %q has user info", ErrTrustDomain, td)
		default:
			return fmt.Errorf("%w: %q has %q at offset %d; allowed are a-z, 0-9, '.', '-' and '_'", ErrTrustDomain, td, c, i)
		}
	}
	return nil
}

// segmentName names the path segment at index i for error messages.
func segmentName(i int) string {
	switch i {
	case 0:
		return "ns keyword"
	case 1:
		return "namespace"
	case 2:
		return "sa keyword"
	case 3:
		return "service account"
	default:
		return "segment"
	}
}

func checkSegment(i int, seg string) error {
	name := segmentName(i)
	switch seg {
	case "":
		return fmt.Errorf("%w: %s (segment %d) is empty", ErrEmptySegment, name, i+1)
	case ".", "..":
		return fmt.Errorf("%w: %s (segment %d) is %q", ErrInvalidSegment, name, i+1, seg)
	}
	for j := 0; j < len(seg); j++ {
		c := seg[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '_':
		default:
			return fmt.Errorf("%w: %s %q has %q; allowed are letters, digits, '.', '-' and '_'", ErrInvalidSegment, name, seg, c)
		}
	}
	return nil
}
