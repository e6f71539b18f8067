package iptables

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// Runner runs iptables-save, iptables-restore and ip. Exec runs them for
// real; tests may record instead. Run returns the program's stdout; on
// failure its error says which program failed and carries its stderr.
type Runner interface {
	Run(ctx context.Context, stdin string, name string, args ...string) (string, error)
}

// Exec runs programs from PATH in the caller's network namespace.
type Exec struct{}

var _ Runner = Exec{}

// CommandError is a program that failed, with what it said on stderr.
type CommandError struct {
	Command string // the command line, for the reader
	Stderr  string
	Err     error
}

func (e *CommandError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Command, e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	}
	if errors.Is(e.Err, exec.ErrNotFound) {
		msg += " (install the iptables and iproute2 packages)"
	}
	return msg
}

func (e *CommandError) Unwrap() error { return e.Err }

// Run runs name with args, feeding it stdin.
func (Exec) Run(ctx context.Context, stdin string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &CommandError{
			Command: strings.Join(append([]string{name}, args...), " "),
			Stderr:  stderr.String(),
			Err:     err,
		}
	}
	return stdout.String(), nil
}

// Apply installs p in the current network namespace. Each table is one
// iptables-restore --noflush transaction that first removes Sail's earlier
// jumps and chains, so applying twice leaves one copy and a failure leaves
// that table as it was. Rules of other programs are kept.
func Apply(ctx context.Context, r Runner, p Plan) error {
	for _, table := range allTables() {
		old, err := r.Run(ctx, "", "iptables-save", "-t", table)
		if err != nil {
			return fmt.Errorf("read %s table: %w", table, err)
		}
		body := removal(old) + p.restoreBody(table)
		if body == "" {
			continue
		}
		if _, err := r.Run(ctx, "*"+table+"\n"+body+"COMMIT\n", "iptables-restore", "--noflush"); err != nil {
			return fmt.Errorf("apply %s table: %w", table, err)
		}
	}
	if err := cleanupRoute(ctx, r); err != nil {
		return err
	}
	for _, args := range p.IP {
		if _, err := r.Run(ctx, "", "ip", args...); err != nil {
			return fmt.Errorf("route marked packets to lo: %w", err)
		}
	}
	return nil
}

// Cleanup removes everything Apply may have installed, whatever its
// Config: jumps to Sail's chains, the chains, and the TPROXY ip rule and
// route table. Other rules are left alone; with nothing to remove it does
// nothing and succeeds.
func Cleanup(ctx context.Context, r Runner) error {
	for _, table := range allTables() {
		old, err := r.Run(ctx, "", "iptables-save", "-t", table)
		if err != nil {
			return fmt.Errorf("read %s table: %w", table, err)
		}
		body := removal(old)
		if body == "" {
			continue
		}
		if _, err := r.Run(ctx, "*"+table+"\n"+body+"COMMIT\n", "iptables-restore", "--noflush"); err != nil {
			return fmt.Errorf("clean up %s table: %w", table, err)
		}
	}
	return cleanupRoute(ctx, r)
}

// removal turns the iptables-save output of one table into the
// iptables-restore lines that delete Sail's jumps from other chains, then
// flush and delete Sail's chains ("" if there are none).
func removal(saved string) string {
	var jumps, chains []string
	for line := range strings.Lines(saved) {
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, ":"):
			if name, _, _ := strings.Cut(line[1:], " "); sailChain(name) {
				chains = append(chains, name)
			}
		case strings.HasPrefix(line, "-A "):
			f := strings.Fields(line)
			if sailChain(f[1]) {
				continue // goes with its chain
			}
			if i := slices.IndexFunc(f, func(s string) bool { return s == "-j" || s == "-g" }); i >= 0 && i+1 < len(f) && sailChain(f[i+1]) {
				jumps = append(jumps, "-D"+line[2:])
			}
		}
	}
	var b strings.Builder
	for _, j := range jumps {
		b.WriteString(j + "\n")
	}
	for _, c := range chains {
		b.WriteString("-F " + c + "\n")
	}
	for _, c := range chains {
		b.WriteString("-X " + c + "\n")
	}
	return b.String()
}

// cleanupRoute removes the TPROXY policy rule(s) and route table, if any.
func cleanupRoute(ctx context.Context, r Runner) error {
	mark, table := strconv.Itoa(TProxyMark), strconv.Itoa(TProxyRouteTable)
	rules, err := r.Run(ctx, "", "ip", "-4", "rule", "show")
	if err != nil {
		return fmt.Errorf("list ip rules: %w", err)
	}
	for line := range strings.Lines(rules) {
		// "32765:	from all fwmark 0x539 lookup 133"
		if f := strings.Fields(line); fieldAfter(f, "fwmark") == fmt.Sprintf("%#x", TProxyMark) && fieldAfter(f, "lookup") == table {
			if _, err := r.Run(ctx, "", "ip", "-4", "rule", "del", "fwmark", mark, "lookup", table); err != nil {
				return fmt.Errorf("remove TPROXY ip rule: %w", err)
			}
		}
	}
	// "route show table 133" fails while the table does not exist; the
	// listing of all tables does not.
	routes, err := r.Run(ctx, "", "ip", "-4", "route", "show", "table", "all")
	if err != nil {
		return fmt.Errorf("list routes: %w", err)
	}
	for line := range strings.Lines(routes) {
		if f := strings.Fields(line); fieldAfter(f, "table") == table {
			if _, err := r.Run(ctx, "", "ip", "-4", "route", "flush", "table", table); err != nil {
				return fmt.Errorf("flush route table %s: %w", table, err)
			}
			break
		}
	}
	return nil
}

// fieldAfter returns the field after the first key in f, or "".
func fieldAfter(f []string, key string) string {
	if i := slices.Index(f, key); i >= 0 && i+1 < len(f) {
		return f[i+1]
	}
	return ""
}
