package origdst

import "errors"

// ErrUnsupported is returned on platforms without SO_ORIGINAL_DST.
var ErrUnsupported = errors.New("original destination lookup is supported on Linux only")

// ErrNotRedirected is returned for a connection the kernel has no
// redirected destination for (it was not captured by a NAT rule, or
// conntrack is not loaded).
var ErrNotRedirected = errors.New("connection was not redirected")
