package model

import "testing"

func TestProtocolFromPortName(t *testing.T) {
	tests := []struct {
		name                string
		want                Protocol
		isHTTP, isH2, isTLS bool
	}{
		{"http", HTTP, true, false, false},
		{"http-web", HTTP, true, false, false},
		{"HTTP-Web", HTTP, true, false, false},
		{"http2-x", HTTP2, true, true, false},
		{"grpc", GRPC, true, true, false},
		{"grpc-api", GRPC, true, true, false},
		{"grpc-web", GRPCWeb, true, true, false},
		{"grpc-web-ui", GRPCWeb, true, true, false},
		{"https", HTTPS, false, false, true},
		{"tls-db", TLS, false, false, true},
		{"tcp", TCP, false, false, false},
		{"mongo-1", Mongo, false, false, false},
		{"redis", Redis, false, false, false},
		{"mysql", MySQL, false, false, false},
		{"udp-dns", UDP, false, false, false},
		{"", TCP, false, false, false},
		{"web", TCP, false, false, false},
		{"httpx", TCP, false, false, false},
		{"-http", TCP, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ProtocolFromPortName(tt.name)
			if p != tt.want {
				t.Fatalf("ProtocolFromPortName(%q) = %q, want %q", tt.name, p, tt.want)
			}
			if p.IsHTTP() != tt.isHTTP || p.IsHTTP2() != tt.isH2 || p.IsTLS() != tt.isTLS {
				t.Errorf("%q: IsHTTP/IsHTTP2/IsTLS = %v/%v/%v, want %v/%v/%v", p,
					p.IsHTTP(), p.IsHTTP2(), p.IsTLS(), tt.isHTTP, tt.isH2, tt.isTLS)
			}
		})
	}
}

func TestParseProtocol(t *testing.T) {
	tests := map[string]Protocol{
		"HTTP": HTTP, "http": HTTP, "Http2": HTTP2, "GRPC-Web": GRPCWeb, "grpc-web": GRPCWeb,
		"MONGO": Mongo, "TLS": TLS, "": TCP, "SCTP": TCP, "http-web": TCP,
	}
	for in, want := range tests {
		if got := ParseProtocol(in); got != want {
			t.Errorf("ParseProtocol(%q) = %q, want %q", in, got, want)
		}
	}
}
