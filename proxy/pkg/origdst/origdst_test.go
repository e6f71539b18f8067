//go:build linux

package origdst

import (
	"errors"
	"net"
	"net/netip"
	"syscall"
	"testing"
	"unsafe"
)

func TestParseSockaddr(t *testing.T) {
	var v4 [16]byte
	*(*uint16)(unsafe.Pointer(&v4[0])) = syscall.AF_INET
	v4[2], v4[3] = 0x1f, 0x90 // 8080
	copy(v4[4:], []byte{10, 213, 1, 2})
	var v6 [28]byte
	*(*uint16)(unsafe.Pointer(&v6[0])) = syscall.AF_INET6
	v6[2], v6[3] = 0x23, 0x78 // 9080
	want6 := netip.MustParseAddr("fd00::1")
	a16 := want6.As16()
	copy(v6[8:24], a16[:])
	for _, tt := range []struct {
		b    []byte
		want string
	}{
		{v4[:], "10.213.1.2:8080"},
		{v6[:], "[fd00::1]:9080"},
	} {
		got, err := parseSockaddr(tt.b)
		if err != nil || got.String() != tt.want {
			t.Errorf("parseSockaddr = %v, %v; want %s", got, err, tt.want)
		}
	}
	if _, err := parseSockaddr(v4[:1]); err == nil {
		t.Error("short sockaddr: want an error")
	}
}

// A connection no NAT rule touched has no original destination. (The
// redirected case is tested for real in package iptables' namespace tests.)
func TestOriginalDstNotRedirected(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("tcp4", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := OriginalDst(s.(*net.TCPConn)); !errors.Is(err, ErrNotRedirected) {
		t.Errorf("OriginalDst = %v, want ErrNotRedirected", err)
	}
}
