//go:build linux

package origdst

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"unsafe"
)

// Socket options of netfilter's conntrack (linux/netfilter_ipv4.h and
// linux/netfilter_ipv6/ip6_tables.h); both are 80, at different levels.
const (
	soOriginalDst     = 80 // SOL_IP
	ip6tSoOriginalDst = 80 // SOL_IPV6
)

// OriginalDst returns the address conn's client connected to before the
// capture rules redirected it: for a REDIRECT rule, not conn's local
// address. The family follows conn's local address (an IPv4-mapped IPv6
// address counts as IPv4).
func OriginalDst(conn *net.TCPConn) (netip.AddrPort, error) {
	local, ok := conn.LocalAddr().(*net.TCPAddr)
	if !ok || local == nil {
		return netip.AddrPort{}, fmt.Errorf("original destination: connection has no local TCP address")
	}
	v4 := local.IP.To4() != nil
	raw, err := conn.SyscallConn()
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("original destination: %w", err)
	}
	var (
		buf    [28]byte // sizeof(struct sockaddr_in6); sockaddr_in is 16
		n      = uint32(len(buf))
		sysErr error
	)
	level, opt := syscall.SOL_IP, soOriginalDst
	if !v4 {
		level, opt = syscall.SOL_IPV6, ip6tSoOriginalDst
	}
	err = raw.Control(func(fd uintptr) {
		_, _, errno := syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, uintptr(level), uintptr(opt),
			uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
		if errno != 0 {
			sysErr = errno
		}
	})
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("original destination: %w", err)
	}
	if sysErr != nil {
		if sysErr == syscall.ENOENT {
			return netip.AddrPort{}, fmt.Errorf("original destination of %v: %w", local, ErrNotRedirected)
		}
		return netip.AddrPort{}, fmt.Errorf("original destination of %v: getsockopt: %w", local, sysErr)
	}
	return parseSockaddr(buf[:n])
}

// parseSockaddr decodes a struct sockaddr_in or sockaddr_in6 (family in
// host order, port in network order).
func parseSockaddr(b []byte) (netip.AddrPort, error) {
	if len(b) < 2 {
		return netip.AddrPort{}, fmt.Errorf("original destination: short sockaddr (%d bytes)", len(b))
	}
	family := *(*uint16)(unsafe.Pointer(&b[0]))
	switch {
	case family == syscall.AF_INET && len(b) >= 8:
		port := binary.BigEndian.Uint16(b[2:4])
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), port), nil
	case family == syscall.AF_INET6 && len(b) >= 24:
		port := binary.BigEndian.Uint16(b[2:4])
		return netip.AddrPortFrom(netip.AddrFrom16([16]byte(b[8:24])), port), nil
	}
	return netip.AddrPort{}, fmt.Errorf("original destination: unexpected sockaddr family %d (%d bytes)", family, len(b))
}
