package testenv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// AssetsEnvVar names the environment variable that overrides the default
// assets directory. tools/install-deps.sh reads the same variable.
const AssetsEnvVar = "SAIL_KUBE_ASSETS"

// KubernetesVersion is the kube-apiserver release the assets are built from;
// it must match tools/kube-apiserver/go.mod.
const KubernetesVersion = "v1.34.4"

// ErrAssetsMissing is returned by Start when the assets directory lacks
// kube-apiserver or etcd.
var ErrAssetsMissing = errors.New("kube test assets missing")

// Options configures Start. The zero value is ready to use.
type Options struct {
	// AssetsDir holds the kube-apiserver and etcd executables. Empty means
	// $SAIL_KUBE_ASSETS, or else DefaultAssetsDir().
	AssetsDir string
	// Log receives progress messages (ports, timings). Nil discards them.
	// The servers' own output goes to files and is never written here.
	Log io.Writer
}

// DefaultAssetsDir is where tools/install-deps.sh puts the assets when
// SAIL_KUBE_ASSETS is not set: $HOME/.cache/sail/kube-<KubernetesVersion>.
func DefaultAssetsDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("default assets dir: %w (set %s)", err, AssetsEnvVar)
	}
	return filepath.Join(home, ".cache", "sail", "kube-"+KubernetesVersion), nil
}

// assets is the resolved pair of executables.
type assets struct {
	dir           string
	kubeAPIServer string
	etcd          string
}

// resolveAssets finds the executables and reports, with ErrAssetsMissing,
// which one is missing and how to build it.
func (o Options) resolveAssets() (assets, error) {
	dir := o.AssetsDir
	if dir == "" {
		dir = os.Getenv(AssetsEnvVar)
	}
	if dir == "" {
		d, err := DefaultAssetsDir()
		if err != nil {
			return assets{}, err
		}
		dir = d
	}
	a := assets{
		dir:           dir,
		kubeAPIServer: filepath.Join(dir, "kube-apiserver"),
		etcd:          filepath.Join(dir, "etcd"),
	}
	for _, bin := range []string{a.kubeAPIServer, a.etcd} {
		if err := checkExecutable(bin); err != nil {
			return assets{}, fmt.Errorf("%w: %v; run tools/install-deps.sh (or make test) to build them into %s, "+
				"or point %s at a directory holding kube-apiserver %s and etcd",
				ErrAssetsMissing, err, dir, AssetsEnvVar, KubernetesVersion)
		}
	}
	return a, nil
}

func checkExecutable(path string) error {
	fi, err := os.Stat(path) // follows the etcd symlink
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}
