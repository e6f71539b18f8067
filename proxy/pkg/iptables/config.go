package iptables

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Mode is how inbound traffic is captured.
type Mode string

// Capture modes of istio-iptables -m.
const (
	// ModeRedirect NATs inbound connections to the proxy port; the proxy
	// sees the pod's address as the destination and reads the original one
	// with SO_ORIGINAL_DST.
	ModeRedirect Mode = "REDIRECT"
	// ModeTProxy diverts inbound packets to the proxy unchanged (mangle
	// table TPROXY plus a policy route to loopback), which keeps the
	// original destination and source; the proxy must listen with
	// IP_TRANSPARENT.
	ModeTProxy Mode = "TPROXY"
)

// Fixed values of Istio's capture, shared by the proxy and the rules.
const (
	DefaultProxyPort = 15001 // -p: the proxy's capture (virtual) listener
	DefaultProxyUID  = 1337  // -u, -g: the proxy's uid and gid, never captured
	StatusPort       = 15020 // always excluded from inbound capture (-d)
	SSHPort          = 22    // never captured inbound
	TProxyMark       = 1337  // fwmark set on inbound packets in TPROXY mode
	TProxyRouteTable = 133   // routing table that sends marked packets to lo
)

// ErrInvalidConfig is wrapped by every error of Config.Validate.
var ErrInvalidConfig = errors.New("invalid capture config")

// Config is what istio-iptables takes on its command line. The zero values
// of the list fields mean "none"; DefaultConfig gives Istio's defaults.
type Config struct {
	// ProxyPort (-p) receives outbound connections (ISTIO_REDIRECT).
	ProxyPort int
	// InboundCapturePort (-z) receives inbound connections
	// (ISTIO_IN_REDIRECT, TPROXY --on-port). 0 means ProxyPort, as in
	// Istio 1.1 where both directions used 15001.
	InboundCapturePort int
	// ProxyUIDs (-u) and ProxyGIDs (-g): traffic of these owners is not
	// captured, so the proxy's own connections are not looped back to it.
	ProxyUIDs, ProxyGIDs IDs
	// Mode (-m) is how inbound traffic is captured.
	Mode Mode
	// InboundPorts (-b): destination ports of inbound traffic to capture,
	// or all ("*"). Empty captures nothing inbound.
	InboundPorts Ports
	// ExcludeInboundPorts (-d) are never captured inbound; StatusPort
	// (15020) and SSHPort (22) are always added.
	ExcludeInboundPorts Ports
	// OutboundIPRanges (-i): destinations of outbound traffic to capture,
	// or all ("*"). Empty captures nothing outbound except the app calling
	// itself through a non-loopback address.
	OutboundIPRanges Ranges
	// ExcludeOutboundIPRanges (-x) are never captured outbound.
	ExcludeOutboundIPRanges Ranges
}

// DefaultConfig returns istio-iptables' defaults: proxy port 15001, uid and
// gid 1337, REDIRECT, and no inbound ports or outbound ranges (the sidecar
// injector passes -i '*' -b <container ports>).
func DefaultConfig() Config {
	return Config{
		ProxyPort: DefaultProxyPort,
		ProxyUIDs: IDs{DefaultProxyUID},
		ProxyGIDs: IDs{DefaultProxyUID},
		Mode:      ModeRedirect,
	}
}

// AttachFlags registers istio-iptables' flags on fs, short and long.
func (c *Config) AttachFlags(fs *pflag.FlagSet) {
	fs.IntVarP(&c.ProxyPort, "proxy-port", "p", c.ProxyPort, "port the proxy captures outbound (and, without -z, inbound) TCP on")
	fs.IntVarP(&c.InboundCapturePort, "inbound-capture-port", "z", c.InboundCapturePort, "port inbound TCP is redirected to (0: the -p port)")
	fs.VarP(&c.ProxyUIDs, "proxy-uid", "u", "comma-separated uids whose traffic is not captured (the proxy's)")
	fs.VarP(&c.ProxyGIDs, "proxy-gid", "g", "comma-separated gids whose traffic is not captured (the proxy's)")
	fs.VarP((*modeValue)(&c.Mode), "interception-mode", "m", "inbound capture mode: REDIRECT or TPROXY")
	fs.VarP(&c.InboundPorts, "inbound-ports", "b", `comma-separated inbound ports to capture, "*" for all, "" for none`)
	fs.VarP(&c.ExcludeInboundPorts, "exclude-inbound-ports", "d", "comma-separated inbound ports not to capture (15020 and 22 always)")
	fs.VarP(&c.OutboundIPRanges, "outbound-ip-ranges", "i", `comma-separated outbound CIDRs to capture, "*" for all, "" for none`)
	fs.VarP(&c.ExcludeOutboundIPRanges, "exclude-outbound-ip-ranges", "x", "comma-separated outbound CIDRs not to capture")
}

