package listener

import (
	"bytes"
	"errors"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config/mesh"
	"github.com/sailmesh/sail/pkg/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// checkGolden compares listeners, as sorted and indented JSON, with
// testdata/<name>.json.
func checkGolden(t *testing.T, name string, listeners []*listenerv3.Listener) {
	t.Helper()
	golden.Compare(t, filepath.Join("testdata", name+".json"), *update, golden.ProtoJSONList(t, listeners))
}

// validateDeep runs ValidateAll on m and on every message packed in an Any
// inside it, recursively: Listener.Validate does not look into typed
// configs.
func validateDeep(t *testing.T, where string, m proto.Message) {
	t.Helper()
	if v, ok := m.(interface{ ValidateAll() error }); ok {
		if err := v.ValidateAll(); err != nil {
			t.Errorf("%s: %s: %v", where, m.ProtoReflect().Descriptor().FullName(), err)
		}
	}
	var walk func(protoreflect.Message)
	walk = func(msg protoreflect.Message) {
		if a, ok := msg.Interface().(*anypb.Any); ok {
			inner, err := a.UnmarshalNew()
			if err != nil {
				t.Errorf("%s: typed config %s: %v", where, a.GetTypeUrl(), err)
				return
			}
			validateDeep(t, where, inner)
			return
		}
		msg.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.IsList() && fd.Message() != nil:
				for i := range v.List().Len() {
					walk(v.List().Get(i).Message())
				}
			case fd.IsMap() && fd.MapValue().Message() != nil:
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					walk(mv.Message())
					return true
				})
			case !fd.IsList() && !fd.IsMap() && fd.Message() != nil:
				walk(v.Message())
			}
			return true
		})
	}
	walk(m.ProtoReflect())
}

func build(t *testing.T, in Inputs, proxy *model.Proxy) ([]*listenerv3.Listener, []Warning) {
	t.Helper()
	ls, warnings, err := BuildSidecar(in, proxy)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		validateDeep(t, l.GetName(), l)
	}
	return ls, warnings
}

func names(ls []*listenerv3.Listener) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.GetName())
	}
	return out
}

func byName(t *testing.T, ls []*listenerv3.Listener, name string) *listenerv3.Listener {
	t.Helper()
	for _, l := range ls {
		if l.GetName() == name {
			return l
		}
	}
	t.Fatalf("no listener %s in %v", name, names(ls))
	return nil
}

func TestBuildSidecarGolden(t *testing.T) {
	svcs := bookinfo()
	withTCP := append(append(bookinfo(), tcpEcho()), external()...)
	conflict := append(bookinfo(), &model.Service{
		Hostname: "legacy.example.com", Namespace: "default", MeshExternal: true, Resolution: model.Passthrough,
		Ports: []model.Port{{Name: "tcp", Number: 9080, Protocol: model.TCP}},
	})
	echo := tcpEcho()
	cases := []struct {
		name      string
		in        Inputs
		proxy     *model.Proxy
		only      string // golden of one listener only
		wantNames []string
		warnings  int
	}{{
		name:      "productpage",
		in:        Inputs{Services: svcs, Instances: []*model.Instance{instance(find(svcs, host("productpage")), "http", "10.10.0.1", 9080)}, Mesh: mesh.Default()},
		proxy:     sidecar("productpage-v1-abc", "10.10.0.1"),
		wantNames: []string{"0.0.0.0_9080", "10.10.0.1_9080", "virtual"},
	}, {
		name:      "reviews-v1",
		in:        Inputs{Services: svcs, Instances: []*model.Instance{instance(find(svcs, host("reviews")), "http", "10.10.0.3", 9080)}, Mesh: mesh.Default()},
		proxy:     sidecar("reviews-v1-abc", "10.10.0.3"),
		wantNames: []string{"0.0.0.0_9080", "10.10.0.3_9080", "virtual"},
	}, {
		name:      "virtual-registry-only",
		in:        Inputs{Services: svcs, Mesh: meshWith(func(m *mesh.Config) { m.OutboundTrafficPolicy.Mode = mesh.RegistryOnly })},
		proxy:     sidecar("productpage-v1-abc", "10.10.0.1"),
		only:      "virtual",
		wantNames: []string{"0.0.0.0_9080", "virtual"},
	}, {
		name:      "virtual-allow-any-no-access-log",
		in:        Inputs{Services: svcs, Mesh: meshWith(func(m *mesh.Config) { m.AccessLogFile = "" })},
		proxy:     sidecar("productpage-v1-abc", "10.10.0.1"),
		only:      "virtual",
		wantNames: []string{"0.0.0.0_9080", "virtual"},
	}, {
		name: "tcp",
		in: Inputs{Services: withTCP, Instances: []*model.Instance{instance(echo, "tcp", "10.10.0.9", 9000)},
			Mesh: meshWith(func(m *mesh.Config) { m.AccessLogEncoding = "TEXT" })},
		proxy: sidecar("tcp-echo-abc", "10.10.0.9"),
		wantNames: []string{"0.0.0.0_443", "0.0.0.0_5432", "0.0.0.0_9080", "10.10.0.9_9000",
			"10.2.0.7_6379", "240.240.0.5_9000", "virtual"},
	}, {
		name:      "http-tcp-conflict",
		in:        Inputs{Services: conflict, Mesh: meshWith(func(m *mesh.Config) { m.AccessLogFile = "" })},
		proxy:     sidecar("productpage-v1-abc", "10.10.0.1"),
		wantNames: []string{"0.0.0.0_9080", "virtual"},
		warnings:  1,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ls, warnings := build(t, tc.in, tc.proxy)
			if got := names(ls); !slices.Equal(got, tc.wantNames) {
				t.Errorf("listeners = %v, want %v", got, tc.wantNames)
			}
			if len(warnings) != tc.warnings {
				t.Errorf("warnings = %v, want %d", warnings, tc.warnings)
			}
			if tc.only != "" {
				ls = []*listenerv3.Listener{byName(t, ls, tc.only)}
			}
			checkGolden(t, tc.name, ls)
		})
	}
}

