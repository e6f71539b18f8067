package validation

//lint:file-ignore SA1019 Istio 1.1 users still write these deprecated fields, so validation must check them.
import (
	networking "istio.io/api/networking/v1alpha3"
)

// checkDestinationRule applies Istio's DestinationRule rules. Sail is
// stricter than Istio in one place: a subset must have labels, since a
// subset that selects every endpoint is almost always a mistake.
func checkDestinationRule(e *errs, p path, ns string, dr *networking.DestinationRule) {
	if dr.Host == "" {
		e.add(p.field("host"), "host is required: name the service the rule applies to (e.g. \"reviews\")")
	} else {
		e.addIf(p.field("host"), wildcardHostProblem(dr.Host))
	}
	checkTrafficPolicy(e, p.field("trafficPolicy"), dr.TrafficPolicy)
	seen := map[string]int{}
	for i, s := range dr.Subsets {
		sp := p.field("subsets").index(i)
		if s == nil {
			e.add(sp, "subset is empty")
			continue
		}
		if prev, dup := seen[s.Name]; dup && s.Name != "" {
			e.add(sp.field("name"), "subset %q is already defined by subsets[%d]: subset names must be unique", s.Name, prev)
		} else {
			seen[s.Name] = i
		}
		e.addIf(sp.field("name"), labelProblem("subset name", s.Name))
		if len(s.Labels) == 0 {
			e.add(sp.field("labels"), "subset %q has no labels: give the labels that select its endpoints (e.g. version: v1)", s.Name)
		}
		checkLabels(e, sp.field("labels"), s.Labels)
		checkTrafficPolicy(e, sp.field("trafficPolicy"), s.TrafficPolicy)
	}
	if ws := dr.WorkloadSelector; ws != nil {
		checkSelectorLabels(e, p.field("workloadSelector").field("matchLabels"), ws.MatchLabels)
		for i, x := range dr.ExportTo {
			if x != "." && x != ns {
				e.add(p.field("exportTo").index(i), "a DestinationRule with a workloadSelector applies only in its own namespace; exportTo may only be \".\"")
			}
		}
	}
	checkExportTo(e, p.field("exportTo"), ns, dr.ExportTo, false)
}

func checkTrafficPolicy(e *errs, p path, tp *networking.TrafficPolicy) {
	if tp == nil {
		return
	}
	if tp.LoadBalancer == nil && tp.ConnectionPool == nil && tp.OutlierDetection == nil && tp.Tls == nil &&
		len(tp.PortLevelSettings) == 0 && tp.Tunnel == nil && tp.ProxyProtocol == nil && tp.RetryBudget == nil {
		e.add(p, "traffic policy is empty: set loadBalancer, connectionPool, outlierDetection, tls or portLevelSettings, or remove it")
		return
	}
	if tp.Tunnel != nil && tp.ProxyProtocol != nil {
		e.add(p, "tunnel and proxyProtocol are mutually exclusive")
	}
	checkLoadBalancer(e, p.field("loadBalancer"), tp.LoadBalancer)
	checkConnectionPool(e, p.field("connectionPool"), tp.ConnectionPool)
	checkOutlierDetection(e, p.field("outlierDetection"), tp.OutlierDetection)
	checkClientTLS(e, p.field("tls"), tp.Tls)
	if t := tp.Tunnel; t != nil {
		tp := p.field("tunnel")
		if t.Protocol != "" && t.Protocol != "CONNECT" && t.Protocol != "POST" {
			e.add(tp.field("protocol"), "tunnel protocol %q is invalid: use CONNECT or POST", t.Protocol)
		}
		if !isIP(t.TargetHost) {
			if msg := fqdnProblem(t.TargetHost); msg != "" {
				e.add(tp.field("targetHost"), "targetHost must be a host name or an IP address: %s", msg)
			}
		}
		e.addIf(tp.field("targetPort"), portProblem(t.TargetPort))
	}
	seen := map[uint32]int{}
	for i, pls := range tp.PortLevelSettings {
		pp := p.field("portLevelSettings").index(i)
		if pls == nil {
			e.add(pp, "port traffic policy is empty")
			continue
		}
		if pls.Port == nil {
			e.add(pp.field("port"), "port is required: portLevelSettings apply to one port number")
		} else {
			n := pls.Port.Number
			e.addIf(pp.field("port").field("number"), portProblem(n))
			if prev, dup := seen[n]; dup && n != 0 {
				e.add(pp.field("port").field("number"), "port %d already has settings in portLevelSettings[%d]: merge them", n, prev)
			} else {
				seen[n] = i
			}
		}
		if pls.LoadBalancer == nil && pls.ConnectionPool == nil && pls.OutlierDetection == nil && pls.Tls == nil {
			e.add(pp, "port traffic policy sets nothing: set loadBalancer, connectionPool, outlierDetection or tls")
			continue
		}
		checkLoadBalancer(e, pp.field("loadBalancer"), pls.LoadBalancer)
		checkConnectionPool(e, pp.field("connectionPool"), pls.ConnectionPool)
		checkOutlierDetection(e, pp.field("outlierDetection"), pls.OutlierDetection)
		checkClientTLS(e, pp.field("tls"), pls.Tls)
	}
}

