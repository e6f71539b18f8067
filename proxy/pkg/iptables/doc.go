// Package iptables captures a pod's TCP traffic for sail-proxy the way
// Istio 1.1's istio-iptables does: the same flags (-p -z -u -g -m -b -d -i
// -x), the same chains (ISTIO_REDIRECT, ISTIO_IN_REDIRECT, ISTIO_INBOUND,
// ISTIO_OUTPUT, and for TPROXY ISTIO_DIVERT and ISTIO_TPROXY) and the same
// rule order, so that a pod's capture reads the same under Sail as under
// Istio.
//
// It owns three steps, kept apart so that the rules can be read and tested
// without touching the kernel:
//
//   - Config: the istio-iptables flags, parsed and validated
//     (DefaultConfig, AttachFlags, Validate).
//   - Rules: a pure function from a Config to a Plan, the iptables-restore
//     text of each table plus, for TPROXY, the `ip rule`/`ip route`
//     commands that route marked packets to loopback.
//   - Apply and Cleanup: run a Plan in the current network namespace
//     through iptables-save, iptables-restore --noflush (one atomic
//     transaction per table, which first removes Sail's previous jumps
//     and chains, so re-running is idempotent) and ip. Cleanup removes
//     only Sail's jumps, chains, ip rule and route table; other rules are
//     left alone. Failures carry the program's stderr.
//
// Only IPv4 is captured (iptables, not ip6tables), like Istio 1.1's
// default. The namespace tests exercise REDIRECT mode end to end; TPROXY
// rules are covered by golden files and by an apply/cleanup round trip,
// not by traffic, because a TPROXY listener needs IP_TRANSPARENT support
// in the proxy, which does not exist yet.
//
// It must not import other components or pkg/cli, and holds no
// package-level mutable state. Reading the original destination of a
// captured connection is package origdst's job.
package iptables
