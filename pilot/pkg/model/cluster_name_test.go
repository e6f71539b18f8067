package model

import "testing"

func TestClusterName(t *testing.T) {
	n := ClusterName(Outbound, "v2", "reviews.default.svc.cluster.local", 9080)
	if n != "outbound|9080|v2|reviews.default.svc.cluster.local" {
		t.Fatal(n)
	}
	dir, subset, host, port, err := ParseClusterName(n)
	if err != nil || dir != Outbound || subset != "v2" || host != "reviews.default.svc.cluster.local" || port != 9080 {
		t.Fatalf("%v %v %v %v %v", dir, subset, host, port, err)
	}
	for _, bad := range []string{"outbound|x|v1|h", "sideways|1||h", "a|b", ""} {
		if _, _, _, _, err := ParseClusterName(bad); err == nil {
			t.Errorf("ParseClusterName(%q) accepted", bad)
		}
	}
}
