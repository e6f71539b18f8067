package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
)

// NodeType is the kind of proxy, the first part of its node ID.
type NodeType string

// The proxy types.
const (
	SidecarProxy NodeType = "sidecar"
	Router       NodeType = "router"
)

// InterceptionMode is how a sidecar's traffic is captured.
type InterceptionMode string

// The interception modes.
const (
	InterceptionRedirect InterceptionMode = "REDIRECT"
	InterceptionTProxy   InterceptionMode = "TPROXY"
	InterceptionNone     InterceptionMode = "NONE"
)

// Node metadata keys Pilot reads (ISTIO_META_<KEY> in the proxy's
// environment).
const (
	MetaNamespace        = "NAMESPACE"
	MetaLabels           = "LABELS"
	MetaServiceAccount   = "SERVICE_ACCOUNT"
	MetaInterceptionMode = "INTERCEPTION_MODE"
	MetaInstanceIPs      = "INSTANCE_IPS"
	MetaWorkloadName     = "WORKLOAD_NAME"
	MetaClusterID        = "CLUSTER_ID"
)

// Errors of ParseNodeID and ProxyFromNode (wrapped; test with errors.Is).
var (
	// ErrInvalidNodeID: the node ID is not type~ip~id~domain.
	ErrInvalidNodeID = errors.New("invalid node ID")
	// ErrInvalidMetadata: a metadata value has the wrong form.
	ErrInvalidMetadata = errors.New("invalid node metadata")
)

// Proxy is the identity of a connected proxy, from its node ID and
// metadata.
type Proxy struct {
	Type NodeType
	// IPAddresses are the proxy's instance IPs: INSTANCE_IPS when given,
	// else the node ID's IP. Never empty.
	IPAddresses []string
	// ID is the node ID's id part, "<pod>.<namespace>" for a sidecar.
	ID string
	// DNSDomain is the node ID's domain, "<ns>.svc.cluster.local".
	DNSDomain        string
	Namespace        string
	Labels           map[string]string
	ServiceAccount   string
	InterceptionMode InterceptionMode
	WorkloadName     string
	ClusterID        string
}

// ParseNodeID splits a node ID "type~ip~id~domain", e.g.
// "sidecar~10.0.0.1~reviews-v1-xyz.default~default.svc.cluster.local".
// Type must be sidecar or router, ip a valid IP and id non-empty; the
// domain may be empty.
func ParseNodeID(nodeID string) (typ NodeType, ip, id, domain string, err error) {
	parts := strings.Split(nodeID, "~")
	if len(parts) != 4 {
		return "", "", "", "", fmt.Errorf("%w %q: has %d parts, want 4: type~ip~id~domain", ErrInvalidNodeID, nodeID, len(parts))
	}
	switch t := NodeType(parts[0]); t {
	case SidecarProxy, Router:
		typ = t
	default:
		return "", "", "", "", fmt.Errorf("%w %q: type %q is neither %q nor %q", ErrInvalidNodeID, nodeID, parts[0], SidecarProxy, Router)
	}
	if _, perr := netip.ParseAddr(parts[1]); perr != nil {
		return "", "", "", "", fmt.Errorf("%w %q: ip %q is not an IP address", ErrInvalidNodeID, nodeID, parts[1])
	}
	if parts[2] == "" {
		return "", "", "", "", fmt.Errorf("%w %q: id is empty", ErrInvalidNodeID, nodeID)
	}
	return typ, parts[1], parts[2], parts[3], nil
}

