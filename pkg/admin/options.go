package admin

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/pflag"
)

// ErrInvalidAddr is wrapped by the errors of ValidateListenAddr and
// Options.Validate.
var ErrInvalidAddr = errors.New("invalid listen address")

// Options configures the admin server.
type Options struct {
	// Addr is the host:port to listen on. Port 0 picks a free port; see
	// Server.Addr for the one chosen.
	Addr string
	// EnablePprof serves Go's profiling handlers under /debug/pprof/.
	// Profiles reveal memory contents, so keep the address private.
	EnablePprof bool

	// addrFlag is the flag name AttachFlags registered, for error messages.
	addrFlag string
}

// DefaultOptions returns options listening on addr, the component's
// standard admin or monitoring address (for example 127.0.0.1:15014 for
// control-plane components, 127.0.0.1:15000 for the proxy), with pprof off.
// The default lives in the value rather than in AttachFlags so that code
// that builds Options without flags gets the same address.
func DefaultOptions(addr string) Options {
	return Options{Addr: addr}
}

// AttachFlags registers the address flag under addrFlag (components call it
// "monitoring-addr" or "admin-addr") and --enable-pprof on fs, defaulting to
// the current values of o.
func (o *Options) AttachFlags(fs *pflag.FlagSet, addrFlag string) {
	o.addrFlag = addrFlag
	fs.StringVar(&o.Addr, addrFlag, o.Addr,
		"host:port of the admin server (/metrics, /healthz, /readyz, /version); port 0 picks a free port")
	fs.BoolVar(&o.EnablePprof, "enable-pprof", o.EnablePprof,
		"serve Go profiling under /debug/pprof/ on the admin server")
}

// Validate reports whether o can be served.
func (o *Options) Validate() error {
	name := "admin address"
	if o.addrFlag != "" {
		name = "--" + o.addrFlag
	}
	return ValidateListenAddr(name, o.Addr)
}

// ValidateListenAddr checks that addr is a host:port a server can listen
// on; name says where addr came from (a flag such as "--grpc-addr") for the
// error message. Components use it for their other address flags too. An
// empty host means all interfaces; port 0 means any free port.
func ValidateListenAddr(name, addr string) error {
	const want = "want host:port, for example 127.0.0.1:15014 or :15014"
	if addr == "" {
		return fmt.Errorf("%w: %s is empty; %s", ErrInvalidAddr, name, want)
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: %s %q: %v; %s", ErrInvalidAddr, name, addr, err, want)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("%w: %s %q: port %q is not a number from 0 to 65535", ErrInvalidAddr, name, addr, port)
	}
	return nil
}
