package testenv

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const (
	// tempDirPrefix names every Env's directory under os.TempDir().
	tempDirPrefix = "sail-testenv-"
	// ownerFile in an Env's directory holds the pid of the test process
	// that made it.
	ownerFile = "owner.pid"
)

// makeTempDir creates an Env's directory and records this process as its
// owner, so a later Start can clear it away if this process dies before
// Stop (etcd's data alone is over 100 MB).
func makeTempDir() (string, error) {
	dir, err := os.MkdirTemp("", tempDirPrefix)
	if err != nil {
		return "", err
	}
	pid := []byte(strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(filepath.Join(dir, ownerFile), pid, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// removeStaleTempDirs deletes Env directories whose owning process is gone:
// those left by a test binary that panicked, timed out or was killed. Its
// servers died with it (see childSysProcAttr). Directories without an owner
// file are not ours and are left alone. Failures are only logged: they cost
// disk space, not correctness.
func removeStaleTempDirs(log *slog.Logger) {
	matches, err := filepath.Glob(filepath.Join(os.TempDir(), tempDirPrefix+"*"))
	if err != nil {
		return
	}
	for _, dir := range matches {
		pid, err := readOwner(dir)
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			log.Warn("cannot remove a stale test env directory", "dir", dir, "err", err)
			continue
		}
		log.Info("removed a stale test env directory", "dir", dir, "owner_pid", pid)
	}
}

func readOwner(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("%s: bad owner pid %q", dir, b)
	}
	return pid, nil
}
