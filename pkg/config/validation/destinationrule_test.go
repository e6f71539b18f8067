package validation

import (
	"testing"

	"google.golang.org/protobuf/proto"
	networking "istio.io/api/networking/v1alpha3"
)

func TestDestinationRule(t *testing.T) {
	cases := []testCase{
		{name: "subsets", spec: `{"host":"reviews","subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}]}`},
		{name: "full policy", spec: `{"host":"*.example.com","trafficPolicy":{
			"loadBalancer":{"consistentHash":{"httpCookie":{"name":"user","ttl":"0s"}}},
			"connectionPool":{"tcp":{"maxConnections":1,"connectTimeout":"5s","idleTimeout":"0s"},"http":{"http1MaxPendingRequests":1,"maxRequestsPerConnection":1,"maxRetries":0}},
			"outlierDetection":{"consecutive5xxErrors":1,"interval":"1s","baseEjectionTime":"180s","maxEjectionPercent":100},
			"tls":{"mode":"ISTIO_MUTUAL","sni":"a.example.com"},
			"portLevelSettings":[{"port":{"number":9080},"loadBalancer":{"simple":"LEAST_REQUEST"}},{"port":{"number":9443},"tls":{"mode":"MUTUAL","credentialName":"cred"}}]}}`},
		{name: "mutual with files", spec: `{"host":"db.example.com","trafficPolicy":{"tls":{"mode":"MUTUAL","clientCertificate":"/c.pem","privateKey":"/k.pem","caCertificates":"/ca.pem"}}}`},
		{name: "simple tls without ca", spec: `{"host":"db.example.com","trafficPolicy":{"tls":{"mode":"SIMPLE"}}}`},

		{name: "no host", spec: `{"subsets":[{"name":"v1","labels":{"version":"v1"}}]}`,
			want: []string{"spec.host: host is required"}},
		{name: "bad host", spec: `{"host":"Reviews"}`, want: []string{`spec.host: host "Reviews" is invalid`}},
		{name: "subset problems", spec: `{"host":"reviews","subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v1","labels":{"version":"v2"}},{"name":"V3"},{"labels":{"version":"v4"}}]}`,
			want: []string{`spec.subsets[1].name: subset "v1" is already defined by subsets[0]`,
				`spec.subsets[2].name: subset name "V3" is invalid`, `spec.subsets[2].labels: subset "V3" has no labels`,
				"spec.subsets[3].name: subset name is empty"}},
		{name: "bad subset labels and policy", spec: `{"host":"reviews","subsets":[{"name":"v1","labels":{"-bad":"v1"},"trafficPolicy":{"connectionPool":{"tcp":{"maxConnections":-1}}}}]}`,
			want: []string{`spec.subsets[0].labels["-bad"]: label key "-bad" is invalid`,
				"spec.subsets[0].trafficPolicy.connectionPool.tcp.maxConnections: maxConnections -1 is negative"}},
		{name: "empty policies", spec: `{"host":"reviews","trafficPolicy":{}}`, want: []string{"spec.trafficPolicy: traffic policy is empty"}},
		{name: "empty pool", spec: `{"host":"reviews","trafficPolicy":{"connectionPool":{}}}`, want: []string{"spec.trafficPolicy.connectionPool: connection pool is empty"}},
		{name: "pool limits", spec: `{"host":"reviews","trafficPolicy":{"connectionPool":{"tcp":{"connectTimeout":"0s"},"http":{"http1MaxPendingRequests":-1,"http2MaxRequests":-2,"maxRequestsPerConnection":-3,"maxRetries":-4,"idleTimeout":"-1s"}}}}`,
			want: []string{"spec.trafficPolicy.connectionPool.tcp.connectTimeout: duration is 0s",
				"spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests: -1 is negative",
				"spec.trafficPolicy.connectionPool.http.http2MaxRequests: -2 is negative",
				"spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection: -3 is negative",
				"spec.trafficPolicy.connectionPool.http.maxRetries: -4 is negative",
				"spec.trafficPolicy.connectionPool.http.idleTimeout: duration -1s is negative"}},
		{name: "outlier detection", spec: `{"host":"reviews","trafficPolicy":{"outlierDetection":{"consecutiveErrors":-1,"interval":"0s","baseEjectionTime":"-3s","maxEjectionPercent":101,"minHealthPercent":-1}}}`,
			want: []string{"spec.trafficPolicy.outlierDetection.consecutiveErrors: -1 is negative",
				"spec.trafficPolicy.outlierDetection.interval: duration is 0s", "spec.trafficPolicy.outlierDetection.baseEjectionTime: is negative",
				"spec.trafficPolicy.outlierDetection.maxEjectionPercent: 101 is out of range",
				"spec.trafficPolicy.outlierDetection.minHealthPercent: -1 is out of range"}},
		{name: "consistent hash", spec: `{"host":"reviews","trafficPolicy":{"loadBalancer":{"consistentHash":{"httpCookie":{"ttl":"1s"}}}}}`,
			want: []string{"spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: cookie name is required"}},
		{name: "consistent hash without key", spec: `{"host":"reviews","trafficPolicy":{"loadBalancer":{"consistentHash":{"minimumRingSize":"1024"}}}}`,
			want: []string{"spec.trafficPolicy.loadBalancer.consistentHash: consistentHash needs a key"}},
		{name: "source ip false", spec: `{"host":"reviews","trafficPolicy":{"loadBalancer":{"consistentHash":{"useSourceIp":false}}}}`,
			want: []string{"spec.trafficPolicy.loadBalancer.consistentHash.useSourceIp: useSourceIp is false"}},
		{name: "tls modes", spec: `{"host":"reviews","trafficPolicy":{"tls":{"mode":"ISTIO_MUTUAL","caCertificates":"/ca.pem"},
			"portLevelSettings":[{"port":{"number":9080},"tls":{"mode":"MUTUAL"}},{"port":{"number":9081},"tls":{"mode":"SIMPLE","credentialName":"c","caCertificates":"/ca"}}]}}`,
			want: []string{"spec.trafficPolicy.tls.caCertificates: cannot be set with mode ISTIO_MUTUAL",
				"spec.trafficPolicy.portLevelSettings[0].tls.clientCertificate: mode MUTUAL needs clientCertificate",
				"spec.trafficPolicy.portLevelSettings[0].tls.privateKey: mode MUTUAL needs clientCertificate",
				"spec.trafficPolicy.portLevelSettings[1].tls.credentialName: credentialName supplies the certificates"}},
		{name: "port level settings", spec: `{"host":"reviews","trafficPolicy":{"portLevelSettings":[
			{"loadBalancer":{"simple":"RANDOM"}},{"port":{"number":80},"loadBalancer":{"simple":"RANDOM"}},{"port":{"number":80},"loadBalancer":{"simple":"RANDOM"}},{"port":{"number":81}}]}}`,
			want: []string{"spec.trafficPolicy.portLevelSettings[0].port: port is required",
				"spec.trafficPolicy.portLevelSettings[2].port.number: port 80 already has settings in portLevelSettings[1]",
				"spec.trafficPolicy.portLevelSettings[3]: port traffic policy sets nothing"}},
		{name: "enum out of range", spec: `{"host":"reviews","trafficPolicy":{"loadBalancer":{"simple":42}}}`,
			want: []string{"spec.trafficPolicy.loadBalancer.simple: 42 is not a valid SimpleLB"}},
	}
	runCases(t, "DestinationRule", func() proto.Message { return &networking.DestinationRule{} }, cases)
}