// ProxyFromNode builds a proxy's identity from its node ID and the node
// metadata it sent (nil for none). LABELS may be a struct of strings or a
// string holding a JSON object; INSTANCE_IPS a comma-separated string or
// a list of strings; the other keys strings. The namespace is NAMESPACE,
// else the part of the ID after its last '.', else the first label of the
// domain. INTERCEPTION_MODE defaults to REDIRECT.
func ProxyFromNode(nodeID string, md *structpb.Struct) (*Proxy, error) {
	typ, ip, id, domain, err := ParseNodeID(nodeID)
	if err != nil {
		return nil, err
	}
	p := &Proxy{Type: typ, ID: id, DNSDomain: domain, IPAddresses: []string{ip}, InterceptionMode: InterceptionRedirect}
	fields := md.GetFields()
	str := func(key string) (string, error) {
		v, ok := fields[key]
		if !ok {
			return "", nil
		}
		s, ok := v.GetKind().(*structpb.Value_StringValue)
		if !ok {
			return "", fmt.Errorf("%w: %s: want a string, got %s", ErrInvalidMetadata, key, kindName(v))
		}
		return s.StringValue, nil
	}
	for key, dst := range map[string]*string{
		MetaNamespace: &p.Namespace, MetaServiceAccount: &p.ServiceAccount,
		MetaWorkloadName: &p.WorkloadName, MetaClusterID: &p.ClusterID,
	} {
		if *dst, err = str(key); err != nil {
			return nil, err
		}
	}
	if p.Labels, err = labelsFromMetadata(fields[MetaLabels]); err != nil {
		return nil, err
	}
	mode, err := str(MetaInterceptionMode)
	if err != nil {
		return nil, err
	}
	switch m := InterceptionMode(mode); m {
	case "":
	case InterceptionRedirect, InterceptionTProxy, InterceptionNone:
		p.InterceptionMode = m
	default:
		return nil, fmt.Errorf("%w: %s: %q is not one of REDIRECT, TPROXY, NONE", ErrInvalidMetadata, MetaInterceptionMode, mode)
	}
	ips, err := instanceIPs(fields[MetaInstanceIPs])
	if err != nil {
		return nil, err
	}
	if len(ips) > 0 {
		p.IPAddresses = ips
	}
	if p.Namespace == "" {
		if i := strings.LastIndexByte(id, '.'); i >= 0 && i < len(id)-1 {
			p.Namespace = id[i+1:]
		} else if first, rest, ok := strings.Cut(domain, "."); ok && first != "" && rest != "" {
			p.Namespace = first
		}
	}
	return p, nil
}

func labelsFromMetadata(v *structpb.Value) (map[string]string, error) {
	if v == nil {
		return nil, nil
	}
	switch k := v.GetKind().(type) {
	case *structpb.Value_StructValue:
		out := make(map[string]string, len(k.StructValue.GetFields()))
		for name, lv := range k.StructValue.GetFields() {
			s, ok := lv.GetKind().(*structpb.Value_StringValue)
			if !ok {
				return nil, fmt.Errorf("%w: %s: label %q: want a string, got %s", ErrInvalidMetadata, MetaLabels, name, kindName(lv))
			}
			out[name] = s.StringValue
		}
		return out, nil
	case *structpb.Value_StringValue:
		if k.StringValue == "" {
			return nil, nil
		}
		var out map[string]string
		if err := json.Unmarshal([]byte(k.StringValue), &out); err != nil {
			return nil, fmt.Errorf("%w: %s: want a JSON object of strings: %v", ErrInvalidMetadata, MetaLabels, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s: want a map of strings, got %s", ErrInvalidMetadata, MetaLabels, kindName(v))
}

func instanceIPs(v *structpb.Value) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	var raw []string
	switch k := v.GetKind().(type) {
	case *structpb.Value_StringValue:
		if k.StringValue != "" {
			raw = strings.Split(k.StringValue, ",")
		}
	case *structpb.Value_ListValue:
		for i, e := range k.ListValue.GetValues() {
			s, ok := e.GetKind().(*structpb.Value_StringValue)
			if !ok {
				return nil, fmt.Errorf("%w: %s[%d]: want a string, got %s", ErrInvalidMetadata, MetaInstanceIPs, i, kindName(e))
			}
			raw = append(raw, s.StringValue)
		}
	default:
		return nil, fmt.Errorf("%w: %s: want a comma-separated string, got %s", ErrInvalidMetadata, MetaInstanceIPs, kindName(v))
	}
	out := make([]string, 0, len(raw))
	for _, s := range raw {
		s = strings.TrimSpace(s)
		if _, err := netip.ParseAddr(s); err != nil {
			return nil, fmt.Errorf("%w: %s: %q is not an IP address", ErrInvalidMetadata, MetaInstanceIPs, s)
		}
		out = append(out, s)
	}
	return out, nil
}

func kindName(v *structpb.Value) string {
	switch v.GetKind().(type) {
	case *structpb.Value_NullValue:
		return "null"
	case *structpb.Value_NumberValue:
		return "a number"
	case *structpb.Value_StringValue:
		return "a string"
	case *structpb.Value_BoolValue:
		return "a bool"
	case *structpb.Value_StructValue:
		return "a map"
	case *structpb.Value_ListValue:
		return "a list"
	}
	return "nothing"
}

// MetadataFromMap turns string metadata (ISTIO_META_* values as the agent
// reads them) into the Struct form xDS carries; LABELS may be given as a
// JSON object.
func MetadataFromMap(m map[string]string) *structpb.Struct {
	s := &structpb.Struct{Fields: make(map[string]*structpb.Value, len(m))}
	for k, v := range m {
		s.Fields[k] = structpb.NewStringValue(v)
	}
	return s
}
