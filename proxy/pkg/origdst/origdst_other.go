//go:build !linux

package origdst

import (
	"net"
	"net/netip"
)

// OriginalDst returns ErrUnsupported: SO_ORIGINAL_DST is Linux's.
func OriginalDst(*net.TCPConn) (netip.AddrPort, error) {
	return netip.AddrPort{}, ErrUnsupported
}