// Validate reports the first unusable field, naming its flag and value.
func (c *Config) Validate() error {
	if err := checkPort(c.ProxyPort); err != nil {
		return fmt.Errorf("%w: -p/--proxy-port %d: %v", ErrInvalidConfig, c.ProxyPort, err)
	}
	if c.InboundCapturePort != 0 {
		if err := checkPort(c.InboundCapturePort); err != nil {
			return fmt.Errorf("%w: -z/--inbound-capture-port %d: %v", ErrInvalidConfig, c.InboundCapturePort, err)
		}
	}
	if c.Mode != ModeRedirect && c.Mode != ModeTProxy {
		return fmt.Errorf("%w: -m/--interception-mode %q: must be REDIRECT or TPROXY", ErrInvalidConfig, c.Mode)
	}
	if c.ExcludeInboundPorts.All {
		return fmt.Errorf(`%w: -d/--exclude-inbound-ports "*": list the ports, or leave -b empty to capture nothing inbound`, ErrInvalidConfig)
	}
	if c.ExcludeOutboundIPRanges.All {
		return fmt.Errorf(`%w: -x/--exclude-outbound-ip-ranges "*": list the CIDRs, or leave -i empty to capture nothing outbound`, ErrInvalidConfig)
	}
	return nil
}

// inboundCapturePort is the port inbound traffic goes to.
func (c *Config) inboundCapturePort() int {
	if c.InboundCapturePort != 0 {
		return c.InboundCapturePort
	}
	return c.ProxyPort
}

func checkPort(p int) error {
	if p < 1 || p > 65535 {
		return errors.New("must be a port from 1 to 65535")
	}
	return nil
}

type modeValue Mode

func (m *modeValue) String() string { return string(*m) }
func (m *modeValue) Type() string   { return "mode" }
func (m *modeValue) Set(s string) error {
	switch Mode(strings.ToUpper(s)) {
	case ModeRedirect, ModeTProxy:
		*m = modeValue(strings.ToUpper(s))
		return nil
	}
	return errors.New("must be REDIRECT or TPROXY")
}

// IDs is a list of numeric uids or gids, written comma-separated.
type IDs []uint32

func (l *IDs) String() string {
	s := make([]string, len(*l))
	for i, id := range *l {
		s[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(s, ",")
}

// Type is the flag's value type in --help.
func (l *IDs) Type() string { return "ids" }

// Set parses a comma-separated list, replacing the default.
func (l *IDs) Set(s string) error {
	var ids IDs
	for _, f := range splitList(s) {
		id, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return fmt.Errorf("%q is not a numeric id", f)
		}
		ids = append(ids, uint32(id))
	}
	*l = ids
	return nil
}

// Ports is a set of TCP ports, or all of them ("*").
type Ports struct {
	All  bool
	List []uint16
}

func (p *Ports) String() string {
	if p.All {
		return "*"
	}
	s := make([]string, len(p.List))
	for i, port := range p.List {
		s[i] = strconv.Itoa(int(port))
	}
	return strings.Join(s, ",")
}

// Type is the flag's value type in --help.
func (p *Ports) Type() string { return "ports" }

// Set parses "*" or a comma-separated list of ports; "" is none.
func (p *Ports) Set(s string) error {
	if strings.TrimSpace(s) == "*" {
		*p = Ports{All: true}
		return nil
	}
	var out Ports
	for _, f := range splitList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || checkPort(n) != nil {
			return fmt.Errorf("%q is not a port from 1 to 65535", f)
		}
		if !slices.Contains(out.List, uint16(n)) {
			out.List = append(out.List, uint16(n))
		}
	}
	*p = out
	return nil
}

// Ranges is a set of IPv4 CIDRs, or all destinations ("*").
type Ranges struct {
	All  bool
	List []netip.Prefix
}

func (r *Ranges) String() string {
	if r.All {
		return "*"
	}
	s := make([]string, len(r.List))
	for i, p := range r.List {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// Type is the flag's value type in --help.
func (r *Ranges) Type() string { return "cidrs" }

// Set parses "*" or a comma-separated list of IPv4 CIDRs (a bare address
// is a /32); "" is none.
func (r *Ranges) Set(s string) error {
	if strings.TrimSpace(s) == "*" {
		*r = Ranges{All: true}
		return nil
	}
	var out Ranges
	for _, f := range splitList(s) {
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if !p.Addr().Is4() {
			return fmt.Errorf("%q is not IPv4: only IPv4 traffic is captured", f)
		}
		out.List = append(out.List, p.Masked())
	}
	*r = out
	return nil
}

// splitList splits on commas and spaces (istio-iptables accepts both) and
// drops empty fields.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}
