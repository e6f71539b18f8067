package endpoint

import (
	"slices"

	networking "istio.io/api/networking/v1alpha3"
)

// SubsetOf returns the subset named name of dr, or nil.
func SubsetOf(dr *networking.DestinationRule, name string) *networking.Subset {
	i := slices.IndexFunc(dr.GetSubsets(), func(s *networking.Subset) bool { return s.GetName() == name })
	if i < 0 {
		return nil
	}
	return dr.GetSubsets()[i]
}

// MatchesLabels reports whether every label of selector is set to the same
// value in labels; an empty selector matches everything.
func MatchesLabels(selector, labels map[string]string) bool {
	for k, v := range selector {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}
