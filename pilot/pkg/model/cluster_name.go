package model

import (
	"fmt"
	"strconv"
	"strings"
)

// TrafficDirection is the direction of a cluster as named in xDS.
type TrafficDirection string

// The traffic directions.
const (
	Inbound  TrafficDirection = "inbound"
	Outbound TrafficDirection = "outbound"
)

// Clusters Pilot always sends.
const (
	PassthroughCluster = "PassthroughCluster"
	BlackHoleCluster   = "BlackHoleCluster"
)

// ClusterName formats the name Pilot gives a cluster:
// "<direction>|<port>|<subset>|<hostname>", the subset empty for a service's
// default cluster (e.g. "outbound|9080|v2|reviews.default.svc.cluster.local").
func ClusterName(dir TrafficDirection, subset, hostname string, port uint32) string {
	return fmt.Sprintf("%s|%d|%s|%s", dir, port, subset, hostname)
}

// ParseClusterName splits a name made by ClusterName.
func ParseClusterName(name string) (dir TrafficDirection, subset, hostname string, port uint32, err error) {
	parts := strings.Split(name, "|")
	if len(parts) != 4 {
		return "", "", "", 0, fmt.Errorf("cluster name %q is not direction|port|subset|hostname", name)
	}
	p, err := strconv.ParseUint(parts[1], 10, 32)
	if err != nil {
		return "", "", "", 0, fmt.Errorf("cluster name %q: bad port %q", name, parts[1])
	}
	dir = TrafficDirection(parts[0])
	if dir != Inbound && dir != Outbound {
		return "", "", "", 0, fmt.Errorf("cluster name %q: direction must be inbound or outbound", name)
	}
	return dir, parts[2], parts[3], uint32(p), nil
}
