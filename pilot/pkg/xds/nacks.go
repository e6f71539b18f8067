package xds

import (
	"maps"
	"sync"
	"time"
)

// Nack is what the server remembers of one proxy's rejections.
type Nack struct {
	// Count is how many NACKs the proxy sent.
	Count int
	// TypeURL, Version and Error describe the last one: the resource
	// type, the version rejected and the proxy's error message.
	TypeURL string
	Version string
	Error   string
	Time    time.Time
}

// nackTable records NACKs by node ID. It is safe for concurrent use.
type nackTable struct {
	mu    sync.Mutex
	nacks map[string]Nack
}

func (t *nackTable) record(nodeID, typeURL, version, msg string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.nacks == nil {
		t.nacks = map[string]Nack{}
	}
	n := t.nacks[nodeID]
	t.nacks[nodeID] = Nack{Count: n.Count + 1, TypeURL: typeURL, Version: version, Error: msg, Time: now}
}

func (t *nackTable) snapshot() map[string]Nack {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.nacks)
}
