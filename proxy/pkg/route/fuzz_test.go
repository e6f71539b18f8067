package route

import (
	"net/http"
	"testing"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/proto"
)

// FuzzMatch matches random requests against the BookInfo table: it must
// never panic, and a forwarding route must always pick a target.
func FuzzMatch(f *testing.F) {
	tbl := bookinfo(f)
	f.Add("reviews:9080", "/reviews/0", "GET", "End-User", "jason", uint64(7))
	f.Add("productpage", "/api/v1/products/1/reviews?debug=true#x", "POST", "User-Agent", "Chrome", uint64(0))
	f.Add("x.api.bookinfo.com", "/old/%zz?;=&&", "", "X-N", "", uint64(1<<63))
	f.Add("[::1]:80", "?#", "", ":authority", "a,b", uint64(99))
	f.Fuzz(func(t *testing.T, authority, path, method, hname, hval string, rnd uint64) {
		req := Request{Method: method, Authority: authority, Path: path, Headers: http.Header{http.CanonicalHeaderKey(hname): {hval}}}
		rt, _ := tbl.Match(req, fixed(rnd))
		if rt == nil {
			return
		}
		_ = rt.Rewrite(path)
		if rt.Action == ActionForward {
			if target := rt.PickCluster(fixed(rnd)); target == nil || target.Cluster == "" {
				t.Fatalf("route %q picked %v", rt.Name, target)
			}
		}
		h := http.Header{}
		ApplyHeaderOps(h, rt.RequestHeaders)
	})
}

// FuzzCompile compiles random RouteConfigurations: never a panic (errors
// are fine), and a table that compiles must be matchable.
func FuzzCompile(f *testing.F) {
	seed, err := proto.Marshal(loadConfig(f, "bookinfo.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		rc := &routev3.RouteConfiguration{}
		if proto.Unmarshal(b, rc) != nil {
			return
		}
		tbl, err := Compile(rc)
		if err != nil {
			return
		}
		for _, vh := range tbl.VirtualHosts {
			for _, d := range vh.Domains {
				if rt, _ := tbl.Match(Request{Authority: d, Path: "/", Method: "GET"}, fixed(3)); rt != nil {
					rt.PickCluster(fixed(5))
					rt.Rewrite("/a/b?c")
				}
			}
		}
	})
}
