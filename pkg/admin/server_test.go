package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/version"
)

func TestValidateListenAddr(t *testing.T) {
	tests := []struct {
		addr    string
		wantErr string
	}{
		{addr: "127.0.0.1:15014"},
		{addr: ":15014"},
		{addr: "127.0.0.1:0"},
		{addr: "[::1]:8080"},
		{addr: "localhost:65535"},
		{addr: "", wantErr: "--x is empty"},
		{addr: "127.0.0.1", wantErr: "missing port in address"},
		{addr: "127.0.0.1:http", wantErr: `port "http" is not a number`},
		{addr: "127.0.0.1:65536", wantErr: `port "65536" is not a number from 0 to 65535`},
		{addr: "::1:80", wantErr: "too many colons"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := ValidateListenAddr("--x", tt.addr)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateListenAddr(%q) = %v, want nil", tt.addr, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateListenAddr(%q) = %v, want containing %q", tt.addr, err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidAddr) {
				t.Errorf("error %v does not wrap ErrInvalidAddr", err)
			}
		})
	}
}

func TestOptionsFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantAddr  string
		wantPprof bool
		wantErr   string
	}{
		{name: "defaults", wantAddr: "127.0.0.1:15014"},
		{name: "override", args: []string{"--monitoring-addr=:9999", "--enable-pprof"}, wantAddr: ":9999", wantPprof: true},
		{name: "invalid names the flag", args: []string{"--monitoring-addr=nope"}, wantErr: `--monitoring-addr "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DefaultOptions("127.0.0.1:15014")
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			o.AttachFlags(fs, "monitoring-addr")
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := o.Validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Validate() = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			if o.Addr != tt.wantAddr || o.EnablePprof != tt.wantPprof {
				t.Errorf("options = %+v, want Addr %q EnablePprof %v", o, tt.wantAddr, tt.wantPprof)
			}
		})
	}
}

func TestNewRejectsInvalidOptions(t *testing.T) {
	_, err := New(Options{Addr: "no-port"}, Deps{})
	if !errors.Is(err, ErrInvalidAddr) || !strings.Contains(err.Error(), "admin address") {
		t.Fatalf("New() error = %v, want ErrInvalidAddr naming the admin address", err)
	}
}

// start runs s on a real loopback listener until the test ends and
// returns its base URL once it answers. Cleanup checks that Run shut down
// cleanly.
func start(t *testing.T, s *Server) string {
	t.Helper()
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v, want nil after cancel", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	base := "http://" + s.Addr()
	waitHealthy(t, base)
	return base
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("admin server at %s never became healthy: %v", base, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}

func TestEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	requests := prometheus.NewCounter(prometheus.CounterOpts{Name: "sail_test_requests_total", Help: "test"})
	reg.MustRegister(requests)
	requests.Add(3)

	var notReady atomic.Pointer[error]
	starting := errors.New("waiting for config sync")
	notReady.Store(&starting)

	var logs lockedBuffer
	s, err := New(Options{Addr: "127.0.0.1:0"}, Deps{
		Logger:   slog.New(slog.NewTextHandler(&logs, nil)),
		Registry: reg,
		Ready: func() error {
			if p := notReady.Load(); p != nil {
				return *p
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle("GET /debug/thing", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "thing page")
	}))
	base := start(t, s)

	tests := []struct {
		name     string
		path     string
		setup    func()
		wantCode int
		wantBody string
		wantType string
	}{
		{name: "healthz", path: "/healthz", wantCode: 200, wantBody: "ok\n", wantType: "text/plain; charset=utf-8"},
		{name: "readyz before ready", path: "/readyz", wantCode: 503, wantBody: "not ready: waiting for config sync\n"},
		{name: "readyz when ready", path: "/readyz", setup: func() { notReady.Store(nil) }, wantCode: 200, wantBody: "ok\n"},
		{name: "metrics from given registry", path: "/metrics", wantCode: 200, wantBody: "sail_test_requests_total 3"},
		{name: "version", path: "/version", wantCode: 200, wantBody: `"version": "dev"`, wantType: "application/json"},
		{name: "component page", path: "/debug/thing", wantCode: 200, wantBody: "thing page"},
		{name: "pprof off by default", path: "/debug/pprof/", wantCode: 404},
		{name: "unknown", path: "/nope", wantCode: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			code, body, hdr := get(t, base+tt.path)
			if code != tt.wantCode {
				t.Fatalf("GET %s = %d, want %d; body %q", tt.path, code, tt.wantCode, body)
			}
			if tt.wantBody != "" && !strings.Contains(body, tt.wantBody) {
				t.Errorf("GET %s body = %q, want containing %q", tt.path, body, tt.wantBody)
			}
			if tt.wantType != "" && hdr.Get("Content-Type") != tt.wantType {
				t.Errorf("GET %s Content-Type = %q, want %q", tt.path, hdr.Get("Content-Type"), tt.wantType)
			}
		})
	}

	t.Run("metrics do not include runtime collectors of a caller registry", func(t *testing.T) {
		_, body, _ := get(t, base+"/metrics")
		if strings.Contains(body, "go_goroutines") {
			t.Errorf("New registered Go collectors on the caller's registry")
		}
	})
	t.Run("version JSON", func(t *testing.T) {
		_, body, _ := get(t, base+"/version")
		var got version.Info
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if got != version.Get() {
			t.Errorf("/version = %+v, want %+v", got, version.Get())
		}
	})
	t.Run("listening is logged with the bound address", func(t *testing.T) {
		if !strings.Contains(logs.String(), "addr="+s.Addr()) {
			t.Errorf("log %q lacks addr=%s", logs.String(), s.Addr())
		}
	})
}

func TestDefaultRegistry(t *testing.T) {
	s, err := New(Options{Addr: "127.0.0.1:0"}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := get(t, start(t, s)+"/metrics")
	if !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics lacks go_goroutines:\n%.500s", body)
	}
}

func TestPprof(t *testing.T) {
	tests := []struct {
		enabled  bool
		path     string
		wantCode int
	}{
		{enabled: false, path: "/debug/pprof/", wantCode: 404},
		{enabled: false, path: "/debug/pprof/cmdline", wantCode: 404},
		{enabled: true, path: "/debug/pprof/", wantCode: 200},
		{enabled: true, path: "/debug/pprof/cmdline", wantCode: 200},
		{enabled: true, path: "/debug/pprof/goroutine?debug=1", wantCode: 200},
		{enabled: true, path: "/debug/pprof/symbol", wantCode: 200},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			s, err := New(Options{Addr: "127.0.0.1:0", EnablePprof: tt.enabled}, Deps{})
			if err != nil {
				t.Fatal(err)
			}
			if code, body, _ := get(t, start(t, s)+tt.path); code != tt.wantCode {
				t.Errorf("pprof %v: GET %s = %d, want %d; body %.200q", tt.enabled, tt.path, code, tt.wantCode, body)
			}
		})
	}
}

func TestAddr(t *testing.T) {
	s, err := New(Options{Addr: "127.0.0.1:0"}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Addr(); got != "127.0.0.1:0" {
		t.Errorf("Addr() before Listen = %q, want configured address", got)
	}
	start(t, s)
	host, port, err := net.SplitHostPort(s.Addr())
	if err != nil || host != "127.0.0.1" || port == "0" {
		t.Errorf("Addr() after Listen = %q, want 127.0.0.1 and a real port", s.Addr())
	}
}

func TestListenBusyPort(t *testing.T) {
	first, err := New(Options{Addr: "127.0.0.1:0"}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	start(t, first)
	second, err := New(Options{Addr: first.Addr()}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Listen(); err == nil {
		t.Fatal("Listen on a busy port succeeded")
	}
	if err := second.Run(context.Background()); err == nil {
		t.Fatal("Run on a busy port succeeded")
	}
}

func TestRunOnce(t *testing.T) {
	s, err := New(Options{Addr: "127.0.0.1:0"}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	start(t, s)
	if err := s.Listen(); !errors.Is(err, ErrAlreadyListening) {
		t.Errorf("second Listen() = %v, want ErrAlreadyListening", err)
	}
	if err := s.Run(context.Background()); !errors.Is(err, ErrAlreadyRun) {
		t.Errorf("second Run() = %v, want ErrAlreadyRun", err)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	s, err := New(Options{Addr: "127.0.0.1:0"}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	// Run binds on its own when Listen was not called.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	// Addr reports the configured ":0" until Run has bound.
	for deadline := time.Now().Add(10 * time.Second); s.Addr() == "127.0.0.1:0"; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Run never bound its listener")
		}
	}
	addr := s.Addr()
	waitHealthy(t, "http://"+addr)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run() = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Errorf("%s still accepts connections after Run returned", addr)
	}
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