func checkLoadBalancer(e *errs, p path, lb *networking.LoadBalancerSettings) {
	if lb == nil {
		return
	}
	if ch := lb.GetConsistentHash(); ch != nil {
		cp := p.field("consistentHash")
		switch k := ch.HashKey.(type) {
		case nil:
			e.add(cp, "consistentHash needs a key: one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName")
		case *networking.LoadBalancerSettings_ConsistentHashLB_HttpHeaderName:
			e.addIf(cp.field("httpHeaderName"), matchHeaderProblem(k.HttpHeaderName))
		case *networking.LoadBalancerSettings_ConsistentHashLB_HttpCookie:
			c := k.HttpCookie
			if c == nil || c.Name == "" {
				e.add(cp.field("httpCookie").field("name"), "cookie name is required")
			}
			if c != nil && c.Ttl != nil && c.Ttl.AsDuration() != 0 {
				checkDuration(e, cp.field("httpCookie").field("ttl"), c.Ttl)
			}
		case *networking.LoadBalancerSettings_ConsistentHashLB_UseSourceIp:
			if !k.UseSourceIp {
				e.add(cp.field("useSourceIp"), "useSourceIp is false, leaving consistentHash without a key: set it to true or choose another key")
			}
		case *networking.LoadBalancerSettings_ConsistentHashLB_HttpQueryParameterName:
			if k.HttpQueryParameterName == "" {
				e.add(cp.field("httpQueryParameterName"), "query parameter name is empty")
			}
		}
		if ch.MinimumRingSize != 0 && ch.HashAlgorithm != nil { //nolint:staticcheck // deprecated but still accepted
			e.add(cp.field("minimumRingSize"), "minimumRingSize and ringHash/maglev are mutually exclusive; use ringHash.minimumRingSize")
		}
		if ml := ch.GetMaglev(); ml != nil && (ml.TableSize == 0 || ml.TableSize >= 5000011 || !isPrime(ml.TableSize)) {
			e.add(cp.field("maglev").field("tableSize"), "tableSize %d is invalid: it must be a prime number below 5000011 (e.g. 65537)", ml.TableSize)
		}
	}
	if w := lb.Warmup; w != nil {
		wp := p.field("warmup")
		if w.Duration == nil {
			e.add(wp.field("duration"), "warmup duration is required")
		}
		checkDuration(e, wp.field("duration"), w.Duration)
		if w.MinimumPercent != nil && (w.MinimumPercent.Value < 0 || w.MinimumPercent.Value > 100) {
			e.add(wp.field("minimumPercent"), "minimumPercent %v is out of range: must be between 0 and 100", w.MinimumPercent.Value)
		}
		if w.Aggression != nil && w.Aggression.Value < 1 {
			e.add(wp.field("aggression"), "aggression %v must be at least 1", w.Aggression.Value)
		}
	}
	if l := lb.LocalityLbSetting; l != nil {
		lp := p.field("localityLbSetting")
		if len(l.Distribute) > 0 && len(l.Failover) > 0 {
			e.add(lp, "distribute and failover are mutually exclusive")
		}
		for i, d := range l.Distribute {
			var sum uint32
			for _, k := range sortedKeys(d.To) {
				sum += d.To[k]
			}
			if sum != 100 {
				e.add(lp.field("distribute").index(i).field("to"), "weights add up to %d: they must add up to 100", sum)
			}
		}
		for i, f := range l.Failover {
			if f.From == f.To {
				e.add(lp.field("failover").index(i), "failover from %q to itself has no effect", f.From)
			}
		}
	}
}

func isPrime(x uint64) bool {
	if x < 2 {
		return false
	}
	for f := uint64(2); f*f <= x; f++ {
		if x%f == 0 {
			return false
		}
	}
	return true
}

func checkConnectionPool(e *errs, p path, cp *networking.ConnectionPoolSettings) {
	if cp == nil {
		return
	}
	if cp.Tcp == nil && cp.Http == nil {
		e.add(p, "connection pool is empty: set tcp, http or both")
		return
	}
	nonNeg := func(f path, name string, v int32) {
		if v < 0 {
			e.add(f, "%s %d is negative: use 0 for the default or a positive limit", name, v)
		}
	}
	if t := cp.Tcp; t != nil {
		tp := p.field("tcp")
		nonNeg(tp.field("maxConnections"), "maxConnections", t.MaxConnections)
		checkDuration(e, tp.field("connectTimeout"), t.ConnectTimeout)
		checkDuration(e, tp.field("maxConnectionDuration"), t.MaxConnectionDuration)
		if t.IdleTimeout != nil && t.IdleTimeout.AsDuration() != 0 { // 0s disables the timeout
			checkDuration(e, tp.field("idleTimeout"), t.IdleTimeout)
		}
		if ka := t.TcpKeepalive; ka != nil {
			checkDuration(e, tp.field("tcpKeepalive").field("time"), ka.Time)
			checkDuration(e, tp.field("tcpKeepalive").field("interval"), ka.Interval)
		}
	}
	if h := cp.Http; h != nil {
		hp := p.field("http")
		nonNeg(hp.field("http1MaxPendingRequests"), "http1MaxPendingRequests", h.Http1MaxPendingRequests)
		nonNeg(hp.field("http2MaxRequests"), "http2MaxRequests", h.Http2MaxRequests)
		nonNeg(hp.field("maxRequestsPerConnection"), "maxRequestsPerConnection", h.MaxRequestsPerConnection)
		nonNeg(hp.field("maxRetries"), "maxRetries", h.MaxRetries)
		nonNeg(hp.field("maxConcurrentStreams"), "maxConcurrentStreams", h.MaxConcurrentStreams)
		checkDuration(e, hp.field("idleTimeout"), h.IdleTimeout)
		if h.H2UpgradePolicy == networking.ConnectionPoolSettings_HTTPSettings_UPGRADE && h.UseClientProtocol {
			e.add(hp.field("useClientProtocol"), "useClientProtocol cannot be true when h2UpgradePolicy is UPGRADE")
		}
	}
}

