package iptables

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Sail's chains, the same names as Istio's. Cleanup removes exactly these.
const (
	ChainRedirect   = "ISTIO_REDIRECT"    // nat: outbound to the proxy port
	ChainInRedirect = "ISTIO_IN_REDIRECT" // nat: inbound to the inbound capture port
	ChainInbound    = "ISTIO_INBOUND"     // nat (REDIRECT) or mangle (TPROXY), from PREROUTING
	ChainOutput     = "ISTIO_OUTPUT"      // nat, from OUTPUT
	ChainDivert     = "ISTIO_DIVERT"      // mangle (TPROXY): mark and accept established sockets
	ChainTProxy     = "ISTIO_TPROXY"      // mangle (TPROXY): TPROXY new connections
)

// allTables are the tables Sail writes to, in the order they are applied.
func allTables() []string { return []string{"nat", "mangle"} }

// sailChain reports whether name is one of Sail's chains.
func sailChain(name string) bool {
	switch name {
	case ChainRedirect, ChainInRedirect, ChainInbound, ChainOutput, ChainDivert, ChainTProxy:
		return true
	}
	return false
}

// Rule is one appended rule: iptables -t Table -A Chain Args...
type Rule struct {
	Table, Chain string
	Args         []string
}

// String is the rule as an iptables-restore line.
func (r Rule) String() string { return "-A " + r.Chain + " " + strings.Join(r.Args, " ") }

// Chain is a user chain Sail creates.
type Chain struct{ Table, Name string }

// Plan is the capture of one Config: the chains to create and the rules
// to append, in order, and the ip commands (TPROXY only) to run after them.
// Plans are values; Rules builds them and Apply runs them.
type Plan struct {
	Chains []Chain
	Rules  []Rule
	// IP holds the arguments of each ip command, without "ip".
	IP [][]string
}

// Rules renders cfg as istio-iptables would, in its order. It is pure: it
// reads nothing and runs nothing. It fails only if cfg does not validate.
//
// One deliberate difference: the RETURN rules for port 22, -d and 15020
// open ISTIO_INBOUND whether -b is "*" or a list (Istio emitted them for
// "*" only), so an excluded port is never captured even if -b lists it.
func Rules(cfg Config) (Plan, error) {
	if err := cfg.Validate(); err != nil {
		return Plan{}, err
	}
	var p Plan
	add := func(table, chain string, args ...string) {
		p.Rules = append(p.Rules, Rule{Table: table, Chain: chain, Args: args})
	}
	chain := func(table, name string) { p.Chains = append(p.Chains, Chain{Table: table, Name: name}) }

	chain("nat", ChainRedirect)
	add("nat", ChainRedirect, "-p", "tcp", "-j", "REDIRECT", "--to-ports", strconv.Itoa(cfg.ProxyPort))
	chain("nat", ChainInRedirect)
	add("nat", ChainInRedirect, "-p", "tcp", "-j", "REDIRECT", "--to-ports", strconv.Itoa(cfg.inboundCapturePort()))

	inbound(&p, cfg, add, chain)
	outbound(cfg, add, chain)
	return p, nil
}

// inbound renders ISTIO_INBOUND (and, for TPROXY, ISTIO_DIVERT,
// ISTIO_TPROXY and the policy route).
func inbound(p *Plan, cfg Config, add func(table, chain string, args ...string), chain func(table, name string)) {
	if !cfg.InboundPorts.All && len(cfg.InboundPorts.List) == 0 {
		return
	}
	table := "nat"
	capture := func(match ...string) {
		add(table, ChainInbound, append(append([]string{"-p", "tcp"}, match...), "-j", ChainInRedirect)...)
	}
	if cfg.Mode == ModeTProxy {
		table = "mangle"
		mark := strconv.Itoa(TProxyMark)
		chain(table, ChainDivert)
		add(table, ChainDivert, "-j", "MARK", "--set-mark", mark)
		add(table, ChainDivert, "-j", "ACCEPT")
		chain(table, ChainTProxy)
		add(table, ChainTProxy, "!", "-d", "127.0.0.1/32", "-p", "tcp", "-j", "TPROXY",
			"--tproxy-mark", mark+"/0xffffffff", "--on-port", strconv.Itoa(cfg.inboundCapturePort()))
		table := strconv.Itoa(TProxyRouteTable)
		p.IP = append(p.IP,
			[]string{"-4", "rule", "add", "fwmark", mark, "lookup", table},
			[]string{"-4", "route", "add", "local", "default", "dev", "lo", "table", table})
		capture = func(match ...string) {
			m := append([]string{"-p", "tcp"}, match...)
			add("mangle", ChainInbound, append(slices.Clip(m), "-m", "socket", "-j", ChainDivert)...)
			add("mangle", ChainInbound, append(slices.Clip(m), "-j", ChainTProxy)...)
		}
	}
	chain(table, ChainInbound)
	add(table, "PREROUTING", "-p", "tcp", "-j", ChainInbound)
	for _, port := range excludedInbound(cfg) {
		add(table, ChainInbound, "-p", "tcp", "--dport", strconv.Itoa(int(port)), "-j", "RETURN")
	}
	if cfg.InboundPorts.All {
		capture()
		return
	}
	for _, port := range cfg.InboundPorts.List {
		capture("--dport", strconv.Itoa(int(port)))
	}
}

