package analytics

import (
	"context"
	"os"
	"testing"

	"github.com/liveops/liveops/internal/store"
)

// BenchmarkDecodeSegments decodes every stored day of a filled database
// (LIVEOPS_BENCH_DB, made by `loadgen fill`, its segments built by a
// dashboard view): the cost of a day not kept in memory.
func BenchmarkDecodeSegments(b *testing.B) {
	path := os.Getenv("LIVEOPS_BENCH_DB")
	if path == "" {
		b.Skip("set LIVEOPS_BENCH_DB to a database made by loadgen fill")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT data FROM analytics_segments`)
	if err != nil {
		b.Fatal(err)
	}
	var blobs [][]byte
	var size int
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			b.Fatal(err)
		}
		blobs = append(blobs, data)
		size += len(data)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	if len(blobs) == 0 {
		b.Skip("no segments stored: view the filtered dashboard once first")
	}
	b.SetBytes(int64(size))
	var events, mem int
	for b.Loop() {
		events, mem = 0, 0
		for _, data := range blobs {
			d, err := decodeDay(data)
			if err != nil {
				b.Fatal(err)
			}
			events += len(d.evTS)
			mem += d.size()
		}
	}
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(float64(mem)/float64(events), "B/event")
}
