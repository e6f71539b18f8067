package xds

import (
	"fmt"

	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the ADS server's Prometheus metrics. Register them once per
// process with NewMetrics and pass them in Options; they are safe for
// concurrent use.
type Metrics struct {
	// pushes counts, per xDS type (CDS, EDS, LDS, RDS), the snapshots set
	// with a new version in which that type's resources changed.
	pushes *prometheus.CounterVec
	// pushDuration is the time to generate and set all snapshots of one
	// push.
	pushDuration prometheus.Histogram
	// nacks counts the NACKs proxies sent, per xDS type.
	nacks *prometheus.CounterVec
	// connected is the number of known proxies.
	connected prometheus.Gauge
	// convergence is, per proxy, the time from the change that started a
	// push to the proxy's ACK of every type at the push's version.
	convergence prometheus.Histogram
}

// NewMetrics registers the ADS metrics on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilot_xds_pushes_total",
			Help: "Snapshots set with a new version, by xDS type whose resources changed (CDS, EDS, LDS, RDS).",
		}, []string{"type"}),
		pushDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pilot_xds_push_duration_seconds",
			Help:    "Time to generate and set the snapshots of every connected proxy for one push.",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 10, 30},
		}),
		nacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilot_xds_nacks_total",
			Help: "NACKs received from proxies, by xDS type.",
		}, []string{"type"}),
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pilot_xds_connected_proxies",
			Help: "Proxies with at least one open ADS stream.",
		}),
		convergence: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pilot_proxy_convergence_time_seconds",
			Help:    "Time from the config or registry change that started a push to a proxy's ACK of every type at the resulting version.",
			Buckets: []float64{.1, .5, 1, 3, 5, 10, 20, 30},
		}),
	}
	for _, c := range []prometheus.Collector{m.pushes, m.pushDuration, m.nacks, m.connected, m.convergence} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("xds metrics: %w", err)
		}
	}
	return m, nil
}

// TypeName returns the short name of an xDS type URL (CDS, EDS, LDS, RDS),
// or the URL itself for other types.
func TypeName(typeURL string) string {
	switch typeURL {
	case resource.ClusterType:
		return "CDS"
	case resource.EndpointType:
		return "EDS"
	case resource.ListenerType:
		return "LDS"
	case resource.RouteType:
		return "RDS"
	}
	return typeURL
}
