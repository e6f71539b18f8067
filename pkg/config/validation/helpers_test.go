package validation

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/sailmesh/sail/pkg/config"
)

// testCase is one object to validate: a spec written as protojson, and the
// errors expected, each "field.path: part of the message" (empty: valid).
type testCase struct {
	name string
	spec string
	want []string
	// meta adjusts the envelope (name, namespace, labels) when set.
	meta func(*config.Meta)
}

// newObject builds an object around a spec decoded with protojson, so the
// tests do not depend on Sail's parser.
func newObject(t *testing.T, kind string, spec proto.Message, js string) *config.Object {
	t.Helper()
	if err := protojson.Unmarshal([]byte(js), spec); err != nil {
		t.Fatalf("test spec does not decode: %v\n%s", err, js)
	}
	return &config.Object{
		Meta: config.Meta{GVK: config.GroupVersionKind{Group: "test", Version: "v1", Kind: kind}, Name: "test", Namespace: "default"},
		Spec: spec,
	}
}

// runCases validates each case's object and compares the errors with want:
// every wanted error must be reported, and nothing else.
func runCases(t *testing.T, kind string, newSpec func() proto.Message, cases []testCase) {
	t.Helper()
	v := New(Options{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := newObject(t, kind, newSpec(), tc.spec)
			if tc.meta != nil {
				tc.meta(&obj.Meta)
			}
			checkErrors(t, v.Object(obj), obj.Key().String(), tc.want)
		})
	}
}

func checkErrors(t *testing.T, got config.ErrorList, key string, want []string) {
	t.Helper()
	matched := make([]bool, len(got))
	for _, w := range want {
		field, msg, _ := strings.Cut(w, ": ")
		found := false
		for i, e := range got {
			if !matched[i] && e.Field == field && strings.Contains(e.Message, msg) {
				matched[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing error %q", w)
		}
	}
	for i, e := range got {
		if e.Object != key {
			t.Errorf("error %q names object %q, want %q", e.Error(), e.Object, key)
		}
		if !matched[i] {
			t.Errorf("unexpected error: %s: %s", e.Field, e.Message)
		}
	}
}
