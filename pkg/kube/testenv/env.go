package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const (
	// startAttempts bounds retries when a port picked as free is taken
	// before a server binds it.
	startAttempts = 3
	etcdTimeout   = 30 * time.Second
	// readyTimeout bounds the wait for kube-apiserver's /readyz and the
	// default namespace.
	readyTimeout = 60 * time.Second
	pollInterval = 100 * time.Millisecond

	etcdDataDir = "etcd-data"
)

// Env is a running etcd + kube-apiserver pair owned by one test package.
// Its methods are safe for concurrent use. Stop it when done; RunMain does.
type Env struct {
	// Config reaches the API server as a member of system:masters. Treat it
	// as read-only: rest.CopyConfig it before changing a field.
	Config *rest.Config
	// Kubeconfig is the path of a kubeconfig file holding the same
	// credentials, for tools that want one. It is removed by Stop.
	Kubeconfig string

	dir       string
	log       *slog.Logger
	launcher  *launcher
	etcd      *process
	apiserver *process
	client    kubernetes.Interface
	dynamic   dynamic.Interface

	stopOnce sync.Once
	stopErr  error
}

// Start runs etcd and kube-apiserver from the assets directory on free
// loopback ports and returns once the API server is ready and the default
// namespace exists. It fails with ErrAssetsMissing when the binaries are not
// built. On other failures the error quotes the end of the failing server's
// log, and the temporary directory is kept for inspection.
func Start(ctx context.Context, opts Options) (*Env, error) {
	a, err := opts.resolveAssets()
	if err != nil {
		return nil, err
	}
	w := opts.Log
	if w == nil {
		w = io.Discard
	}
	log := slog.New(slog.NewTextHandler(w, nil)).With("component", "testenv")
	removeStaleTempDirs(log)
	for attempt := 1; ; attempt++ {
		e, err := start(ctx, a, log)
		if err == nil {
			return e, nil
		}
		if !errors.Is(err, errAddrInUse) || attempt == startAttempts {
			return nil, err
		}
		log.Warn("port taken before the server bound it; retrying with new ports", "attempt", attempt, "err", err)
	}
}

func start(ctx context.Context, a assets, log *slog.Logger) (_ *Env, err error) {
	dir, err := makeTempDir()
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	e := &Env{dir: dir, log: log, launcher: newLauncher()}
	defer func() {
		if err == nil {
			return
		}
		keep := !errors.Is(err, errAddrInUse)
		if stopErr := e.stop(keep); stopErr != nil {
			err = fmt.Errorf("%w; cleaning up: %v", err, stopErr)
		}
		if keep {
			err = fmt.Errorf("%w\n(server logs kept in %s)", err, dir)
		}
	}()

	creds, err := writeCredentials(dir)
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, fmt.Errorf("free ports: %w", err)
	}
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
	apiPort := ports[2]

	begin := time.Now()
	if err := e.startEtcd(ctx, a.etcd, etcdURL, peerURL); err != nil {
		return nil, err
	}
	log.Info("etcd ready", "url", etcdURL, "elapsed", time.Since(begin).Round(time.Millisecond))

	e.Config = &rest.Config{
		Host:            "https://127.0.0.1:" + strconv.Itoa(apiPort),
		BearerToken:     creds.adminToken,
		TLSClientConfig: rest.TLSClientConfig{CAData: creds.caPEM},
		UserAgent:       "sail-testenv",
		// Loopback to a private server: client-side throttling only slows
		// tests down.
		QPS:   1000,
		Burst: 2000,
	}
	if err := e.startAPIServer(ctx, a.kubeAPIServer, creds, etcdURL, apiPort); err != nil {
		return nil, err
	}
	log.Info("kube-apiserver ready", "host", e.Config.Host, "elapsed", time.Since(begin).Round(time.Millisecond))

	if e.Kubeconfig, err = writeKubeconfig(dir, e.Config); err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	return e, nil
}

func (e *Env) startEtcd(ctx context.Context, bin, clientURL, peerURL string) error {
	args := []string{
		"--name=testenv",
		"--data-dir=" + filepath.Join(e.dir, etcdDataDir),
		"--listen-client-urls=" + clientURL,
		"--advertise-client-urls=" + clientURL,
		"--listen-peer-urls=" + peerURL,
		"--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=testenv=" + peerURL,
		"--logger=zap",
		"--log-outputs=stderr",
	}
	var err error
	e.launcher.do(func() { e.etcd, err = startProcess("etcd", e.dir, bin, args, childEnv()) })
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	hc := &httpGetter{client: newHTTPClient(nil)}
	return e.waitFor(ctx, e.etcd, etcdTimeout, func(ctx context.Context) error {
		return hc.expectOK(ctx, clientURL+"/health", "")
	})
}

