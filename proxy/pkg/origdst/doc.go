// Package origdst reads the destination a captured connection was first
// addressed to, before iptables REDIRECT rewrote it to the proxy's capture
// port (SO_ORIGINAL_DST for IPv4, IP6T_SO_ORIGINAL_DST for IPv6, both read
// from the kernel's connection tracking).
//
// It owns only that lookup. Installing the capture rules is package
// iptables' job. It works on Linux only; elsewhere OriginalDst returns
// ErrUnsupported.
package origdst
