package iptables_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/proxy/pkg/iptables"
	"github.com/sailmesh/sail/proxy/pkg/origdst"
)

// The namespace tests re-run this test binary inside the namespaces
// (through `ip netns exec`) as a helper: helperEnv names what it does and
// argsEnv carries its arguments, one per line.
const (
	helperEnv = "SAIL_IPTABLES_TEST_HELPER"
	argsEnv   = "SAIL_IPTABLES_TEST_ARGS"
)

// Addresses live only inside the namespaces a test creates.
const (
	podAddr      = "10.213.1.1"
	serverAddr   = "10.213.1.2"
	excludedAddr = "10.213.1.3" // also the server's, excluded with -x
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		var args []string
		if a := os.Getenv(argsEnv); a != "" {
			args = strings.Split(a, "\n")
		}
		if err := runHelper(mode, args); err != nil {
			fmt.Fprintf(os.Stderr, "helper %s: %v\n", mode, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runHelper(mode string, args []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	switch mode {
	case "apply": // args: istio-iptables flags
		cfg := iptables.DefaultConfig()
		fs := pflag.NewFlagSet("apply", pflag.ContinueOnError)
		cfg.AttachFlags(fs)
		if err := fs.Parse(args); err != nil {
			return err
		}
		plan, err := iptables.Rules(cfg)
		if err != nil {
			return err
		}
		return iptables.Apply(ctx, iptables.Exec{}, plan)
	case "cleanup":
		return iptables.Cleanup(ctx, iptables.Exec{})
	case "serve": // args: name, ports...; answers each connection with one line
		return serve(args[0], args[1:])
	case "dial": // args: address, uid, gid (-1: keep)
		return dial(args[0], args[1], args[2])
	}
	return fmt.Errorf("unknown helper %q", mode)
}

// serve listens on each port and answers every connection with
// "<name> local=<local address> orig=<original destination or ->".
func serve(name string, ports []string) error {
	for _, port := range ports {
		l, err := net.Listen("tcp4", ":"+port)
		if err != nil {
			return err
		}
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				orig := "-"
				if o, err := origdst.OriginalDst(c.(*net.TCPConn)); err == nil {
					orig = o.String()
				} else if !errors.Is(err, origdst.ErrNotRedirected) {
					orig = "error:" + strings.ReplaceAll(err.Error(), " ", "_")
				}
				fmt.Fprintf(c, "%s local=%s orig=%s\n", name, c.LocalAddr(), orig)
				c.Close()
			}
		}()
	}
	fmt.Println("ready")
	select {} // until killed
}

// dial connects to addr as the given uid and gid and prints the answer.
func dial(addr, uid, gid string) error {
	if gid != "-1" {
		n, _ := strconv.Atoi(gid)
		if err := syscall.Setgid(n); err != nil {
			return fmt.Errorf("setgid %s: %w", gid, err)
		}
	}
	if uid != "-1" {
		n, _ := strconv.Atoi(uid)
		if err := syscall.Setuid(n); err != nil {
			return fmt.Errorf("setuid %s: %w", uid, err)
		}
	}
	c, err := net.DialTimeout("tcp4", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	fmt.Print(line)
	return nil
}

// netns is a network namespace the test created and deletes.
type netns string

// requireNetns fails (never skips) when the namespace tests cannot run.
func requireNetns(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the network namespace tests need root (CI runs them as root): run `sudo go test ./proxy/pkg/iptables/`")
	}
	for _, prog := range []string{"ip", "iptables-save", "iptables-restore"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Fatalf("the network namespace tests need %s, which is not in PATH: run tools/install-deps.sh (it installs the iptables package; ip is in iproute2)", prog)
		}
	}
}

// run runs a command with a bounded time and fails the test on error.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// newNetns creates a uniquely named namespace with loopback up, deleted
// when the test ends (whatever happens to it).
func newNetns(t *testing.T, role string) netns {
	t.Helper()
	name := fmt.Sprintf("sail-%s-%d-%06x", role, os.Getpid(), rand.Uint32()&0xffffff)
	run(t, "ip", "netns", "add", name)
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("delete namespace %s: %v\n%s", name, err, out)
		}
	})
	ns := netns(name)
	ns.run(t, "ip", "link", "set", "lo", "up")
	return ns
}

func (ns netns) run(t *testing.T, name string, args ...string) string {
	t.Helper()
	return run(t, "ip", append([]string{"netns", "exec", string(ns), name}, args...)...)
}

