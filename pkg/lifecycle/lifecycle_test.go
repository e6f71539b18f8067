package lifecycle

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sailmesh/sail/pkg/admin"
)

func newProcess(t *testing.T, addr string) *Process {
	t.Helper()
	p, err := New("test-binary", admin.DefaultOptions(addr), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func get(addr, path string) (int, string) {
	if strings.HasSuffix(addr, ":0") {
		return 0, ""
	}
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRun: not ready while a step runs, ready after, and a clean stop.
func TestRun(t *testing.T) {
	p := newProcess(t, "127.0.0.1:0")
	release := make(chan struct{})
	var order []string
	steps := []Step{
		{Name: "first", Run: func(context.Context) error { order = append(order, "first"); return nil }},
		{Name: "blocking", Run: func(ctx context.Context) error {
			order = append(order, "blocking")
			select {
			case <-release:
			case <-ctx.Done():
			}
			return nil
		}},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, steps, "started") }()

	waitFor(t, "the admin server", func() bool { code, _ := get(p.AdminAddr(), "/healthz"); return code == 200 })
	if code, body := get(p.AdminAddr(), "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "test-binary is starting") {
		t.Fatalf("/readyz during start-up = %d %q, want 503 naming the binary", code, body)
	}
	close(release)
	waitFor(t, "ready", func() bool { code, _ := get(p.AdminAddr(), "/readyz"); return code == 200 })
	if strings.Join(order, ",") != "first,blocking" {
		t.Errorf("steps ran as %v", order)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run() = %v after cancel, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestStepErrorNamesStep(t *testing.T) {
	p := newProcess(t, "127.0.0.1:0")
	boom := errors.New("boom")
	err := p.Run(context.Background(), []Step{{Name: "config store", Run: func(context.Context) error { return boom }}}, "started")
	if !errors.Is(err, boom) || err.Error() != "config store: boom" {
		t.Fatalf("Run() = %v, want the step's error wrapped with its name", err)
	}
}

func TestBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = newProcess(t, ln.Addr().String()).Run(context.Background(), nil, "started")
	if err == nil || !strings.HasPrefix(err.Error(), "admin server: ") {
		t.Fatalf("Run() = %v, want an error naming the admin server", err)
	}
}

func TestNewRejectsBadAddress(t *testing.T) {
	if _, err := New("x", admin.DefaultOptions("nope"), nil); err == nil {
		t.Fatal("New accepted an address without a port")
	}
}