func TestVirtualListenerPolicy(t *testing.T) {
	for mode, want := range map[mesh.OutboundMode]string{mesh.AllowAny: model.PassthroughCluster, mesh.RegistryOnly: model.BlackHoleCluster} {
		in := Inputs{Mesh: meshWith(func(m *mesh.Config) { m.OutboundTrafficPolicy.Mode = mode })}
		ls, _ := build(t, in, sidecar("p", "10.0.0.1"))
		v := byName(t, ls, VirtualListenerName)
		if !v.GetUseOriginalDst().GetValue() || v.GetListenerFilters()[0].GetName() != OriginalDstFilter {
			t.Errorf("%s: virtual listener does not hand off by original destination", mode)
		}
		if got := v.GetAddress().GetSocketAddress().GetPortValue(); got != 15001 {
			t.Errorf("%s: virtual listener port %d, want 15001", mode, got)
		}
		b, _ := protojson.Marshal(v)
		if !strings.Contains(string(b), `"cluster":"`+want+`"`) {
			t.Errorf("%s: virtual listener does not go to %s: %s", mode, want, b)
		}
	}
}

func TestHTTPTCPConflictKeepsFirstByHostname(t *testing.T) {
	tcp := func(h string) *model.Service {
		return &model.Service{Hostname: h, Namespace: "default", Resolution: model.Passthrough,
			Ports: []model.Port{{Name: "tcp", Number: 9080, Protocol: model.TCP}}}
	}
	// "a.example.com" sorts before BookInfo: the TCP service keeps the port.
	ls, warnings := build(t, Inputs{Services: append(bookinfo(), tcp("a.example.com")), Mesh: mesh.Default()}, sidecar("p", "10.0.0.1"))
	l := byName(t, ls, "0.0.0.0_9080")
	if got := l.GetFilterChains()[0].GetFilters()[0].GetName(); got != TCPProxyFilter {
		t.Errorf("0.0.0.0_9080 starts with %s, want %s", got, TCPProxyFilter)
	}
	if len(warnings) != 4 {
		t.Fatalf("warnings = %v, want one per BookInfo service", warnings)
	}
	for _, w := range warnings {
		if w.Listener != "0.0.0.0_9080" || !strings.Contains(w.Reason, "a.example.com") {
			t.Errorf("warning %v does not name the listener and the kept service", w)
		}
	}
	// "legacy.example.com" sorts after details: HTTP keeps the port.
	ls, warnings = build(t, Inputs{Services: append(bookinfo(), tcp("legacy.example.com")), Mesh: mesh.Default()}, sidecar("p", "10.0.0.1"))
	if got := byName(t, ls, "0.0.0.0_9080").GetFilterChains()[0].GetFilters()[0].GetName(); got != HTTPConnectionManagerFilter {
		t.Errorf("0.0.0.0_9080 starts with %s, want %s", got, HTTPConnectionManagerFilter)
	}
	if len(warnings) != 1 || warnings[0].Service != "legacy.example.com" || !strings.Contains(warnings[0].String(), host("details")) {
		t.Errorf("warnings = %v, want legacy.example.com left out for details", warnings)
	}
}

