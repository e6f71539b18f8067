package mesh

import (
	"errors"
	"slices"
)

// sortedJoin joins errors in a stable order (validation walks maps).
func sortedJoin(errs []error) error {
	slices.SortFunc(errs, func(a, b error) int {
		switch {
		case a.Error() < b.Error():
			return -1
		case a.Error() > b.Error():
			return 1
		}
		return 0
	})
	return errors.Join(errs...)
}
