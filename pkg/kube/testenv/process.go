package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// errAddrInUse marks a start that failed because a port chosen as free was
// taken before the server bound it; Start retries with new ports.
var errAddrInUse = errors.New("address already in use")

// logTailBytes is how much of a server's log an error quotes.
const logTailBytes = 4 << 10

// process is one child server. Its output goes to logPath. It runs in its
// own process group so that kill reaches anything it forks.
type process struct {
	name    string
	logPath string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	waitErr error         // valid after done is closed
}

// startProcess starts bin with args, sending stdout and stderr to
// dir/<name>.log. It must run on the launcher's thread (see launcher).
func startProcess(name, dir, bin string, args, env []string) (*process, error) {
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s log: %w", name, err)
	}
	defer logFile.Close() // the child holds its own descriptor

	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = childSysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (%s): %w", name, bin, err)
	}
	p := &process{name: name, logPath: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has ended, with its exit error.
func (p *process) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.waitErr
	default:
		return false, nil
	}
}

// kill sends SIGKILL to the process group and waits for the process to be
// reaped. The servers hold nothing worth a graceful shutdown.
func (p *process) kill() error {
	if ok, _ := p.exited(); ok {
		return nil
	}
	if err := killGroup(p.cmd.Process); err != nil {
		return fmt.Errorf("kill %s (pid %d): %w", p.name, p.cmd.Process.Pid, err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("kill %s (pid %d): still running 10s after SIGKILL", p.name, p.cmd.Process.Pid)
	}
}

// failure wraps err with the tail of the process's log, and with
// errAddrInUse when the log says a port was taken.
func (p *process) failure(err error) error {
	tail := readTail(p.logPath, logTailBytes)
	if bytes.Contains(tail, []byte("address already in use")) {
		err = fmt.Errorf("%w (%w)", err, errAddrInUse)
	}
	return fmt.Errorf("%s: %w\n--- last lines of %s ---\n%s", p.name, err, p.logPath,
		strings.TrimRight(string(tail), "\n"))
}

func readTail(path string, n int64) []byte {
	f, err := os.Open(path)
	if err != nil {
		return []byte(fmt.Sprintf("(cannot read log: %v)", err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		if _, err := f.Seek(-n, io.SeekEnd); err != nil {
			return []byte(fmt.Sprintf("(cannot read log: %v)", err))
		}
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return []byte(fmt.Sprintf("(cannot read log: %v)", err))
	}
	return b
}

// launcher runs process starts on one OS thread that stays alive until
// close. Linux sends a child its parent-death signal when the thread that
// forked it exits, not when the process does; a pooled Go thread may exit
// while the servers should still run, so the forks happen on a thread this
// launcher keeps locked.
type launcher struct {
	calls     chan func()
	closeOnce sync.Once
}

func newLauncher() *launcher {
	l := &launcher{calls: make(chan func())}
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for f := range l.calls {
			f()
		}
	}()
	return l
}

// do runs f on the launcher's thread and waits for it.
func (l *launcher) do(f func()) {
	done := make(chan struct{})
	l.calls <- func() {
		defer close(done)
		f()
	}
	<-done
}

// close releases the thread. Call it only once the children are dead.
func (l *launcher) close() {
	l.closeOnce.Do(func() { close(l.calls) })
}

// childEnv is the test process's environment without variables a server
// would read as configuration (etcd takes every ETCD_* as a flag).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "ETCD_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}
