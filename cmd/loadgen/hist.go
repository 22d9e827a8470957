package main

import (
	"math/bits"
	"time"
)

// histogram counts latencies in log-linear buckets, as HdrHistogram does:
// whole microseconds up to 256 µs, then 128 buckets per doubling, so any
// reported value is within 0.8% of the true one. Its size is fixed (about
// 60 KB) however many values it holds, and each worker has its own, so
// recording takes no lock.
type histogram struct {
	counts [histBuckets]uint64
	n      uint64
	max    time.Duration
	sum    time.Duration
}

const (
	subBits     = 8
	half        = 1 << (subBits - 1)
	histBuckets = (64-subBits)*half + 2*half
)

func bucketOf(us uint64) int {
	n := bits.Len64(us)
	if n <= subBits {
		return int(us)
	}
	shift := n - subBits
	return shift*half + int(us>>shift)
}

// bucketTop is the largest value, in microseconds, that falls in bucket i.
func bucketTop(i int) uint64 {
	if i < 2*half {
		return uint64(i)
	}
	shift := i/half - 1
	top := uint64(i - shift*half)
	return (top+1)<<shift - 1
}

func (h *histogram) record(d time.Duration) {
	h.counts[bucketOf(uint64(max(d, 0)/time.Microsecond))]++
	h.n++
	h.sum += d
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile is the latency under which a fraction q of the values fall,
// at most the largest value seen.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		if seen += c; seen >= rank {
			return min(time.Duration(bucketTop(i))*time.Microsecond, h.max)
		}
	}
	return h.max
}

func (h *histogram) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}
