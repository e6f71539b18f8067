package listener

import (
	accesslogv3 "github.com/envoyproxy/go-control-plane/envoy/config/accesslog/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	filev3 "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/file/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	faultv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	originaldstv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/original_dst/v3"
	tlsinspectorv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/tls_inspector/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tcpproxyv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Filter names, as Envoy registers them.
const (
	OriginalDstFilter           = "envoy.filters.listener.original_dst"
	TLSInspectorFilter          = "envoy.filters.listener.tls_inspector"
	HTTPConnectionManagerFilter = "envoy.filters.network.http_connection_manager"
	TCPProxyFilter              = "envoy.filters.network.tcp_proxy"
	CORSFilter                  = "envoy.filters.http.cors"
	FaultFilter                 = "envoy.filters.http.fault"
	RouterFilter                = "envoy.filters.http.router"
	FileAccessLogger            = "envoy.access_loggers.file"
)

// EnvoyServerName is the server header value of Sail's proxies, as
// Istio's.
const EnvoyServerName = "istio-envoy"

// textAccessLogFormat is Istio 1.1's TEXT access log line, without the
// Mixer status field.
const textAccessLogFormat = `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" ` +
	`%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% ` +
	`%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" ` +
	`"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% ` +
	`%UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME%` + "\n"

// jsonAccessLogFormat is Istio 1.1's JSON access log object.
func jsonAccessLogFormat() *structpb.Struct {
	fields := map[string]string{
		"start_time":                "%START_TIME%",
		"method":                    "%REQ(:METHOD)%",
		"path":                      "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
		"protocol":                  "%PROTOCOL%",
		"response_code":             "%RESPONSE_CODE%",
		"response_flags":            "%RESPONSE_FLAGS%",
		"bytes_received":            "%BYTES_RECEIVED%",
		"bytes_sent":                "%BYTES_SENT%",
		"duration":                  "%DURATION%",
		"upstream_service_time":     "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%",
		"x_forwarded_for":           "%REQ(X-FORWARDED-FOR)%",
		"user_agent":                "%REQ(USER-AGENT)%",
		"request_id":                "%REQ(X-REQUEST-ID)%",
		"authority":                 "%REQ(:AUTHORITY)%",
		"upstream_host":             "%UPSTREAM_HOST%",
		"upstream_cluster":          "%UPSTREAM_CLUSTER%",
		"upstream_local_address":    "%UPSTREAM_LOCAL_ADDRESS%",
		"downstream_local_address":  "%DOWNSTREAM_LOCAL_ADDRESS%",
		"downstream_remote_address": "%DOWNSTREAM_REMOTE_ADDRESS%",
		"requested_server_name":     "%REQUESTED_SERVER_NAME%",
	}
	s := &structpb.Struct{Fields: make(map[string]*structpb.Value, len(fields))}
	for k, v := range fields {
		s.Fields[k] = structpb.NewStringValue(v)
	}
	return s
}

// accessLogs is the file access log of the mesh config, or nil when
// accessLogFile is empty.
func (b *builder) accessLogs() []*accesslogv3.AccessLog {
	if b.in.Mesh.AccessLogFile == "" {
		return nil
	}
	format := &corev3.SubstitutionFormatString{Format: &corev3.SubstitutionFormatString_TextFormatSource{
		TextFormatSource: &corev3.DataSource{Specifier: &corev3.DataSource_InlineString{InlineString: textAccessLogFormat}},
	}}
	if b.in.Mesh.AccessLogEncoding != "TEXT" {
		format = &corev3.SubstitutionFormatString{Format: &corev3.SubstitutionFormatString_JsonFormat{JsonFormat: jsonAccessLogFormat()}}
	}
	cfg := &filev3.FileAccessLog{
		Path:            b.in.Mesh.AccessLogFile,
		AccessLogFormat: &filev3.FileAccessLog_LogFormat{LogFormat: format},
	}
	return []*accesslogv3.AccessLog{{
		Name:       FileAccessLogger,
		ConfigType: &accesslogv3.AccessLog_TypedConfig{TypedConfig: b.typed(cfg)},
	}}
}

// tcpProxy is a tcp_proxy network filter to cluster, with the cluster
// name as its stat prefix (as Istio 1.1).
func (b *builder) tcpProxy(cluster string) *listenerv3.Filter {
	cfg := &tcpproxyv3.TcpProxy{
		StatPrefix:       cluster,
		ClusterSpecifier: &tcpproxyv3.TcpProxy_Cluster{Cluster: cluster},
		AccessLog:        b.accessLogs(),
	}
	return &listenerv3.Filter{Name: TCPProxyFilter, ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: b.typed(cfg)}}
}

// httpConnectionManager wraps an HCM config into a network filter, adding
// what every Sail HCM has.
func (b *builder) httpConnectionManager(cfg *hcmv3.HttpConnectionManager) *listenerv3.Filter {
	cfg.CodecType = hcmv3.HttpConnectionManager_AUTO
	cfg.UseRemoteAddress = wrapperspb.Bool(false)
	cfg.GenerateRequestId = wrapperspb.Bool(true)
	cfg.ServerName = EnvoyServerName
	cfg.AccessLog = b.accessLogs()
	return &listenerv3.Filter{Name: HTTPConnectionManagerFilter, ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: b.typed(cfg)}}
}

// httpFilters is the HTTP filter chain of an HCM in Istio 1.1's order
// (jwt-auth, authn, rbac, mixer, cors, fault, router): the filters from
// policyFilters, then CORS, fault injection and the router.
func (b *builder) httpFilters(policyFilters []*hcmv3.HttpFilter) []*hcmv3.HttpFilter {
	out := append([]*hcmv3.HttpFilter(nil), policyFilters...)
	return append(out,
		&hcmv3.HttpFilter{Name: CORSFilter, ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: b.typed(&corsv3.Cors{})}},
		&hcmv3.HttpFilter{Name: FaultFilter, ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: b.typed(&faultv3.HTTPFault{})}},
		&hcmv3.HttpFilter{Name: RouterFilter, ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: b.typed(&routerv3.Router{})}},
	)
}

// rds makes an HCM fetch its routes over ADS by name.
func rds(routeConfigName string) *hcmv3.HttpConnectionManager_Rds {
	return &hcmv3.HttpConnectionManager_Rds{Rds: &hcmv3.Rds{
		ConfigSource: &corev3.ConfigSource{
			ResourceApiVersion:    corev3.ApiVersion_V3,
			ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}},
		},
		RouteConfigName: routeConfigName,
	}}
}

// inlineRoute is an HCM's own route configuration.
func inlineRoute(rc *routev3.RouteConfiguration) *hcmv3.HttpConnectionManager_RouteConfig {
	return &hcmv3.HttpConnectionManager_RouteConfig{RouteConfig: rc}
}

func (b *builder) originalDstFilter() *listenerv3.ListenerFilter {
	return &listenerv3.ListenerFilter{Name: OriginalDstFilter,
		ConfigType: &listenerv3.ListenerFilter_TypedConfig{TypedConfig: b.typed(&originaldstv3.OriginalDst{})}}
}

func (b *builder) tlsInspector() *listenerv3.ListenerFilter {
	return &listenerv3.ListenerFilter{Name: TLSInspectorFilter,
		ConfigType: &listenerv3.ListenerFilter_TypedConfig{TypedConfig: b.typed(&tlsinspectorv3.TlsInspector{})}}
}
