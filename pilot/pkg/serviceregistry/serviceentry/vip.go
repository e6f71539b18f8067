package serviceentry

import (
	"cmp"
	"hash/fnv"
	"net/netip"
	"slices"
	"strconv"
	"time"
)

// Auto-allocated VIPs come from 240.240.0.0/16, skipping the .0 and .255
// address of every /24: 256*254 slots.
const (
	vipThirdOctets  = 256
	vipFourthOctets = 254 // .1 to .254
	vipSlots        = vipThirdOctets * vipFourthOctets
)

// vipRequest asks for a VIP for one host of one ServiceEntry.
type vipRequest struct {
	key     string // "<namespace>/<host>"
	created time.Time
}

// allocateVIPs gives each request a VIP from 240.240.0.0/16 and returns
// them by key.
//
// The rule: a request's preferred slot is FNV-1a(key) mod the number of
// slots; requests are served oldest first (creation time, then key), and a
// request whose slot is taken, by an earlier request or by an address some
// ServiceEntry declares (in taken), takes the next free slot (linear
// probing, wrapping). So
//   - the result is a function of the requests alone: every Pilot replica
//     and every rebuild computes the same VIPs from the same objects;
//   - adding a ServiceEntry never moves an existing VIP, because a newer
//     request is served after every older one (only entries created within
//     the same second, the timestamp resolution, are ordered by key);
//   - deleting an entry can move a later entry that had been probed past
//     its slot back to it, and a new host added to an old ServiceEntry or
//     a new explicit address in the range can displace a VIP it collides
//     with; both are rare (a collision needs two of the ~65k slots to meet).
//
// Requests beyond the number of slots get no VIP.
func allocateVIPs(reqs []vipRequest, taken []string) map[string]string {
	used := make(map[int]bool, len(reqs)+len(taken))
	for _, a := range taken {
		if s, ok := slotOf(a); ok {
			used[s] = true
		}
	}
	reqs = slices.Clone(reqs)
	slices.SortFunc(reqs, func(a, b vipRequest) int {
		return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.key, b.key))
	})
	out := make(map[string]string, len(reqs))
	for _, r := range reqs {
		if len(used) >= vipSlots {
			break
		}
		if _, dup := out[r.key]; dup {
			continue
		}
		s := preferredSlot(r.key)
		for used[s] {
			s = (s + 1) % vipSlots
		}
		used[s] = true
		out[r.key] = slotAddr(s)
	}
	return out
}

func preferredSlot(key string) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % vipSlots)
}

func slotAddr(s int) string {
	return "240.240." + strconv.Itoa(s/vipFourthOctets) + "." + strconv.Itoa(s%vipFourthOctets+1)
}

// slotOf returns the slot of an address (an IP, or a /32 CIDR) inside the
// auto-allocation range.
func slotOf(addr string) (int, bool) {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		p, perr := netip.ParsePrefix(addr)
		if perr != nil || p.Bits() != 32 {
			return 0, false
		}
		ip = p.Addr()
	}
	if !ip.Is4() {
		return 0, false
	}
	b := ip.As4()
	if b[0] != 240 || b[1] != 240 || b[3] == 0 || b[3] == 255 {
		return 0, false
	}
	return int(b[2])*vipFourthOctets + int(b[3]) - 1, true
}
