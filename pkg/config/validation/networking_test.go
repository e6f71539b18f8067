package validation

import (
	"testing"

	"google.golang.org/protobuf/proto"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
)

func TestGateway(t *testing.T) {
	const http80 = `{"port":{"number":80,"name":"http","protocol":"HTTP"},"hosts":["*"]}`
	cases := []testCase{
		{name: "bookinfo", spec: `{"selector":{"istio":"ingressgateway"},"servers":[` + http80 + `]}`},
		{name: "https and redirect", spec: `{"servers":[
			{"port":{"number":80,"name":"http","protocol":"http"},"hosts":["ns/*.example.com"],"tls":{"httpsRedirect":true}},
			{"port":{"number":443,"name":"https","protocol":"HTTPS"},"hosts":["*.example.com"],"tls":{"mode":"SIMPLE","credentialName":"cert"}},
			{"port":{"number":8443,"name":"https-files","protocol":"HTTPS"},"hosts":["a.example.com"],"tls":{"mode":"MUTUAL","serverCertificate":"/s","privateKey":"/k","caCertificates":"/ca"}},
			{"port":{"number":15443,"name":"tls","protocol":"TLS"},"hosts":["*.local"],"tls":{"mode":"AUTO_PASSTHROUGH"}}]}`},

		{name: "no servers", spec: `{}`, want: []string{"spec.servers: a Gateway needs at least one server"}},
		{name: "https without tls", spec: `{"servers":[{"port":{"number":443,"name":"https","protocol":"HTTPS"},"hosts":["*"]}]}`,
			want: []string{"spec.servers[0].tls: tls settings are required for protocol HTTPS"}},
		{name: "bad port", spec: `{"servers":[{"port":{"number":0,"name":"","protocol":"FTP"},"hosts":["*"]},{"hosts":["*"]}]}`,
			want: []string{"spec.servers[0].port.number: port number is required", "spec.servers[0].port.name: port name is required",
				`spec.servers[0].port.protocol: protocol "FTP" is not supported`, "spec.servers[1].port: port is required"}},
		{name: "port out of range", spec: `{"servers":[{"port":{"number":100000,"name":"http","protocol":"HTTP"},"hosts":["*"]}]}`,
			want: []string{"spec.servers[0].port.number: port 100000 is out of range"}},
		{name: "duplicate port names", spec: `{"servers":[` + http80 + `,{"port":{"number":81,"name":"http","protocol":"HTTP"},"hosts":["*"]}]}`,
			want: []string{`spec.servers[1].port.name: port name "http" is already used by servers[0]`}},
		{name: "bad hosts", spec: `{"servers":[{"port":{"number":80,"name":"http","protocol":"HTTP"},"hosts":["reviews","Bad/x.com","*foo.com","a/"]},{"port":{"number":81,"name":"h2","protocol":"HTTP"}}]}`,
			want: []string{`spec.servers[0].hosts[0]: host "reviews" is a short name`, `spec.servers[0].hosts[1]: invalid namespace "Bad"`,
				`spec.servers[0].hosts[2]: partial wildcard`, `spec.servers[0].hosts[3]: both namespace and host are needed`,
				"spec.servers[1].hosts: a server needs at least one host"}},
		{name: "tls on plain ports", spec: `{"servers":[{"port":{"number":80,"name":"http","protocol":"HTTP"},"hosts":["*"],"tls":{"mode":"SIMPLE","credentialName":"c"}},
			{"port":{"number":31400,"name":"tcp","protocol":"TCP"},"hosts":["*"],"tls":{"mode":"PASSTHROUGH"}}]}`,
			want: []string{"spec.servers[0].tls: protocol HTTP is plain text", "spec.servers[1].tls: protocol TCP takes no tls settings"}},
		{name: "server tls needs certs", spec: `{"servers":[{"port":{"number":443,"name":"https","protocol":"HTTPS"},"hosts":["*"],"tls":{"mode":"MUTUAL","serverCertificate":"/s"}},
			{"port":{"number":444,"name":"istio","protocol":"TLS"},"hosts":["*"],"tls":{"mode":"ISTIO_MUTUAL","privateKey":"/k"}}]}`,
			want: []string{"spec.servers[0].tls.privateKey: mode MUTUAL needs serverCertificate and privateKey",
				"spec.servers[0].tls.caCertificates: mode MUTUAL verifies client certificates", "spec.servers[1].tls.privateKey: cannot be set with mode ISTIO_MUTUAL"}},
		{name: "bad selector and name", spec: `{"selector":{"istio":"ingress gateway"},"servers":[` + http80 + `]}`,
			meta: func(m *config.Meta) { m.Name = "my.gateway" },
			want: []string{`spec.selector["istio"]: label value "ingress gateway"`, `metadata.name: Gateway name "my.gateway" is invalid`}},
	}
	runCases(t, "Gateway", func() proto.Message { return &networking.Gateway{} }, cases)
}