func (e *Env) startAPIServer(ctx context.Context, bin string, creds *credentials, etcdURL string, port int) error {
	args := []string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + filepath.Join(e.dir, "apiserver-certs"),
		"--tls-cert-file=" + creds.servingCertFile,
		"--tls-private-key-file=" + creds.servingKeyFile,
		"--etcd-servers=" + etcdURL,
		"--token-auth-file=" + creds.tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + creds.saPubKeyFile,
		"--service-account-signing-key-file=" + creds.saKeyFile,
		"--service-cluster-ip-range=10.96.0.0/16",
		// No controller manager runs to create the service-account tokens
		// the ServiceAccount admission plugin would insist on.
		"--disable-admission-plugins=ServiceAccount",
		// No kubelets: nothing to put in the kubernetes Endpoints.
		"--endpoint-reconciler-type=none",
	}
	var err error
	e.launcher.do(func() { e.apiserver, err = startProcess("kube-apiserver", e.dir, bin, args, childEnv()) })
	if err != nil {
		return fmt.Errorf("kube-apiserver: %w", err)
	}
	tlsConf, err := rest.TLSConfigFor(e.Config)
	if err != nil {
		return fmt.Errorf("kube-apiserver: TLS config: %w", err)
	}
	hc := &httpGetter{client: newHTTPClient(tlsConf)}
	if err := e.waitFor(ctx, e.apiserver, readyTimeout, func(ctx context.Context) error {
		return hc.expectOK(ctx, e.Config.Host+"/readyz", e.Config.BearerToken)
	}); err != nil {
		return err
	}

	if e.client, err = kubernetes.NewForConfig(e.Config); err != nil {
		return fmt.Errorf("kube-apiserver: client: %w", err)
	}
	if e.dynamic, err = dynamic.NewForConfig(e.Config); err != nil {
		return fmt.Errorf("kube-apiserver: dynamic client: %w", err)
	}
	// The system namespaces are created by a loop the server starts, which
	// may still be on its way after /readyz; tests expect "default".
	return e.waitFor(ctx, e.apiserver, readyTimeout, func(ctx context.Context) error {
		_, err := e.client.CoreV1().Namespaces().Get(ctx, metav1.NamespaceDefault, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("namespace %q not created yet", metav1.NamespaceDefault)
		}
		return err
	})
}

// waitFor polls check until it succeeds, p exits, timeout passes or ctx is
// done. Errors quote the end of p's log.
func (e *Env) waitFor(ctx context.Context, p *process, timeout time.Duration, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var last error
	for {
		if exited, err := p.exited(); exited {
			return p.failure(fmt.Errorf("exited during start-up: %v", err))
		}
		reqCtx, reqCancel := context.WithTimeout(ctx, 2*time.Second)
		last = check(reqCtx)
		reqCancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return p.failure(fmt.Errorf("not ready after %v: %w (last check: %v)", timeout, ctx.Err(), last))
		case <-tick.C:
		}
	}
}

// Client returns a clientset acting as cluster admin.
func (e *Env) Client() kubernetes.Interface { return e.client }

// Dynamic returns a dynamic client acting as cluster admin, for custom
// resources.
func (e *Env) Dynamic() dynamic.Interface { return e.dynamic }

// Stop kills kube-apiserver and etcd and removes the temporary directory,
// kubeconfig included. It is safe to call more than once; later calls
// return the first call's result.
func (e *Env) Stop() error {
	return e.stop(false)
}

func (e *Env) stop(keepDir bool) error {
	e.stopOnce.Do(func() {
		var errs []error
		// The API server first, so it does not log a storm of etcd errors.
		for _, p := range []*process{e.apiserver, e.etcd} {
			if p == nil {
				continue
			}
			if err := p.kill(); err != nil {
				errs = append(errs, err)
			}
		}
		e.launcher.close()
		// A kept directory keeps the logs, not etcd's 100+ MB of data.
		remove := e.dir
		if keepDir {
			remove = filepath.Join(e.dir, etcdDataDir)
		}
		if err := os.RemoveAll(remove); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", remove, err))
		}
		e.stopErr = errors.Join(errs...)
		e.log.Info("stopped", "err", e.stopErr)
	})
	return e.stopErr
}

// freePorts returns n distinct loopback ports that were free a moment ago.
// All listeners are held until every port is chosen so they differ.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func writeKubeconfig(dir string, c *rest.Config) (string, error) {
	const name = "sail-testenv"
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: c.Host, CertificateAuthorityData: c.CAData}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: c.BearerToken}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: metav1.NamespaceDefault}
	cfg.CurrentContext = name
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return "", err
	}
	return path, nil
}
