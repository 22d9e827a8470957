// Command liveops runs and manages a liveops server. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// LIVEOPS_CPU_PROFILE=FILE profiles the whole run, for the benchmark
	// scripts (scripts/bench-ingest.sh PROFILE=…): a profile of the real
	// process under real load says more than one of a Go benchmark.
	stopProfile := func() {}
	if path := os.Getenv("LIVEOPS_CPU_PROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "liveops: cpu profile:", err)
			os.Exit(1)
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
	}
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stopProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "liveops:", err)
		os.Exit(exitCode(err))
	}
}