func TestServiceEntry(t *testing.T) {
	const ports = `"ports":[{"number":443,"name":"https","protocol":"HTTPS"}]`
	cases := []testCase{
		{name: "external dns", spec: `{"hosts":["api.example.com"],` + ports + `,"resolution":"DNS","location":"MESH_EXTERNAL"}`},
		{name: "wildcard none", spec: `{"hosts":["*.example.com"],` + ports + `,"resolution":"NONE"}`},
		{name: "static", spec: `{"hosts":["db.internal"],"addresses":["10.1.0.0/16"],"ports":[{"number":5432,"name":"tcp-pg","protocol":"TCP"}],"resolution":"STATIC",
			"endpoints":[{"address":"10.1.0.5","ports":{"tcp-pg":15432},"labels":{"app":"db"}},{"address":"unix:///var/run/pg.sock"}]}`},
		{name: "dns endpoints", spec: `{"hosts":["*.example.com"],` + ports + `,"resolution":"DNS","endpoints":[{"address":"lb.example.com"},{"address":"1.2.3.4"}]}`},

		{name: "no hosts or ports", spec: `{"resolution":"DNS"}`,
			want: []string{"spec.hosts: a ServiceEntry needs at least one host", "spec.ports: a ServiceEntry needs at least one port"}},
		{name: "static without endpoints", spec: `{"hosts":["db.internal"],` + ports + `,"resolution":"STATIC"}`,
			want: []string{"spec.endpoints: resolution STATIC needs endpoints"}},
		{name: "static with host names", spec: `{"hosts":["db.internal"],` + ports + `,"resolution":"STATIC","endpoints":[{"address":"db.example.com","ports":{"http":8080}}]}`,
			want: []string{`spec.endpoints[0].address: address "db.example.com" is not an IP address`,
				`spec.endpoints[0].ports["http"]: port name "http" is not declared`}},
		{name: "duplicate ports", spec: `{"hosts":["a.example.com"],"ports":[{"number":80,"name":"http","protocol":"HTTP"},{"number":80,"name":"http","protocol":"HTTP"},{"number":70000,"name":"Bad","protocol":"SMTP"}],"resolution":"DNS"}`,
			want: []string{`spec.ports[1].number: port 80 is already declared by ports[0]`, `spec.ports[1].name: port name "http" is already used by ports[0]`,
				"spec.ports[2].number: port 70000 is out of range", `spec.ports[2].name: port name "Bad" is invalid`, `spec.ports[2].protocol: protocol "SMTP" is not supported`}},
		{name: "wildcard with dns", spec: `{"hosts":["*.example.com"],` + ports + `,"resolution":"DNS"}`,
			want: []string{`spec.hosts[0]: host "*.example.com" cannot be resolved by DNS`}},
		{name: "none with endpoints and star host", spec: `{"hosts":["*"],` + ports + `,"resolution":"NONE","endpoints":[{"address":"1.1.1.1"}]}`,
			want: []string{`spec.hosts[0]: host "*" is not allowed`, "spec.endpoints: resolution NONE forwards"}},
		{name: "bad addresses", spec: `{"hosts":["a.example.com"],"addresses":["10.0.0.0/8","300.1.1.1"],` + ports + `,"resolution":"DNS"}`,
			want: []string{`spec.addresses[1]: "300.1.1.1" is not a valid IP address`, "spec.addresses: CIDR addresses are allowed only with resolution NONE or STATIC"}},
		{name: "selector and endpoints", spec: `{"hosts":["a.example.com"],` + ports + `,"resolution":"STATIC","workloadSelector":{"labels":{"app":"a*"}},"endpoints":[{"address":"1.1.1.1"}]}`,
			want: []string{"spec.workloadSelector: workloadSelector and endpoints are mutually exclusive", `spec.workloadSelector.labels["app"]: wildcards are not supported`}},
		{name: "multiple hosts on tcp", spec: `{"hosts":["a.example.com","b.example.com"],"addresses":["1.1.1.1"],"ports":[{"number":3306,"name":"mysql","protocol":"TCP"}],"resolution":"DNS"}`,
			want: []string{"spec.ports[0].protocol: several hosts share TCP port 3306"}},
	}
	runCases(t, "ServiceEntry", func() proto.Message { return &networking.ServiceEntry{} }, cases)
}