// excludedInbound is 22, then -d in order, then 15020, without repeats.
func excludedInbound(cfg Config) []uint16 {
	ports := []uint16{SSHPort}
	for _, port := range append(slices.Clone(cfg.ExcludeInboundPorts.List), StatusPort) {
		if !slices.Contains(ports, port) {
			ports = append(ports, port)
		}
	}
	return ports
}

// outbound renders ISTIO_OUTPUT in istio-iptables' order.
func outbound(cfg Config, add func(table, chain string, args ...string), chain func(table, name string)) {
	chain("nat", ChainOutput)
	add("nat", "OUTPUT", "-p", "tcp", "-j", ChainOutput)
	// 1) The app calling itself through its own (or a service) address
	// leaves on lo: send it through the proxy too.
	add("nat", ChainOutput, "-o", "lo", "!", "-d", "127.0.0.1/32", "-j", ChainRedirect)
	// 2) The proxy's own traffic.
	for _, uid := range cfg.ProxyUIDs {
		add("nat", ChainOutput, "-m", "owner", "--uid-owner", strconv.FormatUint(uint64(uid), 10), "-j", "RETURN")
	}
	for _, gid := range cfg.ProxyGIDs {
		add("nat", ChainOutput, "-m", "owner", "--gid-owner", strconv.FormatUint(uint64(gid), 10), "-j", "RETURN")
	}
	// 3) Explicit localhost: proxy-aware apps and container to container.
	add("nat", ChainOutput, "-d", "127.0.0.1/32", "-j", "RETURN")
	// 4) Excluded ranges.
	for _, cidr := range cfg.ExcludeOutboundIPRanges.List {
		add("nat", ChainOutput, "-d", cidr.String(), "-j", "RETURN")
	}
	// 5) The rest, or only the included ranges.
	switch {
	case cfg.OutboundIPRanges.All:
		add("nat", ChainOutput, "-j", ChainRedirect)
	case len(cfg.OutboundIPRanges.List) > 0:
		for _, cidr := range cfg.OutboundIPRanges.List {
			add("nat", ChainOutput, "-d", cidr.String(), "-j", ChainRedirect)
		}
		add("nat", ChainOutput, "-j", "RETURN")
	}
}

// Tables are the tables the plan writes to, in apply order.
func (p Plan) Tables() []string {
	var out []string
	for _, t := range allTables() {
		if slices.ContainsFunc(p.Chains, func(c Chain) bool { return c.Table == t }) {
			out = append(out, t)
		}
	}
	return out
}

// restoreBody is the chain declarations and rules of table, in
// iptables-restore syntax, without the *table and COMMIT lines.
func (p Plan) restoreBody(table string) string {
	var b strings.Builder
	for _, c := range p.Chains {
		if c.Table == table {
			fmt.Fprintf(&b, ":%s - [0:0]\n", c.Name)
		}
	}
	for _, r := range p.Rules {
		if r.Table == table {
			b.WriteString(r.String())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// String renders the plan as it is applied: the iptables-restore --noflush
// input of each table (without the clean-up of earlier rules that Apply
// prepends), then the ip commands.
func (p Plan) String() string {
	var b strings.Builder
	for _, t := range p.Tables() {
		fmt.Fprintf(&b, "# iptables-restore --noflush\n*%s\n%sCOMMIT\n", t, p.restoreBody(t))
	}
	for _, args := range p.IP {
		fmt.Fprintf(&b, "ip %s\n", strings.Join(args, " "))
	}
	return b.String()
}
