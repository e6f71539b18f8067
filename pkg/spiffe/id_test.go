package spiffe

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    ID
		wantErr error
		wantMsg string // substring of the error message
	}{
		{
			name: "default trust domain",
			in:   "spiffe://cluster.local/ns/default/sa/bookinfo-productpage",
			want: ID{TrustDomain: "cluster.local", Namespace: "default", ServiceAccount: "bookinfo-productpage"},
		},
		{
			name: "custom trust domain with dash and underscore",
			in:   "spiffe://corp-mesh_1.example.com/ns/istio-system/sa/istio-pilot-service-account",
			want: ID{TrustDomain: "corp-mesh_1.example.com", Namespace: "istio-system", ServiceAccount: "istio-pilot-service-account"},
		},
		{
			name: "segments may hold upper case and dots",
			in:   "spiffe://td/ns/A.b/sa/c_D",
			want: ID{TrustDomain: "td", Namespace: "A.b", ServiceAccount: "c_D"},
		},
		{name: "empty", in: "", wantErr: ErrEmpty},
		{name: "no scheme", in: "cluster.local/ns/default/sa/x", wantErr: ErrScheme, wantMsg: "got none"},
		{name: "wrong scheme", in: "https://cluster.local/ns/default/sa/x", wantErr: ErrScheme, wantMsg: `got "https://"`},
		{name: "upper-case scheme", in: "SPIFFE://cluster.local/ns/default/sa/x", wantErr: ErrScheme},
		{name: "single slash", in: "spiffe:/cluster.local/ns/default/sa/x", wantErr: ErrScheme},
		{name: "query", in: "spiffe://cluster.local/ns/default/sa/x?a=b", wantErr: ErrQueryOrFragment, wantMsg: `'?'`},
		{name: "fragment", in: "spiffe://cluster.local/ns/default/sa/x#f", wantErr: ErrQueryOrFragment, wantMsg: `'#'`},
		{name: "empty trust domain", in: "spiffe:///ns/default/sa/x", wantErr: ErrTrustDomain, wantMsg: "empty"},
		{name: "only scheme", in: "spiffe://", wantErr: ErrTrustDomain, wantMsg: "empty"},
		{name: "upper-case trust domain", in: "spiffe://Cluster.local/ns/default/sa/x", wantErr: ErrTrustDomain, wantMsg: "lower case"},
		{name: "port", in: "spiffe://cluster.local:443/ns/default/sa/x", wantErr: ErrTrustDomain, wantMsg: "port"},
		{name: "user info", in: "spiffe://me@cluster.local/ns/default/sa/x", wantErr: ErrTrustDomain, wantMsg: "user info"},
		{name: "percent in trust domain", in: "spiffe://clu%73ter/ns/default/sa/x", wantErr: ErrTrustDomain, wantMsg: "offset 3"},
		{name: "trust domain only", in: "spiffe://cluster.local", wantErr: ErrMissingPart, wantMsg: "want /ns/<namespace>/sa/<service-account>"},
		{name: "trust domain and slash", in: "spiffe://cluster.local/", wantErr: ErrMissingPart},
		{name: "double slash after trust domain", in: "spiffe://cluster.local//ns/default/sa/x", wantErr: ErrEmptySegment, wantMsg: "ns keyword (segment 1) is empty"},
		{name: "not ns", in: "spiffe://cluster.local/namespace/default/sa/x", wantErr: ErrMissingPart, wantMsg: "must start with /ns/, got /namespace"},
		{name: "no namespace", in: "spiffe://cluster.local/ns", wantErr: ErrMissingPart, wantMsg: "no namespace"},
		{name: "empty namespace", in: "spiffe://cluster.local/ns//sa/x", wantErr: ErrEmptySegment, wantMsg: "namespace (segment 2)"},
		{name: "no sa", in: "spiffe://cluster.local/ns/default", wantErr: ErrMissingPart, wantMsg: "no /sa/<service-account>"},
		{name: "not sa", in: "spiffe://cluster.local/ns/default/serviceaccount/x", wantErr: ErrMissingPart, wantMsg: "want /sa/"},
		{name: "no service account", in: "spiffe://cluster.local/ns/default/sa", wantErr: ErrMissingPart, wantMsg: "no service account"},
		{name: "empty service account", in: "spiffe://cluster.local/ns/default/sa/", wantErr: ErrEmptySegment, wantMsg: "service account (segment 4)"},
		{name: "extra segment", in: "spiffe://cluster.local/ns/default/sa/x/y", wantErr: ErrExtraSegments, wantMsg: `"/y"`},
		{name: "trailing slash", in: "spiffe://cluster.local/ns/default/sa/x/", wantErr: ErrEmptySegment},
		{name: "dot segment", in: "spiffe://cluster.local/ns/./sa/x", wantErr: ErrInvalidSegment, wantMsg: `namespace (segment 2) is "."`},
		{name: "dot-dot segment", in: "spiffe://cluster.local/ns/default/sa/..", wantErr: ErrInvalidSegment},
		{name: "percent-encoding", in: "spiffe://cluster.local/ns/de%66ault/sa/x", wantErr: ErrInvalidSegment, wantMsg: `'%'`},
		{name: "space", in: "spiffe://cluster.local/ns/default/sa/a b", wantErr: ErrInvalidSegment},
		{name: "non-ASCII", in: "spiffe://cluster.local/ns/défault/sa/x", wantErr: ErrInvalidSegment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("Parse(%q) error = %q, want containing %q", tt.in, err, tt.wantMsg)
				}
				if tt.in != "" && !strings.Contains(err.Error(), `"`+tt.in+`"`) {
					t.Errorf("Parse(%q) error = %q, want the input quoted", tt.in, err)
				}
				if got != (ID{}) {
					t.Errorf("Parse(%q) = %+v on error, want zero ID", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("String() = %q, want %q", s, tt.in)
			}
		})
	}
}

