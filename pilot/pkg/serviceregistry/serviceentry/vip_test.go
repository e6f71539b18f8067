package serviceentry

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"
)

func TestSlotAddr(t *testing.T) {
	for s, want := range map[int]string{
		0: "240.240.0.1", 253: "240.240.0.254", 254: "240.240.1.1", vipSlots - 1: "240.240.255.254",
	} {
		if got := slotAddr(s); got != want {
			t.Errorf("slotAddr(%d) = %s, want %s", s, got, want)
		}
	}
	for s := range vipSlots {
		if back, ok := slotOf(slotAddr(s)); !ok || back != s {
			t.Fatalf("slotOf(slotAddr(%d)) = %d, %v", s, back, ok)
		}
	}
	for _, a := range []string{"240.240.0.0", "240.240.3.255", "10.0.0.1", "240.241.0.1", "fd00::1", "240.240.0.0/16", "x"} {
		if _, ok := slotOf(a); ok {
			t.Errorf("slotOf(%q) is in range", a)
		}
	}
	if s, ok := slotOf("240.240.1.1/32"); !ok || s != 254 {
		t.Errorf("slotOf(240.240.1.1/32) = %d, %v", s, ok)
	}
}

// colliding returns two keys with the same preferred slot.
func colliding(t *testing.T) (string, string) {
	seen := map[int]string{}
	for i := range 1 << 20 {
		k := fmt.Sprintf("ns/h%d.example.com", i)
		s := preferredSlot(k)
		if prev, ok := seen[s]; ok {
			return prev, k
		}
		seen[s] = k
	}
	t.Fatal("no collision found")
	return "", ""
}

func TestAllocateVIPs(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var reqs []vipRequest
	for i := range 500 {
		reqs = append(reqs, vipRequest{key: fmt.Sprintf("ns%d/svc%d.example.com", i%7, i), created: t0.Add(time.Duration(i%13) * time.Second)})
	}
	base := allocateVIPs(reqs, nil)

	t.Run("unique, in range, deterministic whatever the order", func(t *testing.T) {
		if len(base) != len(reqs) {
			t.Fatalf("%d VIPs for %d requests", len(base), len(reqs))
		}
		addrs := slices.Collect(maps.Values(base))
		slices.Sort(addrs)
		if len(slices.Compact(addrs)) != len(reqs) {
			t.Fatal("duplicate VIPs")
		}
		for _, a := range addrs {
			if _, ok := slotOf(a); !ok {
				t.Fatalf("VIP %s out of range or .0/.255", a)
			}
		}
		rev := slices.Clone(reqs)
		slices.Reverse(rev)
		if got := allocateVIPs(rev, nil); !maps.Equal(got, base) {
			t.Error("allocation depends on input order")
		}
	})

	t.Run("adding newer entries moves nothing", func(t *testing.T) {
		more := slices.Clone(reqs)
		for i := range 500 {
			more = append(more, vipRequest{key: fmt.Sprintf("a/new%d", i), created: t0.Add(time.Hour)})
		}
		got := allocateVIPs(more, nil)
		for k, v := range base {
			if got[k] != v {
				t.Fatalf("%s moved from %s to %s", k, v, got[k])
			}
		}
	})

	t.Run("collision: the older keeps its slot, the newer probes on", func(t *testing.T) {
		a, b := colliding(t)
		slot := preferredSlot(a)
		// b sorts after a by key; make b the older one so it wins.
		got := allocateVIPs([]vipRequest{{key: a, created: t0.Add(time.Second)}, {key: b, created: t0}}, nil)
		if got[b] != slotAddr(slot) || got[a] != slotAddr((slot+1)%vipSlots) {
			t.Errorf("a=%s b=%s, preferred %s", got[a], got[b], slotAddr(slot))
		}
		// Adding the newer a later does not move b.
		only := allocateVIPs([]vipRequest{{key: b, created: t0}}, nil)
		if only[b] != got[b] {
			t.Errorf("b moved from %s to %s when a was added", only[b], got[b])
		}
	})

	t.Run("declared addresses are skipped", func(t *testing.T) {
		k := "ns/x.example.com"
		pref := slotAddr(preferredSlot(k))
		got := allocateVIPs([]vipRequest{{key: k, created: t0}}, []string{pref})
		if got[k] == pref {
			t.Errorf("allocated declared address %s", pref)
		}
	})
}
