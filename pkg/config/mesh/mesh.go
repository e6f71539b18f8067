// Package mesh holds the mesh-wide settings (MeshConfig) every component
// reads: the trust domain, the outbound traffic policy, whether policy
// checks run and fail open, access logging, and the proxies' defaults.
//
// Field names follow Istio 1.1's MeshConfig so that its users' mesh files
// load unchanged; Sail's defaults are documented on each field and returned
// by Default. Loading is strict: an unknown field is an error.
package mesh

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"time"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"
)

// OutboundMode says what happens to traffic for destinations outside the
// service registry.
type OutboundMode string

// The outbound traffic modes.
const (
	// AllowAny passes unknown destinations through (Istio's default).
	AllowAny OutboundMode = "ALLOW_ANY"
	// RegistryOnly blocks them.
	RegistryOnly OutboundMode = "REGISTRY_ONLY"
)

// Config is the mesh configuration. The zero value is not useful: start from
// Default or Load.
type Config struct {
	// TrustDomain is the SPIFFE trust domain of workload identities.
	// Default "cluster.local".
	TrustDomain string `json:"trustDomain"`
	// RootNamespace holds mesh-wide config (Mixer rules, Sidecar defaults).
	// Default "istio-system".
	RootNamespace string `json:"rootNamespace"`
	// OutboundTrafficPolicy: default mode ALLOW_ANY.
	OutboundTrafficPolicy OutboundTrafficPolicy `json:"outboundTrafficPolicy"`
	// DisablePolicyChecks turns Mixer Check off for the whole mesh. Default
	// false: Sail runs policy checks (classic Istio shipped them off, and
	// users following its rate-limit and denial tasks saw nothing happen).
	DisablePolicyChecks bool `json:"disablePolicyChecks"`
	// PolicyCheckFailOpen lets requests through when Mixer cannot be
	// reached. Default false (fail closed).
	PolicyCheckFailOpen bool `json:"policyCheckFailOpen"`
	// MixerCheckServer and MixerReportServer are the policy and telemetry
	// Mixer addresses. Defaults istio-policy / istio-telemetry in
	// istio-system, port 9091.
	MixerCheckServer  string `json:"mixerCheckServer"`
	MixerReportServer string `json:"mixerReportServer"`
	// AccessLogFile is where proxies write access logs; "" turns them off.
	// Default "/dev/stdout".
	AccessLogFile string `json:"accessLogFile"`
	// AccessLogEncoding is JSON (default) or TEXT.
	AccessLogEncoding string `json:"accessLogEncoding"`
	// ProxyListenPort is the sidecar capture port. Default 15001.
	ProxyListenPort int `json:"proxyListenPort"`
	// ProxyHTTPPort is the explicit HTTP proxy port used with interception
	// mode NONE; 0 disables it. Default 0.
	ProxyHTTPPort int `json:"proxyHttpPort"`
	// ConnectTimeout is the default upstream connect timeout. Default 10s.
	ConnectTimeout Duration `json:"connectTimeout"`
	// EnableTracing makes proxies propagate and sample trace headers.
	// Default true.
	EnableTracing bool `json:"enableTracing"`
	// DefaultConfig holds the proxies' defaults.
	DefaultConfig ProxyConfig `json:"defaultConfig"`
}

// OutboundTrafficPolicy wraps the outbound mode as Istio's YAML nests it.
type OutboundTrafficPolicy struct {
	Mode OutboundMode `json:"mode"`
}

// ProxyConfig holds the defaults for every sidecar and gateway.
type ProxyConfig struct {
	// DiscoveryAddress is Pilot's xDS address. Default
	// "istio-pilot.istio-system:15010".
	DiscoveryAddress string `json:"discoveryAddress"`
	// ProxyAdminPort is the proxy's admin port. Default 15000.
	ProxyAdminPort int `json:"proxyAdminPort"`
	// StatusPort serves /healthz/ready. Default 15020.
	StatusPort int `json:"statusPort"`
	// ConnectTimeout overrides the mesh connect timeout for proxies; 0
	// means the mesh's.
	ConnectTimeout Duration `json:"connectTimeout"`
	// DrainDuration is how long a stopping proxy drains. Default 45s.
	DrainDuration Duration `json:"drainDuration"`
	// ParentShutdownDuration bounds a proxy's shutdown. Default 60s.
	ParentShutdownDuration Duration `json:"parentShutdownDuration"`
	// ServiceCluster names the proxies' service cluster. Default
	// "istio-proxy".
	ServiceCluster string `json:"serviceCluster"`
	// Concurrency is the number of proxy worker threads; 0 means one per
	// core. Default 0.
	Concurrency int `json:"concurrency"`
}

// Duration is a time.Duration written as a Go duration string ("10s").
type Duration struct{ time.Duration }

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration string such as "10s" or "1m30s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("expected a duration string such as \"10s\", got %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: use a number with a unit, such as \"10s\"", s)
	}
	d.Duration = v
	return nil
}

