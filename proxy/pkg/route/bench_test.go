package route

import (
	"net/http"
	"testing"
)

// BenchmarkMatch matches typical BookInfo requests against the BookInfo
// table (virtual host selection and route matching; picking a target).
func BenchmarkMatch(b *testing.B) {
	tbl := bookinfo(b)
	reqs := []Request{
		{Method: "GET", Authority: "reviews:9080", Path: "/reviews/0", Headers: http.Header{"End-User": {"jason"}}},
		{Method: "GET", Authority: "reviews:9080", Path: "/reviews/0", Headers: http.Header{"User-Agent": {"Mozilla/5.0"}}},
		{Method: "GET", Authority: "ratings.default.svc.cluster.local:9080", Path: "/ratings/0"},
		{Method: "GET", Authority: "productpage:9080", Path: "/productpage?u=normal"},
		{Method: "GET", Authority: "productpage:9080", Path: "/api/v1/products/0/reviews"},
		{Method: "GET", Authority: "details:9080", Path: "/details/0"},
		{Method: "GET", Authority: "productpage:9080", Path: "/static/bootstrap.css", Headers: http.Header{"User-Agent": {"curl"}}},
		{Method: "GET", Authority: "unknown.example.org", Path: "/"},
	}
	var n uint64
	rnd := func() uint64 { n += 0x9e3779b97f4a7c15; return n >> 1 }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		rt, _ := tbl.Match(reqs[i%len(reqs)], rnd)
		if rt != nil {
			rt.PickCluster(rnd)
		}
	}
}
