package enrich

import (
	"hash/maphash"
	"sync"
)

// A few thousand distinct user agents cover nearly all real traffic, so a
// small cache turns most parses into one map lookup.
const (
	cacheShards   = 16
	cacheShardCap = 256 // 4,096 entries in all
)

// uaInfo is everything derived from one user-agent string.
type uaInfo struct {
	client Client
	bot    bool
}

// uaCache is a bounded, sharded map from a user agent's hash to what it
// parsed to. Keys are 64-bit seeded hashes, not the strings, so a flood of
// long unique user agents cannot grow memory; a full shard is simply emptied,
// which costs little and needs no bookkeeping per entry.
type uaCache struct {
	seed   maphash.Seed
	shards [cacheShards]struct {
		mu sync.RWMutex
		m  map[uint64]uaInfo
	}
}

func newUACache(seed maphash.Seed) *uaCache {
	c := &uaCache{seed: seed}
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]uaInfo, cacheShardCap)
	}
	return c
}

func (c *uaCache) get(ua string) (uaInfo, uint64, bool) {
	h := maphash.String(c.seed, ua)
	s := &c.shards[h%cacheShards]
	s.mu.RLock()
	info, ok := s.m[h]
	s.mu.RUnlock()
	return info, h, ok
}

func (c *uaCache) put(h uint64, info uaInfo) {
	s := &c.shards[h%cacheShards]
	s.mu.Lock()
	if len(s.m) >= cacheShardCap {
		clear(s.m)
	}
	s.m[h] = info
	s.mu.Unlock()
}
