package validate

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// stdinName names standard input in messages.
const stdinName = "<stdin>"

// source is one input file: its name as the user wrote it (or as found in a
// directory) and its bytes, or why it could not be read.
type source struct {
	name string
	data []byte
	err  error
}

// isConfigFile reports whether a file found in a directory is read.
func isConfigFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// fetch reads every input: "-" is stdin, a directory is walked recursively
// for *.yaml, *.yml and *.json files (in lexical order), anything else is
// read as a file whatever its name.
func fetch(paths []string, stdin io.Reader) []source {
	var out []source
	for _, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(stdin)
			out = append(out, source{name: stdinName, data: data, err: err})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			out = append(out, source{name: p, err: describeReadError(err)})
			continue
		}
		if !info.IsDir() {
			data, err := os.ReadFile(p)
			out = append(out, source{name: p, data: data, err: describeReadError(err)})
			continue
		}
		found := 0
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				out = append(out, source{name: f, err: describeReadError(err)})
				return nil
			}
			if d.IsDir() || !isConfigFile(f) {
				return nil
			}
			found++
			data, err := os.ReadFile(f)
			out = append(out, source{name: f, data: data, err: describeReadError(err)})
			return nil
		})
		if err == nil && found == 0 {
			out = append(out, source{name: p, err: errors.New("directory holds no .yaml, .yml or .json files")})
		}
	}
	return out
}

func describeReadError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file or directory")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot read: %v", pe.Err)
	}
	return err
}
