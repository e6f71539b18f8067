package mixerpb_test

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	mixerpb "github.com/sailmesh/sail/api/mixer/v1"
)

var update = flag.Bool("update", false, "rewrite testdata/global_words.txt from GlobalWordList (only after appending words)")

const goldenWords = "testdata/global_words.txt"

func TestGlobalWordListWordsAreUniqueAndNonEmpty(t *testing.T) {
	words := mixerpb.GlobalWordList()
	if len(words) == 0 {
		t.Fatal("GlobalWordList() is empty")
	}
	seen := make(map[string]int, len(words))
	for i, w := range words {
		if strings.TrimSpace(w) == "" {
			t.Errorf("word %d is empty or blank: %q", i, w)
		}
		if j, dup := seen[w]; dup {
			t.Errorf("word %d %q duplicates word %d", i, w, j)
		}
		seen[w] = i
	}
}

func TestGlobalWordListReturnsACopy(t *testing.T) {
	a := mixerpb.GlobalWordList()
	first := a[0]
	a[0] = "changed by the caller"
	if b := mixerpb.GlobalWordList(); b[0] != first {
		t.Fatalf("GlobalWordList()[0] = %q after a caller changed its copy, want %q", b[0], first)
	}
}

// TestGlobalWordListOnlyGrows compares the list with the last recorded one:
// the recorded words must still be a prefix of the list, since indices on the
// wire refer to them. After appending words, run
// `go test ./api/mixer/v1 -run GlobalWordListOnlyGrows -update`.
func TestGlobalWordListOnlyGrows(t *testing.T) {
	words := mixerpb.GlobalWordList()
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenWords), 0o755); err != nil {
			t.Fatal(err)
		}
		body := strings.Join(words, "\n") + "\n"
		if err := os.WriteFile(goldenWords, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	f, err := os.Open(goldenWords)
	if err != nil {
		t.Fatalf("open the recorded word list: %v (run with -update to create it)", err)
	}
	defer f.Close()
	var recorded []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		recorded = append(recorded, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", goldenWords, err)
	}

	if len(words) < len(recorded) {
		t.Fatalf("GlobalWordList() has %d words, fewer than the %d recorded in %s: words may only be appended",
			len(words), len(recorded), goldenWords)
	}
	for i, want := range recorded {
		if words[i] != want {
			t.Fatalf("word %d is %q, but %s records %q: existing words must never change or move, only new ones may be appended",
				i, words[i], goldenWords, want)
		}
	}
	if len(words) > len(recorded) {
		t.Errorf("GlobalWordList() has %d new words not in %s; record them with -update",
			len(words)-len(recorded), goldenWords)
	}
}