func TestWorkloadEntry(t *testing.T) {
	cases := []testCase{
		{name: "ip", spec: `{"address":"10.0.0.7","ports":{"http":8080},"labels":{"app":"vm"},"serviceAccount":"vm-sa","weight":3}`},
		{name: "hostname", spec: `{"address":"vm1.example.com"}`},
		{name: "unix", spec: `{"address":"unix:///var/run/app.sock"}`},

		{name: "no address", spec: `{}`, want: []string{"spec.address: address is required"}},
		{name: "bad port", spec: `{"address":"10.0.0.7","ports":{"http":0,"grpc":70000}}`,
			want: []string{`spec.ports["http"]: port number is required`, `spec.ports["grpc"]: port 70000 is out of range`}},
		{name: "bad address and account", spec: `{"address":"not an address","serviceAccount":"Bad_SA","labels":{"a/b/c":"x"}}`,
			want: []string{`spec.address: address "not an address" is neither`, `spec.serviceAccount: serviceAccount "Bad_SA" is invalid`,
				`spec.labels["a/b/c"]: label key "a/b/c" is invalid`}},
		{name: "unix with ports", spec: `{"address":"unix://relative.sock","ports":{"http":80}}`,
			want: []string{`spec.address: unix address "unix://relative.sock" must be an absolute path`, "spec.ports: a unix:// endpoint has no ports"}},
	}
	runCases(t, "WorkloadEntry", func() proto.Message { return &networking.WorkloadEntry{} }, cases)
}

func TestSidecar(t *testing.T) {
	cases := []testCase{
		{name: "namespace default", spec: `{"egress":[{"hosts":["./*","istio-system/*"]}]}`},
		{name: "full", spec: `{"workloadSelector":{"labels":{"app":"ratings"}},
			"ingress":[{"port":{"number":9080,"protocol":"HTTP","name":"http"},"defaultEndpoint":"127.0.0.1:8080"},{"port":{"number":9090,"protocol":"HTTP","name":"h2"},"defaultEndpoint":"unix:///var/run/app.sock"}],
			"egress":[{"port":{"number":3306,"protocol":"MYSQL","name":"mysql"},"hosts":["*/mysql.example.com"]},{"hosts":["~/*"]}],
			"outboundTrafficPolicy":{"mode":"REGISTRY_ONLY"}}`},

		{name: "empty", spec: `{}`, want: []string{"spec: empty Sidecar"}},
		{name: "bad egress hosts", spec: `{"egress":[{"hosts":["reviews","Bad/x.example.com","default/reviews","*/"]},{"port":{"number":80,"protocol":"HTTP","name":"http"}}]}`,
			want: []string{`spec.egress[0].hosts[0]: host "reviews" must be of the form "<namespace>/<host>"`, `spec.egress[0].hosts[1]: invalid namespace "Bad"`,
				`spec.egress[0].hosts[2]: host "default/reviews" is a short name`, `spec.egress[0].hosts[3]: both namespace and host are needed`,
				"spec.egress[0]: must be the last one", "spec.egress[1].hosts: an egress listener needs at least one host"}},
		{name: "catch-all listeners", spec: `{"egress":[{"hosts":["./*"]},{"hosts":["*/*"]}]}`,
			want: []string{"spec.egress[0]: the egress listener without a port catches everything and must be the last one",
				"spec.egress[1]: only one catch-all egress listener is allowed"}},
		{name: "two catch-alls at the end", spec: `{"egress":[{"port":{"number":80,"protocol":"HTTP","name":"http"},"hosts":["./*"]},{"hosts":["./*"]},{"hosts":["*/*"]}]}`,
			want: []string{"spec.egress[1]: the egress listener without a port catches everything", "spec.egress[2]: egress[1] is already the listener without a port"}},
		{name: "bad ingress", spec: `{"ingress":[{"defaultEndpoint":"127.0.0.1:8080"},{"port":{"number":9080,"protocol":"HTTP"},"defaultEndpoint":"10.0.0.1:8080"},
			{"port":{"number":9080,"protocol":"HTTP"},"defaultEndpoint":"127.0.0.1:http"}],"egress":[{"hosts":["./*"]}]}`,
			want: []string{"spec.ingress[0].port: an ingress listener needs a port", `spec.ingress[1].defaultEndpoint: defaultEndpoint "10.0.0.1:8080" must point at the workload itself`,
				"spec.ingress[2].port.number: port 9080 is already used by ingress[1]", `spec.ingress[2].defaultEndpoint: has a port that is not a number`}},
		{name: "bad selector", spec: `{"workloadSelector":{"labels":{"app":"*"}},"egress":[{"hosts":["./*"]}]}`,
			want: []string{`spec.workloadSelector.labels["app"]: wildcards are not supported`}},
	}
	runCases(t, "Sidecar", func() proto.Message { return &networking.Sidecar{} }, cases)
}
