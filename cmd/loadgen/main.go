// Command loadgen measures how fast a liveops server ingests analytics
// events, and checks afterwards that every accepted event was stored and
// counted in the rollups. scripts/bench-ingest.sh runs both halves around
// a fresh server; see run.go for the commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(exitCode(err))
	}
}
