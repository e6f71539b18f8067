package testenv

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// setupTimeout bounds Start plus the setup function in RunMain.
const setupTimeout = 3 * time.Minute

// RunMain is for a test package's TestMain. It starts one Env, passes it to
// setup (install CRDs there, and keep the Env for the tests), runs the tests,
// stops the Env and returns the exit code for os.Exit:
//
//	var env *testenv.Env
//
//	func TestMain(m *testing.M) {
//		os.Exit(testenv.RunMain(m, testenv.Options{}, func(ctx context.Context, e *testenv.Env) error {
//			env = e
//			return e.InstallCRDs(ctx, myCRD)
//		}))
//	}
//
// If the Env cannot start (assets missing included) or setup fails, RunMain
// prints why to stderr and returns 1 without running any test: it never
// skips. ctx is cancelled when setup returns. opts.Log defaults to stderr,
// which go test shows only for failing packages or with -v.
func RunMain(m *testing.M, opts Options, setup func(ctx context.Context, e *Env) error) int {
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	env, err := startAndSetup(opts, setup)
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: testenv: %v\n", err)
		return 1
	}
	code := m.Run()
	if err := env.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: testenv: stop: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

func startAndSetup(opts Options, setup func(context.Context, *Env) error) (*Env, error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	env, err := Start(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("start kube-apiserver: %w", err)
	}
	if setup != nil {
		if err := setup(ctx, env); err != nil {
			if stopErr := env.Stop(); stopErr != nil {
				err = fmt.Errorf("%w; stop: %v", err, stopErr)
			}
			return nil, fmt.Errorf("setup: %w", err)
		}
	}
	return env, nil
}