func TestIDForms(t *testing.T) {
	tests := []struct {
		id            ID
		wantString    string
		wantPrincipal string
	}{
		{
			id:            ID{TrustDomain: DefaultTrustDomain, Namespace: "default", ServiceAccount: "sleep"},
			wantString:    "spiffe://cluster.local/ns/default/sa/sleep",
			wantPrincipal: "cluster.local/ns/default/sa/sleep",
		},
		{
			id:            ID{TrustDomain: "example.org", Namespace: "istio-system", ServiceAccount: "istio-ingressgateway-service-account"},
			wantString:    "spiffe://example.org/ns/istio-system/sa/istio-ingressgateway-service-account",
			wantPrincipal: "example.org/ns/istio-system/sa/istio-ingressgateway-service-account",
		},
	}
	for _, tt := range tests {
		t.Run(tt.wantString, func(t *testing.T) {
			if got := tt.id.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
			if got := tt.id.Principal(); got != tt.wantPrincipal {
				t.Errorf("Principal() = %q, want %q", got, tt.wantPrincipal)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"spiffe://cluster.local/ns/default/sa/sleep",
		"spiffe://a/ns/b/sa/c",
		"spiffe://cluster.local/ns/default/sa/",
		"spiffe://cluster.local/ns//sa/x",
		"spiffe://Cluster.local:80/ns/x/sa/y/z?q#f",
		"https://cluster.local/ns/default/sa/x",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			if id != (ID{}) {
				t.Fatalf("Parse(%q) returned %+v with error %v", s, id, err)
			}
			return
		}
		// Strict parsing: what parses prints back unchanged...
		if got := id.String(); got != s {
			t.Fatalf("Parse(%q).String() = %q", s, got)
		}
		// ...and re-parses to the same ID.
		again, err := Parse(id.String())
		if err != nil {
			t.Fatalf("Parse(%q) ok, but re-parsing its String() failed: %v", s, err)
		}
		if again != id {
			t.Fatalf("round trip of %q: %+v != %+v", s, again, id)
		}
		if "spiffe://"+id.Principal() != s {
			t.Fatalf("Principal() = %q does not match %q", id.Principal(), s)
		}
	})
}
