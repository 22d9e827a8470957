package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/liveops/liveops/internal/app"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/monitor"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// cmdChecksApply applies a checks file: checks as code.
func cmdChecksApply(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newCommand("checks apply", "checks apply -f FILE [--prune] [--dry-run] [--public-url URL] [--allow-private-checks] [--db DSN]", stdout)
	file := c.fs.String("f", "", "the checks file (YAML), or - for standard input")
	prune := c.fs.Bool("prune", false, "remove the checks of the file's services that the file does not list (other services are never touched)")
	dryRun := c.fs.Bool("dry-run", false, "print what would be done and change nothing")
	publicURL := c.fs.String("public-url", "", "the address liveops is reached at, e.g. https://liveops.example.gov: to print an added heartbeat's whole URL")
	privateChecks := c.fs.Bool("allow-private-checks", false, "let checks reach private and loopback addresses, as serve's flag does")
	dsn := c.fs.String("db", store.DefaultDSN, "SQLite file path, or a postgres:// URL")
	if err := c.parse(args, getenv); err != nil {
		return err
	}
	if *file == "" {
		return usageError{"checks apply: give the checks file with -f FILE (- for standard input)"}
	}
	base := ""
	if *publicURL != "" {
		var err error
		if base, err = web.ParsePublicURL(*publicURL); err != nil {
			return usageError{"checks apply: --public-url: " + err.Error()}
		}
	}
	var data []byte
	var err error
	if *file == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(*file)
	}
	if err != nil {
		return fmt.Errorf("checks apply: %w", err)
	}
	name := *file
	if name == "-" {
		name = "standard input"
	}
	f, err := monitor.ParseChecksFile(name, data)
	if err != nil {
		return fileProblems(stderr, name, err)
	}
	a, err := app.New(ctx, app.Config{DB: *dsn, AllowPrivateChecks: *privateChecks})
	if err != nil {
		return err
	}
	defer a.Close()
	plan, err := a.Monitor.ApplyChecks(ctx, f, monitor.ApplyOptions{Prune: *prune, DryRun: *dryRun})
	if err != nil {
		return fileProblems(stderr, name, err)
	}
	printPlan(stdout, plan, *dryRun, base)
	if !*dryRun {
		for _, s := range plan.Steps {
			if s.Action != monitor.Unchanged {
				fields := map[string]string{"file": name, "action": string(s.Action)}
				if len(s.Fields) > 0 {
					fields["fields"] = strings.Join(s.Fields, ", ")
				}
				recordCommand(ctx, a, "liveops checks apply", s.Name, s.Service, fields)
			}
		}
	}
	return nil
}

// fileProblems reports a checks file's problems: one is the error; more are
// printed, a line each, and the error counts them.
func fileProblems(stderr io.Writer, name string, err error) error {
	var errs monitor.FileErrors
	if !errors.As(err, &errs) {
		return err
	}
	if len(errs) == 1 {
		return fmt.Errorf("%w (nothing was applied)", errs[0])
	}
	for _, e := range errs {
		fmt.Fprintln(stderr, e)
	}
	return fmt.Errorf("%s: %d problems, listed above (nothing was applied)", name, len(errs))
}

var planWords = map[monitor.Action][2]string{
	monitor.Add:    {"added", "would add"},
	monitor.Change: {"changed", "would change"},
	monitor.Remove: {"removed", "would remove"},
}

func printPlan(w io.Writer, plan *monitor.Plan, dryRun bool, base string) {
	tense := 0
	if dryRun {
		tense = 1
	}
	for _, s := range plan.Steps {
		words, ok := planWords[s.Action]
		if !ok {
			continue
		}
		line := words[tense] + " " + s.Service + "/" + s.Name
		if len(s.Fields) > 0 {
			line += " (" + strings.Join(s.Fields, ", ") + ")"
		}
		fmt.Fprintln(w, line)
		if s.Token == "" {
			continue
		}
		if base != "" {
			fmt.Fprintf(w, "  heartbeat URL: %s%s\n", base, monitor.HeartbeatPath(s.Token))
		} else {
			fmt.Fprintf(w, "  heartbeat path: %s (put liveops's address before it; --public-url prints the whole URL)\n", monitor.HeartbeatPath(s.Token))
		}
		fmt.Fprintln(w, "  Keep it now: it will not be shown again.")
	}
	summary := fmt.Sprintf("%d added, %d changed, %d removed, %d unchanged",
		plan.Count(monitor.Add), plan.Count(monitor.Change), plan.Count(monitor.Remove), plan.Count(monitor.Unchanged))
	if dryRun {
		summary = fmt.Sprintf("dry run: %d to add, %d to change, %d to remove, %d unchanged; nothing was changed",
			plan.Count(monitor.Add), plan.Count(monitor.Change), plan.Count(monitor.Remove), plan.Count(monitor.Unchanged))
	}
	fmt.Fprintln(w, summary)
}

// cmdChecksExport prints checks as a checks file.
func cmdChecksExport(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	c := newCommand("checks export", "checks export [--service SLUG] [--db DSN] > checks.yaml", stdout)
	slug := c.fs.String("service", "", "only this service's checks (default: every service that has checks)")
	dsn := c.fs.String("db", store.DefaultDSN, "SQLite file path, or a postgres:// URL")
	if err := c.parse(args, getenv); err != nil {
		return err
	}
	a, err := openApp(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	var services []*catalog.Service
	if *slug != "" {
		s, err := a.Catalog.BySlug(ctx, *slug)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("checks export: no service with slug %q", *slug)
		}
		if err != nil {
			return err
		}
		services = append(services, s)
	} else {
		all, err := a.Catalog.List(ctx, catalog.ListOptions{IncludeArchived: true})
		if err != nil {
			return err
		}
		for _, s := range all {
			list, err := a.Monitor.Checks.List(ctx, s.ID)
			if err != nil {
				return err
			}
			if len(list) > 0 {
				services = append(services, s)
			}
		}
	}
	out, err := a.Monitor.ExportChecks(ctx, services)
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}