// link connects pod and server with a veth pair (created inside them, so
// it goes away with them) and gives them their addresses.
func link(t *testing.T, pod, server netns) {
	t.Helper()
	id := fmt.Sprintf("%06x", rand.Uint32()&0xffffff)
	podIf, srvIf := "sp"+id, "ss"+id
	run(t, "ip", "link", "add", podIf, "netns", string(pod), "type", "veth", "peer", "name", srvIf, "netns", string(server))
	pod.run(t, "ip", "addr", "add", podAddr+"/24", "dev", podIf)
	pod.run(t, "ip", "link", "set", podIf, "up")
	server.run(t, "ip", "addr", "add", serverAddr+"/24", "dev", srvIf)
	server.run(t, "ip", "addr", "add", excludedAddr+"/24", "dev", srvIf)
	server.run(t, "ip", "link", "set", srvIf, "up")
	// veth carrier comes up asynchronously; connections before it do
	// not fail but wait for SYN retransmits.
	deadline := time.Now().Add(10 * time.Second)
	for _, end := range []struct {
		ns  netns
		dev string
	}{{pod, podIf}, {server, srvIf}} {
		for !strings.Contains(end.ns.run(t, "ip", "-o", "link", "show", "dev", end.dev), "state UP") {
			if time.Now().After(deadline) {
				t.Fatalf("veth %s in %s did not come up within 10s", end.dev, end.ns)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// helper runs this binary as a helper inside ns.
func (ns netns) helper(ctx context.Context, mode string, args ...string) *exec.Cmd {
	exe, _ := os.Executable()
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", string(ns), exe)
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, argsEnv+"="+strings.Join(args, "\n"),
		// A -race binary otherwise sleeps a second before exiting.
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	return cmd
}

// helperOK runs a short helper and returns its stdout, failing the test on
// error.
func (ns netns) helperOK(t *testing.T, mode string, args ...string) string {
	t.Helper()
	out, err := ns.helperResult(t, mode, args...)
	if err != nil {
		t.Fatalf("%s in %s %q: %v", mode, ns, args, err)
	}
	return out
}

func (ns netns) helperResult(t *testing.T, mode string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var stderr strings.Builder
	cmd := ns.helper(ctx, mode, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// serve starts a serve helper in ns and waits until it listens; it is
// killed when the test ends.
func (ns netns) serve(t *testing.T, name string, ports ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := ns.helper(ctx, "serve", append([]string{name}, ports...)...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && line != "ready\n" {
			err = fmt.Errorf("unexpected %q", line)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("%s server in %s did not start: %v", name, ns, err)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("%s server in %s did not start within 15s", name, ns)
	}
}

// connection is one client connection and who answered it.
type connection struct {
	name     string
	from     netns
	addr     string
	uid, gid string // "-1": root's
	want     string // the answering server's name, "proxy" for captured
	wantOrig string // for "proxy": the original destination it must see
}

// checkConnections makes the connections concurrently (each is its own
// process) and reports every one that landed in the wrong place.
func checkConnections(t *testing.T, conns []connection) {
	t.Helper()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			if err := c.check(t); err != nil {
				t.Errorf("%s: dial %s: %v", c.name, c.addr, err)
			}
		})
	}
	wg.Wait()
}

func (c connection) check(t *testing.T) error {
	uid, gid := c.uid, c.gid
	if uid == "" {
		uid = "-1"
	}
	if gid == "" {
		gid = "-1"
	}
	out, err := c.from.helperResult(t, "dial", c.addr, uid, gid)
	if err != nil {
		return err
	}
	f := strings.Fields(out)
	if len(f) != 3 || f[0] != c.want {
		return fmt.Errorf("answered by %q, want %s", strings.TrimSpace(out), c.want)
	}
	if c.wantOrig != "" && f[2] != "orig="+c.wantOrig {
		return fmt.Errorf("proxy saw %s, want orig=%s", f[2], c.wantOrig)
	}
	return nil
}

// TestCaptureInNamespaces applies REDIRECT capture in a "pod" namespace
// linked to a "server" namespace and checks where real connections land.
func TestCaptureInNamespaces(t *testing.T) {
	requireNetns(t)
	pod, server := newNetns(t, "pod"), newNetns(t, "srv")
	link(t, pod, server)

	// A rule that is not Sail's, which apply and clean-up must keep.
	pod.run(t, "iptables", "-t", "nat", "-N", "OTHER")
	pod.run(t, "iptables", "-t", "nat", "-A", "OUTPUT", "-p", "udp", "-j", "OTHER")

	server.serve(t, "server", "8080")
	pod.serve(t, "proxy", "15001")
	pod.serve(t, "app", "9080", "9090", "15020")

	toServer := net.JoinHostPort(serverAddr, "8080")
	toExcluded := net.JoinHostPort(excludedAddr, "8080")
	toApp := func(port string) string { return net.JoinHostPort(podAddr, port) }

	t.Run("before capture", func(t *testing.T) {
		checkConnections(t, []connection{
			{name: "outbound", from: pod, addr: toServer, want: "server"},
			{name: "inbound", from: server, addr: toApp("9080"), want: "app"},
		})
	})
	if t.Failed() {
		t.FailNow()
	}

	t.Run("all", func(t *testing.T) {
		pod.helperOK(t, "apply", "-p", "15001", "-u", "1337", "-g", "1337", "-m", "REDIRECT",
			"-i", "*", "-x", excludedAddr+"/32", "-b", "*", "-d", "9090")
		checkConnections(t, []connection{
			{name: "outbound captured", from: pod, addr: toServer, want: "proxy", wantOrig: toServer},
			{name: "proxy uid not captured", from: pod, addr: toServer, uid: "1337", want: "server"},
			{name: "proxy gid not captured", from: pod, addr: toServer, gid: "1337", want: "server"},
			{name: "other uid captured", from: pod, addr: toServer, uid: "1000", gid: "1000", want: "proxy", wantOrig: toServer},
			{name: "excluded CIDR", from: pod, addr: toExcluded, want: "server"},
			{name: "localhost not captured", from: pod, addr: "127.0.0.1:9080", want: "app"},
			{name: "app calling its own address", from: pod, addr: toApp("9080"), want: "proxy", wantOrig: toApp("9080")},
			{name: "inbound captured", from: server, addr: toApp("9080"), want: "proxy", wantOrig: toApp("9080")},
			{name: "inbound excluded port", from: server, addr: toApp("9090"), want: "app"},
			{name: "inbound status port", from: server, addr: toApp("15020"), want: "app"},
		})
	})

	t.Run("reapply with lists", func(t *testing.T) {
		pod.helperOK(t, "apply", "-i", serverAddr+"/32", "-b", "9080")
		saved := pod.run(t, "iptables-save", "-t", "nat")
		for _, jump := range []string{"-A OUTPUT -p tcp -j ISTIO_OUTPUT", "-A PREROUTING -p tcp -j ISTIO_INBOUND"} {
			if n := strings.Count(saved, jump); n != 1 {
				t.Errorf("after applying twice, %q appears %d times, want once:\n%s", jump, n, saved)
			}
		}
		checkConnections(t, []connection{
			{name: "included CIDR captured", from: pod, addr: toServer, want: "proxy", wantOrig: toServer},
			{name: "other CIDR not captured", from: pod, addr: toExcluded, want: "server"},
			{name: "inbound listed port captured", from: server, addr: toApp("9080"), want: "proxy", wantOrig: toApp("9080")},
			{name: "inbound unlisted port", from: server, addr: toApp("9090"), want: "app"},
		})
	})

	t.Run("cleanup", func(t *testing.T) {
		pod.helperOK(t, "cleanup")
		saved := pod.run(t, "iptables-save")
		if strings.Contains(saved, "ISTIO_") {
			t.Errorf("after cleanup, iptables-save still shows ISTIO_ chains or jumps:\n%s", saved)
		}
		if !strings.Contains(saved, "-A OUTPUT -p udp -j OTHER") {
			t.Errorf("cleanup removed a rule that is not Sail's:\n%s", saved)
		}
		pod.helperOK(t, "cleanup") // nothing left: still fine
		checkConnections(t, []connection{
			{name: "outbound after cleanup", from: pod, addr: toServer, want: "server"},
			{name: "inbound after cleanup", from: server, addr: toApp("9080"), want: "app"},
		})
	})
}

// TestTProxyInNamespace applies TPROXY capture twice and cleans it up. It
// checks the installed rules and policy route, not traffic: a TPROXY
// listener needs IP_TRANSPARENT, which the proxy does not set yet.
func TestTProxyInNamespace(t *testing.T) {
	requireNetns(t)
	pod := newNetns(t, "tpx")
	for range 2 {
		pod.helperOK(t, "apply", "-m", "TPROXY", "-b", "*", "-i", "*")
	}
	mangle := pod.run(t, "iptables-save", "-t", "mangle")
	for _, want := range []string{"-A PREROUTING -p tcp -j ISTIO_INBOUND", "-j TPROXY --on-port 15001"} {
		if n := strings.Count(mangle, want); n != 1 {
			t.Errorf("mangle table has %q %d times, want once:\n%s", want, n, mangle)
		}
	}
	if rules := pod.run(t, "ip", "-4", "rule", "show"); strings.Count(rules, "fwmark 0x539 lookup 133") != 1 {
		t.Errorf("want one fwmark 0x539 rule:\n%s", rules)
	}
	if routes := pod.run(t, "ip", "-4", "route", "show", "table", "133"); !strings.Contains(routes, "local default dev lo") {
		t.Errorf("table 133 lacks the local default route:\n%s", routes)
	}

	pod.helperOK(t, "cleanup")
	if saved := pod.run(t, "iptables-save"); strings.Contains(saved, "ISTIO_") {
		t.Errorf("after cleanup, iptables-save still shows ISTIO_ chains:\n%s", saved)
	}
	if rules := pod.run(t, "ip", "-4", "rule", "show"); strings.Contains(rules, "lookup 133") {
		t.Errorf("after cleanup, the TPROXY ip rule remains:\n%s", rules)
	}
	if routes := pod.run(t, "ip", "-4", "route", "show", "table", "all"); strings.Contains(routes, "table 133") {
		t.Errorf("after cleanup, table 133 still has routes:\n%s", routes)
	}
}