func checkOutlierDetection(e *errs, p path, od *networking.OutlierDetection) {
	if od == nil {
		return
	}
	if od.ConsecutiveErrors < 0 { //nolint:staticcheck // deprecated but still accepted
		e.add(p.field("consecutiveErrors"), "consecutiveErrors %d is negative", od.ConsecutiveErrors) //nolint:staticcheck
	}
	if !od.SplitExternalLocalOriginErrors && od.ConsecutiveLocalOriginFailures.GetValue() > 0 {
		e.add(p.field("consecutiveLocalOriginFailures"), "consecutiveLocalOriginFailures takes effect only with splitExternalLocalOriginErrors: true")
	}
	checkDuration(e, p.field("interval"), od.Interval)
	checkDuration(e, p.field("baseEjectionTime"), od.BaseEjectionTime)
	if od.MaxEjectionPercent < 0 || od.MaxEjectionPercent > 100 {
		e.add(p.field("maxEjectionPercent"), "maxEjectionPercent %d is out of range: must be between 0 and 100", od.MaxEjectionPercent)
	}
	if od.MinHealthPercent < 0 || od.MinHealthPercent > 100 {
		e.add(p.field("minHealthPercent"), "minHealthPercent %d is out of range: must be between 0 and 100", od.MinHealthPercent)
	}
	for i, c := range od.OutlierDetectionHttpErrorCodes {
		if c < 100 || c > 599 {
			e.add(p.field("outlierDetectionHttpErrorCodes").index(i), "HTTP status %d is out of range: must be between 100 and 599", c)
		}
	}
}

// checkClientTLS applies Istio's rules for the TLS a sidecar originates.
// ISTIO_MUTUAL uses the mesh's own certificates, so files or credentials
// given with it would be silently ignored; Sail rejects them.
func checkClientTLS(e *errs, p path, t *networking.ClientTLSSettings) {
	if t == nil {
		return
	}
	switch t.Mode {
	case networking.ClientTLSSettings_ISTIO_MUTUAL:
		for _, f := range []struct{ name, val string }{
			{"clientCertificate", t.ClientCertificate}, {"privateKey", t.PrivateKey},
			{"caCertificates", t.CaCertificates}, {"credentialName", t.CredentialName},
		} {
			if f.val != "" {
				e.add(p.field(f.name), "%s cannot be set with mode ISTIO_MUTUAL, which uses the mesh's certificates; use mode MUTUAL to bring your own", f.name)
			}
		}
	case networking.ClientTLSSettings_SIMPLE, networking.ClientTLSSettings_MUTUAL:
		if t.GetInsecureSkipVerify().GetValue() && (t.CaCertificates != "" || len(t.SubjectAltNames) > 0 ||
			(t.Mode == networking.ClientTLSSettings_SIMPLE && t.CredentialName != "")) {
			e.add(p.field("insecureSkipVerify"), "insecureSkipVerify turns off server verification; it cannot be combined with caCertificates, subjectAltNames or credentialName")
		}
		if t.CredentialName != "" {
			if t.ClientCertificate != "" || t.PrivateKey != "" || t.CaCertificates != "" || t.CaCrl != "" {
				e.add(p.field("credentialName"), "credentialName supplies the certificates; remove clientCertificate, privateKey, caCertificates and caCrl")
			}
			return
		}
		if t.Mode == networking.ClientTLSSettings_MUTUAL {
			if t.ClientCertificate == "" {
				e.add(p.field("clientCertificate"), "mode MUTUAL needs clientCertificate and privateKey (or credentialName)")
			}
			if t.PrivateKey == "" {
				e.add(p.field("privateKey"), "mode MUTUAL needs clientCertificate and privateKey (or credentialName)")
			}
		}
	}
	if t.Sni != "" && !isIP(t.Sni) {
		if msg := fqdnProblem(t.Sni); msg != "" {
			e.add(p.field("sni"), "sni must be a host name: %s", msg)
		}
	}
}