// Default returns Sail's default mesh configuration.
func Default() Config {
	return Config{
		TrustDomain:           "cluster.local",
		RootNamespace:         "istio-system",
		OutboundTrafficPolicy: OutboundTrafficPolicy{Mode: AllowAny},
		MixerCheckServer:      "istio-policy.istio-system.svc.cluster.local:9091",
		MixerReportServer:     "istio-telemetry.istio-system.svc.cluster.local:9091",
		AccessLogFile:         "/dev/stdout",
		AccessLogEncoding:     "JSON",
		ProxyListenPort:       15001,
		ConnectTimeout:        Duration{10 * time.Second},
		EnableTracing:         true,
		DefaultConfig: ProxyConfig{
			DiscoveryAddress:       "istio-pilot.istio-system:15010",
			ProxyAdminPort:         15000,
			StatusPort:             15020,
			DrainDuration:          Duration{45 * time.Second},
			ParentShutdownDuration: Duration{60 * time.Second},
			ServiceCluster:         "istio-proxy",
		},
	}
}

// Parse reads a mesh config from YAML or JSON over Sail's defaults: fields
// the input leaves out keep their default. The result is validated.
func Parse(data []byte) (Config, error) {
	cfg := Default()
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return Config{}, fmt.Errorf("invalid YAML: %w", err)
	}
	if len(bytes.TrimSpace(js)) > 0 && string(bytes.TrimSpace(js)) != "null" {
		dec := json.NewDecoder(bytes.NewReader(js))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			return Config{}, cleanJSONError(err)
		}
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// Load reads and validates the mesh config in file; an empty path returns
// the defaults.
func Load(file string) (Config, error) {
	if file == "" {
		return Default(), nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return Config{}, fmt.Errorf("mesh config: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return Config{}, fmt.Errorf("mesh config %s: %w", file, err)
	}
	return cfg, nil
}

var unknownField = regexp.MustCompile(`json: unknown field "([^"]+)"`)

func cleanJSONError(err error) error {
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("unknown field %q", m[1])
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: expected %s, got %s", te.Field, te.Type, te.Value)
	}
	return err
}

// Validate reports every invalid field, by its YAML name.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if len(k8svalidation.IsDNS1123Subdomain(c.TrustDomain)) > 0 {
		bad("trustDomain", "%q is not a valid DNS name", c.TrustDomain)
	}
	if len(k8svalidation.IsDNS1123Label(c.RootNamespace)) > 0 {
		bad("rootNamespace", "%q is not a valid namespace name", c.RootNamespace)
	}
	switch c.OutboundTrafficPolicy.Mode {
	case AllowAny, RegistryOnly:
	default:
		bad("outboundTrafficPolicy.mode", "%q must be ALLOW_ANY or REGISTRY_ONLY", c.OutboundTrafficPolicy.Mode)
	}
	switch c.AccessLogEncoding {
	case "JSON", "TEXT":
	default:
		bad("accessLogEncoding", "%q must be JSON or TEXT", c.AccessLogEncoding)
	}
	for field, addr := range map[string]string{"mixerCheckServer": c.MixerCheckServer,
		"mixerReportServer": c.MixerReportServer, "defaultConfig.discoveryAddress": c.DefaultConfig.DiscoveryAddress} {
		if addr == "" {
			continue
		}
		if _, port, err := net.SplitHostPort(addr); err != nil || !validPort(port) {
			bad(field, "%q must be host:port", addr)
		}
	}
	checkPort := func(field string, p int, zeroOK bool) {
		if (p == 0 && zeroOK) || (p >= 1 && p <= 65535) {
			return
		}
		bad(field, "%d is not a port number (1-65535)", p)
	}
	checkPort("proxyListenPort", c.ProxyListenPort, false)
	checkPort("proxyHttpPort", c.ProxyHTTPPort, true)
	checkPort("defaultConfig.proxyAdminPort", c.DefaultConfig.ProxyAdminPort, false)
	checkPort("defaultConfig.statusPort", c.DefaultConfig.StatusPort, false)
	for field, d := range map[string]Duration{"connectTimeout": c.ConnectTimeout,
		"defaultConfig.drainDuration":          c.DefaultConfig.DrainDuration,
		"defaultConfig.parentShutdownDuration": c.DefaultConfig.ParentShutdownDuration} {
		if d.Duration <= 0 {
			bad(field, "must be a positive duration")
		}
	}
	if c.DefaultConfig.ConnectTimeout.Duration < 0 {
		bad("defaultConfig.connectTimeout", "must not be negative")
	}
	if c.DefaultConfig.Concurrency < 0 {
		bad("defaultConfig.concurrency", "must not be negative")
	}
	return sortedJoin(errs)
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}
