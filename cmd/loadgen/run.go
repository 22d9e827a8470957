package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

const usage = `loadgen drives a liveops server with realistic analytics events, then
checks the database it wrote.

Usage:
  loadgen ingest --url http://127.0.0.1:PORT --domain HOST [flags]
      send events to POST /api/event for --duration; report throughput,
      outcomes and latency (the server must trust 127.0.0.1/32 as a proxy)
  loadgen verify --db DSN --domain HOST (--summary FILE | --accepted N [--engagement M])
      after the server has shut down: check that stored events, visits and
      rollups agree exactly, and report bytes per stored event
  loadgen fill --db DSN [--domain HOST] [--days 30] [--scale 100]
      store the demo's traffic, scaled up, for a new service through the
      ingestion pipeline: the database for scripts/bench-dashboard.sh
  loadgen target [--listen 127.0.0.1:18090] [--duration 10m] [--delay 0]
      serve the pages synthetic checks call, counting the calls
  loadgen checks --url http://127.0.0.1:PORT --token T --service SLUG [--checks 5000]
      add checks of the target to a service through the API: the load for
      scripts/bench-checks.sh

Run 'loadgen COMMAND --help' for a command's flags. Only loopback servers
are ever targeted.
`

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errFailed means the run itself went as planned but what it measured
// failed (errors under load, a broken invariant): exit status 1, with the
// report already printed.
var errFailed = errors.New("failed: see the report above")

var errHelp = errors.New("help shown")

func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// run is the whole command line, testable in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	var err error
	switch args[0] {
	case "ingest":
		err = cmdIngest(ctx, args[1:], stdout, stderr)
	case "verify":
		err = cmdVerify(ctx, args[1:], stdout)
	case "fill":
		err = cmdFill(ctx, args[1:], stdout)
	case "target":
		err = cmdTarget(ctx, args[1:], stdout)
	case "checks":
		err = cmdChecks(ctx, args[1:], stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		return usageError{fmt.Sprintf("unknown command %q (run 'loadgen help')", args[0])}
	}
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// newFlags is a flag set that returns its errors instead of exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args, printing the flags for --help.
func parseFlags(fs *flag.FlagSet, args []string, synopsis string, stdout io.Writer) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "Usage: loadgen %s\n\nFlags:\n", synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return errHelp
	}
	if err != nil {
		return usageError{fmt.Sprintf("%s: %v (see 'loadgen %s --help')", fs.Name(), err, fs.Name())}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}
