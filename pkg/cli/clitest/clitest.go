// Package clitest checks a binary's Options the same way for every
// component: defaults, flag parsing and validation. It is for tests only.
package clitest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/cli"
)

// Case is one command line and what it must give: the options, or
// validation errors containing each of WantErr.
type Case[O any] struct {
	Name    string
	Args    []string
	Want    O
	WantErr []string
}

// CheckOptions runs each case: start from defaults(), attach the flags,
// parse Args, validate, and compare.
func CheckOptions[O any, P interface {
	*O
	cli.Options
}](t *testing.T, defaults func() O, cases []Case[O]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			o := defaults()
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			P(&o).AttachFlags(fs)
			if err := fs.Parse(tt.Args); err != nil {
				t.Fatal(err)
			}
			err := P(&o).Validate()
			if tt.WantErr != nil {
				if err == nil {
					t.Fatal("Validate() = nil, want an error")
				}
				for _, s := range tt.WantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("Validate() = %q, want it to contain %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			if !exportedEqual(reflect.ValueOf(o), reflect.ValueOf(tt.Want)) {
				t.Errorf("options = %+v, want %+v", o, tt.Want)
			}
		})
	}
}

// exportedEqual compares what users can set: the exported fields of
// structs, recursively (options may remember internals such as the name of
// the flag they were attached under).
func exportedEqual(a, b reflect.Value) bool {
	if a.Kind() != reflect.Struct {
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
	for i := range a.NumField() {
		if !a.Type().Field(i).IsExported() {
			continue
		}
		if !exportedEqual(a.Field(i), b.Field(i)) {
			return false
		}
	}
	return true
}
