package parse

import (
	"strings"
	"testing"
)

// TestHostileInput feeds inputs built to exhaust a YAML parser; each must end
// in a clear error rather than a crash, a hang or unbounded memory.
func TestHostileInput(t *testing.T) {
	laughs := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g"} {
		laughs += name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", ") + "]\n"
		prev = name
	}
	tests := []struct{ name, in, want string }{
		{"recursive alias", "a: &x [*x]\n", "nested too deeply"},
		{"billion laughs", laughs, "document is too large"},
		{"deep lists", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), "nested too deeply"},
		{"deep mappings", strings.Repeat("{a: ", 5000) + "1" + strings.Repeat("}", 5000), "nested too deeply"},
	}
	p := newParser(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := p.Parse("f", []byte(tt.in))
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("got %v, want one error containing %q", errs, tt.want)
			}
		})
	}
	if objs, errs := p.Parse("f", []byte(strings.Repeat("---\n", 20000))); len(objs)+len(errs) != 0 {
		t.Errorf("empty documents: got %v %v", objs, errs)
	}
}
