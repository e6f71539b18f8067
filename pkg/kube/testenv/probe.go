package testenv

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// httpGetter probes a server's health endpoint.
type httpGetter struct {
	client *http.Client
}

// newHTTPClient returns a client that never uses a proxy: the servers are
// on loopback, and a proxy from the environment would only get in the way.
func newHTTPClient(tlsConf *tls.Config) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:             nil,
		TLSClientConfig:   tlsConf,
		DisableKeepAlives: true,
	}}
}

// expectOK GETs url, with token as a bearer token when set, and fails
// unless the answer is 200.
func (g *httpGetter) expectOK(ctx context.Context, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}
