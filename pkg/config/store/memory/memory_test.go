package memory_test

import (
	"context"
	"testing"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/memory"
	"github.com/sailmesh/sail/pkg/config/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{New: func(t *testing.T) store.Store {
		s := memory.New(config.IstioKinds())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
		return s
	}})
}
