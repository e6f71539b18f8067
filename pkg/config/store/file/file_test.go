package file_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/parse"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/file"
	"github.com/sailmesh/sail/pkg/config/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{New: func(t *testing.T) store.Store {
		return start(t, t.TempDir())
	}})
}

func decoder() file.DecodeFunc {
	p := parse.New(config.BuiltinRegistry(), parse.Options{})
	return func(name string, data []byte) ([]*config.Object, error) {
		objs, errs := p.Parse(name, data)
		if err := errs.Err(); err != nil {
			return nil, err
		}
		return objs, nil
	}
}

// start runs a file store on dir until t ends and waits for it to sync.
func start(t *testing.T, dir string) *file.Store {
	t.Helper()
	return startWith(t, dir, config.IstioKinds())
}

func startWith(t *testing.T, dir string, kinds []config.Kind) *file.Store {
	t.Helper()
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := file.New(dir, decoder(), file.Options{Logger: log, Kinds: kinds})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	syncCtx, cancelSync := context.WithTimeout(ctx, storetest.WaitTimeout)
	defer cancelSync()
	if err := store.WaitForSync(syncCtx, s); err != nil {
		t.Fatalf("WaitForSync: %v", err)
	}
	return s
}

// testWriter sends log lines to t.Log, shown for failing tests and -v.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p[:len(p)-1]))
	return len(p), nil
}