func TestInboundConflict(t *testing.T) {
	svcs := bookinfo()
	in := Inputs{Services: svcs, Mesh: mesh.Default(), Instances: []*model.Instance{
		instance(find(svcs, host("reviews")), "http", "10.0.0.1", 9080),
		instance(find(svcs, host("details")), "http", "10.0.0.1", 9080),
	}}
	ls, warnings := build(t, in, sidecar("p", "10.0.0.1"))
	b, _ := protojson.Marshal(byName(t, ls, "10.0.0.1_9080"))
	if !strings.Contains(string(b), "inbound|9080|http|"+host("details")) {
		t.Errorf("inbound listener does not route to details (first by hostname): %s", b)
	}
	if len(warnings) != 1 || warnings[0].Service != host("reviews") {
		t.Errorf("warnings = %v, want reviews left out", warnings)
	}
}

func TestAccessLog(t *testing.T) {
	svcs := append(bookinfo(), tcpEcho())
	for _, tc := range []struct {
		file, encoding string
		want, notWant  []string
	}{
		{file: "", encoding: "JSON", notWant: []string{"accessLog"}},
		{file: "/dev/stdout", encoding: "JSON", want: []string{`"path":"/dev/stdout"`, `"response_flags":"%RESPONSE_FLAGS%"`}},
		{file: "/var/log/a.log", encoding: "TEXT", want: []string{`"path":"/var/log/a.log"`, "textFormatSource", "%RESPONSE_FLAGS%"}, notWant: []string{"jsonFormat"}},
	} {
		in := Inputs{Services: svcs, Mesh: meshWith(func(m *mesh.Config) { m.AccessLogFile, m.AccessLogEncoding = tc.file, tc.encoding })}
		ls, _ := build(t, in, sidecar("p", "10.0.0.1"))
		for _, l := range ls {
			b, _ := protojson.Marshal(l)
			for _, w := range tc.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("%s %s: listener %s lacks %s", tc.file, tc.encoding, l.GetName(), w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(string(b), w) {
					t.Errorf("%s %s: listener %s has %s", tc.file, tc.encoding, l.GetName(), w)
				}
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	svcs := append(append(bookinfo(), tcpEcho()), external()...)
	in := Inputs{Services: svcs, Mesh: mesh.Default(), Instances: []*model.Instance{
		instance(find(svcs, host("reviews")), "http", "10.0.0.1", 9080),
		instance(find(svcs, host("tcp-echo")), "tcp", "10.0.0.1", 9000),
	}}
	want, wantWarnings := build(t, in, sidecar("p", "10.0.0.1"))
	for range 5 {
		shuffled := in
		shuffled.Services = slices.Clone(svcs)
		slices.Reverse(shuffled.Services)
		shuffled.Instances = slices.Clone(in.Instances)
		slices.Reverse(shuffled.Instances)
		got, gotWarnings := build(t, shuffled, sidecar("p", "10.0.0.1"))
		if len(got) != len(want) || !slices.Equal(gotWarnings, wantWarnings) {
			t.Fatalf("got %v, want %v", names(got), names(want))
		}
		for i := range got {
			a, _ := proto.MarshalOptions{Deterministic: true}.Marshal(got[i])
			b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(want[i])
			if !bytes.Equal(a, b) {
				t.Errorf("listener %s differs between runs", got[i].GetName())
			}
		}
	}
}

func TestBuildSidecarErrors(t *testing.T) {
	router := sidecar("gw", "10.0.0.1")
	router.Type = model.Router
	none := sidecar("p", "10.0.0.1")
	none.InterceptionMode = model.InterceptionNone
	for _, tc := range []struct {
		name  string
		in    Inputs
		proxy *model.Proxy
		want  error
	}{
		{"nil proxy", Inputs{Mesh: mesh.Default()}, nil, ErrNotSidecar},
		{"router", Inputs{Mesh: mesh.Default()}, router, ErrNotSidecar},
		{"interception NONE", Inputs{Mesh: mesh.Default()}, none, ErrUnsupportedInterception},
		{"listen port", Inputs{Mesh: meshWith(func(m *mesh.Config) { m.ProxyListenPort = 0 })}, sidecar("p", "10.0.0.1"), ErrInvalidMesh},
	} {
		if _, _, err := BuildSidecar(tc.in, tc.proxy); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestTProxyAndCapturePort(t *testing.T) {
	p := sidecar("p", "10.0.0.1")
	p.InterceptionMode = model.InterceptionTProxy
	svc := &model.Service{Hostname: "clash.default.svc.cluster.local", Namespace: "default", Address: "240.240.0.9",
		Ports: []model.Port{{Name: "tcp", Number: 15001, Protocol: model.TCP}}}
	ls, warnings := build(t, Inputs{Services: []*model.Service{svc}, Mesh: mesh.Default()}, p)
	if !byName(t, ls, VirtualListenerName).GetTransparent().GetValue() {
		t.Error("TPROXY virtual listener is not transparent")
	}
	if len(ls) != 1 || len(warnings) != 1 || warnings[0].Port != 15001 {
		t.Errorf("listeners %v, warnings %v: want the capture-port service left out", names(ls), warnings)
	}
}
