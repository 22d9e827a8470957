package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// command is one sub-command's flag set with LIVEOPS_* environment fallbacks.
type command struct {
	name  string
	usage string
	fs    *flag.FlagSet
	out   io.Writer
}

func newCommand(name, usage string, stdout io.Writer) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned and printed as one line
	return &command{name: name, usage: usage, fs: fs, out: stdout}
}

// envName is the environment variable that mirrors a flag: --tls-cert is
// LIVEOPS_TLS_CERT.
func envName(flagName string) string {
	return "LIVEOPS_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse reads the flags, then fills every flag not given on the command
// line from its LIVEOPS_* variable, or from the file named by
// LIVEOPS_*_FILE (for secrets such as a DSN with a password). It returns
// errHelp after printing the usage for --help.
func (c *command) parse(args []string, getenv func(string) string) error {
	err := c.fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		c.printUsage()
		return errHelp
	}
	if err != nil {
		return usageError{fmt.Sprintf("%s: %v (see 'liveops %s --help')", c.name, err, c.name)}
	}
	if c.fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q (see 'liveops %s --help')", c.name, c.fs.Arg(0), c.name)}
	}
	set := map[string]bool{}
	c.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var envErr error
	c.fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || envErr != nil {
			return
		}
		name := envName(f.Name)
		v := getenv(name)
		if v == "" {
			if file := getenv(name + "_FILE"); file != "" {
				b, err := os.ReadFile(file)
				if err != nil {
					envErr = usageError{fmt.Sprintf("%s_FILE: %v", name, err)}
					return
				}
				v = strings.TrimSpace(string(b))
			}
		}
		if v == "" {
			return
		}
		if err := f.Value.Set(v); err != nil {
			envErr = usageError{fmt.Sprintf("%s: %v", name, err)}
		}
	})
	return envErr
}

var errHelp = errors.New("help shown")

func (c *command) printUsage() {
	fmt.Fprintf(c.out, "Usage: liveops %s\n\n", c.usage)
	fmt.Fprintln(c.out, "Flags (each also read from the environment variable shown):")
	c.fs.VisitAll(func(f *flag.Flag) {
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
			def = fmt.Sprintf(" (default %q)", f.DefValue)
		}
		fmt.Fprintf(c.out, "  --%-16s %s%s\n  %-18s [%s]\n", f.Name, f.Usage, def, "", envName(f.Name))
	})
}

// listFlag is a flag that may be repeated, or given as a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}
