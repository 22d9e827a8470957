package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/user"
	"runtime/debug"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/app"
	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/jobs"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// version is set at build time with -ldflags "-X main.version=…"; without
// it the module version or VCS revision is used.
var version = ""

const topUsage = `liveops runs a live public digital service's operations in one binary.

Usage:
  liveops serve [--listen ADDR] [--db DSN] [--demo]   run the server
  liveops migrate [--db DSN]                          apply database migrations
  liveops user add --email EMAIL --role ROLE          add a user (password on standard input)
  liveops token create --email EMAIL --scope SCOPE    create an API token
  liveops service add --name NAME --domain HOST       add a service
  liveops checks apply -f FILE [--prune]              add, change (and remove) checks as a file declares
  liveops checks export [--service SLUG]              print the checks as a file for checks apply
  liveops job list                                    list the background jobs and their last runs
  liveops job run NAME                                run a background job now and wait for it
  liveops version                                     print the version

Run 'liveops COMMAND --help' for a command's flags. Every flag can also be
set with a LIVEOPS_* environment variable, e.g. LIVEOPS_DB for --db.
`

// run is the whole command line, testable in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, topUsage)
		return usageError{"no command given"}
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = cmdServe(ctx, rest, stdout, stderr, getenv)
	case "migrate":
		err = cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "user":
		err = subcommand(rest, "user", stdout, map[string]func() error{
			"add": func() error { return cmdUserAdd(ctx, rest[1:], stdin, stdout, stderr, getenv) },
		})
	case "token":
		err = subcommand(rest, "token", stdout, map[string]func() error{
			"create": func() error { return cmdTokenCreate(ctx, rest[1:], stdout, stderr, getenv) },
		})
	case "service":
		err = subcommand(rest, "service", stdout, map[string]func() error{
			"add": func() error { return cmdServiceAdd(ctx, rest[1:], stdout, stderr, getenv) },
		})
	case "checks":
		err = subcommand(rest, "checks", stdout, map[string]func() error{
			"apply":  func() error { return cmdChecksApply(ctx, rest[1:], stdin, stdout, stderr, getenv) },
			"export": func() error { return cmdChecksExport(ctx, rest[1:], stdout, getenv) },
		})
	case "job":
		err = subcommand(rest, "job", stdout, map[string]func() error{
			"list": func() error { return cmdJobList(ctx, rest[1:], stdout, getenv) },
			"run":  func() error { return cmdJobRun(ctx, rest[1:], stdout, getenv) },
		})
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionLine())
	case "help", "--help", "-help", "-h":
		fmt.Fprint(stdout, topUsage)
	default:
		return usageError{fmt.Sprintf("unknown command %q (run 'liveops help')", cmd)}
	}
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func subcommand(args []string, group string, stdout io.Writer, cmds map[string]func() error) error {
	var names []string
	for n := range cmds {
		names = append(names, "liveops "+group+" "+n)
	}
	sort.Strings(names)
	if len(args) == 0 {
		return usageError{fmt.Sprintf("%s: say what to do: %s", group, strings.Join(names, ", "))}
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprintf(stdout, "Usage:\n  %s\n\nRun one with --help for its flags.\n", strings.Join(names, "\n  "))
		return nil
	}
	f, ok := cmds[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown command %q (run 'liveops help')", group+" "+args[0])}
	}
	return f()
}

func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	if rev := buildSetting(info, "vcs.revision"); len(rev) >= 12 {
		return "devel-" + rev[:12]
	}
	return "devel"
}

// versionLine is what `liveops version` prints: the version, then the
// commit it was built from (and when, and whether the tree had changes),
// and the Go that built it, from the binary's build information.
func versionLine() string {
	line := "liveops " + buildVersion()
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return line
	}
	var about []string
	if rev := buildSetting(info, "vcs.revision"); rev != "" {
		c := "commit " + rev
		if t := buildSetting(info, "vcs.time"); t != "" {
			c += " of " + t
		}
		if buildSetting(info, "vcs.modified") == "true" {
			c += ", with uncommitted changes"
		}
		about = append(about, c)
	} else {
		about = append(about, "commit unknown: built without version control information")
	}
	about = append(about, "built with "+info.GoVersion)
	return line + " (" + strings.Join(about, "; ") + ")"
}

func buildSetting(info *debug.BuildInfo, key string) string {
	for _, s := range info.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

func setupLogging(stderr io.Writer, level, format string) error {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return usageError{fmt.Sprintf("--log-level must be debug, info, warn or error, not %q", level)}
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		slog.SetDefault(slog.New(slog.NewTextHandler(stderr, opts)))
	case "json":
		slog.SetDefault(slog.New(slog.NewJSONHandler(stderr, opts)))
	default:
		return usageError{fmt.Sprintf("--log-format must be text or json, not %q", format)}
	}
	return nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newCommand("serve", "serve [flags]", stdout)
	listen := c.fs.String("listen", "127.0.0.1:8080", "address to listen on, host:port")
	dsn := c.fs.String("db", store.DefaultDSN, "SQLite file path, or a postgres:// URL")
	demo := c.fs.Bool("demo", false, "create a demo service and admin, and print the admin's sign-in")
	cert := c.fs.String("tls-cert", "", "TLS certificate file (PEM): serve HTTPS")
	key := c.fs.String("tls-key", "", "TLS private key file (PEM)")
	proxies := c.fs.String("trusted-proxy", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed")
	level := c.fs.String("log-level", "info", "debug, info, warn or error")
	format := c.fs.String("log-format", "text", "text or json")
	dataDir := c.fs.String("data-dir", "", "this node's own data: its name and the journal of accepted events (default: beside a SQLite file, ./liveops-data for PostgreSQL)")
	role := c.fs.String("role", "all", "what this node does: web, ingest, worker, several separated by commas, or all")
	node := c.fs.String("node", "", "this node's name among the nodes sharing a database (default: made once and kept in --data-dir)")
	publicURL := c.fs.String("public-url", "", "the address people and sites reach liveops at, e.g. https://liveops.example.gov: used in set-up links and snippets (default: the --listen address)")
	geoDB := c.fs.String("geoip-db", "", "a city database in MaxMind's format (.mmdb, e.g. DB-IP's free IP to City Lite): adds regions and cities")
	privateChecks := c.fs.Bool("allow-private-checks", false, "let synthetic checks reach private and loopback addresses (link-local and cloud metadata addresses are refused always)")
	sso := ssoFlags(c)
	if err := c.parse(args, getenv); err != nil {
		return err
	}
	ssoConfig, err := sso.config()
	if err != nil {
		return err
	}
	if err := setupLogging(stderr, *level, *format); err != nil {
		return err
	}
	if (*cert == "") != (*key == "") {
		return usageError{"serve: give both --tls-cert and --tls-key, or neither"}
	}
	trusted, err := web.ParseTrustedProxies(*proxies)
	if err != nil {
		return usageError{"serve: --trusted-proxy: " + err.Error()}
	}
	roles, err := jobs.ParseRoles(*role)
	if err != nil {
		return usageError{"serve: --role: " + err.Error()}
	}
	base := ""
	if *publicURL != "" {
		if base, err = web.ParsePublicURL(*publicURL); err != nil {
			return usageError{"serve: --public-url: " + err.Error()}
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	if base == "" {
		// Links handed to someone never take the Host a request names.
		base = web.ListenOrigin(ln.Addr().String(), *cert != "")
		if !web.Loopback(ln.Addr()) {
			slog.Warn("no --public-url: set-up links and snippets use the listening address; give the address people reach liveops at",
				"using", base)
		}
	}
	a, err := app.New(ctx, app.Config{Listen: *listen, DB: *dsn, Demo: *demo, TLSCert: *cert, TLSKey: *key, PublicURL: base,
		TrustedProxies: trusted, Version: buildVersion(), Roles: roles, DataDir: *dataDir, Node: *node, GeoIPDB: *geoDB, SSO: ssoConfig,
		AllowPrivateChecks: *privateChecks})
	if err != nil {
		ln.Close()
		return err
	}
	if *demo {
		creds, err := a.SeedDemo(ctx)
		if err != nil {
			ln.Close()
			a.Close()
			return err
		}
		fmt.Fprintf(stdout, "Demo ready. Sign in at %s/login\n  email:    %s\n  password: %s\n", base, creds.Email, creds.Password)
	}
	link, err := a.FirstSetupLink(ctx)
	if err != nil {
		ln.Close()
		a.Close()
		return err
	}
	if link != "" {
		slog.Warn("no users yet: open the set-up link to create the first administrator",
			"url", base+link, "valid_for", account.SetupLinkLifetime.String())
	}
	return a.Serve(ctx, ln, func(addr string) {
		slog.Info("liveops ready", "url", base, "listen", addr, "version", buildVersion(), "db", a.DB.Dialect())
		// Start-up's garbage (migrations, templates, lookup tables' sources)
		// would otherwise stay resident until the heap grows: about 3 MB.
		go debug.FreeOSMemory()
	})
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newCommand("migrate", "migrate [--db DSN]", stdout)
	dsn := c.fs.String("db", store.DefaultDSN, "SQLite file path, or a postgres:// URL")
	if err := c.parse(args, getenv); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database is at schema version %d\n", v)
	return nil
}

// openApp opens and migrates the database for a management command.
func openApp(ctx context.Context, dsn string) (*app.App, error) {
	return app.New(ctx, app.Config{DB: dsn})
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newCommand("user add", "user add --email EMAIL --role admin|editor|viewer [--db DSN] < password", stdout)
	email := c.fs.String("email", "", "the user's email address")
	role := c.fs.String("role", "", "admin, editor or viewer")
	dsn := c.fs.String("db", store.DefaultDSN, "SQLite file path, or a postgres:// URL")
	if err := c.parse(args, getenv); err != nil {
		return err
	}
	if *email == "" || *role == "" {
		return usageError{"user add: --email and --role are required"}
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return usageError{"user add: --role: " + err.Error()}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("user add: read password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return usageError{"user add: give the password on the first line of standard input"}
	}
	a, err := openApp(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: *email, Role: r, Password: password, AllServices: true})
	if err != nil {
		return fmt.Errorf("user add: %w", plainError(err))
	}
	recordCommand(ctx, a, "liveops user add", u.Email, "", map[string]string{"email": u.Email, "role": string(u.Role)})
	fmt.Fprintln(stdout, u.Email)
	return nil
}

// recordCommand puts a change made on the command line in the audit log:
// the actor is whoever runs the command on the server, as the operating
// system knows them.
func recordCommand(ctx context.Context, a *app.App, action, target, service string, fields map[string]string) {
	actor := "the command line"
	if u, err := user.Current(); err == nil {
		actor = "the command line, as " + u.Username
	}
	e := &audit.Entry{ActorKind: audit.ActorSystem, Actor: actor, Action: action, Target: target, Service: service,
		Outcome: audit.Done, Status: 0, Details: audit.Details{Fields: fields}}
	if err := a.Audit.Record(ctx, e); err != nil {
		slog.Error("audit: a change was made but could not be recorded", "action", action, "err", err)
	}
}

func cmdTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newCommand("token create", "token create --email EMAIL --scope admin|read|write|ingest [--service SLUG] [--name NAME] [--db DSN]", stdout)
	email := c.fs.String("email", "", "the email address of the user the token acts for")
	scope := c.fs.String("scope", "", "admin, read, write or ingest")
	service := c.fs.String("service", "", "limit the token to the service with this slug (required for ingest)")
	name := c.fs.String("name", "created on the command line", "what the token is for")
	dsn := c.fs.String("db", store.DefaultDSN, "SQLite file path, or a postgres:// URL")
	if err := c.parse(args, getenv); err != nil {
		return err
	}
	if *email == "" || *scope == "" {
		return usageError{"token create: --email and --scope are required"}
	}
	sc, err := auth.ParseScope(*scope)
	if err != nil {
		return usageError{"token create: --scope: " + err.Error()}
	}
	a, err := openApp(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Accounts.UserByEmail(ctx, *email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("token create: no user with email %s", *email)
	}
	if err != nil {
		return err
	}
	var serviceID int64
	if *service != "" {
		s, err := a.Catalog.BySlug(ctx, *service)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("token create: no service with slug %q", *service)
		}
		if err != nil {
			return err
		}
		serviceID = s.ID
	}
	secret, _, err := a.Accounts.CreateToken(ctx, u, account.NewToken{Name: *name, Scope: sc, ServiceID: serviceID})
	if err != nil {
		return fmt.Errorf("token create: %w", plainError(err))
	}
	recordCommand(ctx, a, "liveops token create", u.Email, *service, map[string]string{"name": *name, "scope": string(sc)})
	fmt.Fprintln(stdout, secret)
	return nil
}

func cmdServiceAdd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newCommand("service add", "service add --name NAME --domain HOST [--domain HOST ...] [--timezone IANA] [--db DSN]", stdout)
	name := c.fs.String("name", "", "the service's name, e.g. \"Apply for a parking permit\"")
	var domains listFlag
	c.fs.Var(&domains, "domain", "a hostname the service's pages are served on (repeat, or comma-separate)")
	tz := c.fs.String("timezone", "UTC", "the service's IANA time zone, e.g. Europe/London")
	slug := c.fs.String("slug", "", "the URL name (default: derived from the name)")
	dsn := c.fs.String("db", store.DefaultDSN, "SQLite file path, or a postgres:// URL")
	if err := c.parse(args, getenv); err != nil {
		return err
	}
	if *name == "" || len(domains) == 0 {
		return usageError{"service add: --name and at least one --domain are required"}
	}
	a, err := openApp(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	s, err := a.Catalog.Create(ctx, catalog.Input{Name: *name, Slug: *slug, Domains: domains, Timezone: *tz})
	if err != nil {
		return fmt.Errorf("service add: %w", plainError(err))
	}
	recordCommand(ctx, a, "liveops service add", s.Slug, s.Slug, map[string]string{"name": s.Name, "domains": strings.Join(s.Domains, ", ")})
	fmt.Fprintln(stdout, s.Slug)
	return nil
}

func cmdJobList(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	c := newCommand("job list", "job list [--db DSN]", stdout)
	dsn := c.fs.String("db", store.DefaultDSN, "SQLite file path, or a postgres:// URL")
	if err := c.parse(args, getenv); err != nil {
		return err
	}
	a, err := openApp(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.Jobs.Status(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "JOB\tSCHEDULE\tROLE\tLAST START\tRESULT\tNEXT")
	when := func(t time.Time, zero string) string {
		if t.IsZero() {
			return zero
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, j := range list {
		result := string(j.Result)
		if result == "" {
			result = "-"
		}
		if j.Error != "" {
			result += ": " + j.Error
		}
		next := when(j.Next, "now")
		if j.PerNode {
			next = "on each " + string(j.Role) + " node"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.Schedule, j.Role, when(j.LastStart, "never"), result, next)
	}
	return w.Flush()
}

func cmdJobRun(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	c := newCommand("job run", "job run NAME [--db DSN]", stdout)
	dsn := c.fs.String("db", store.DefaultDSN, "SQLite file path, or a postgres:// URL")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := c.parse(args, getenv); err != nil {
			return err
		}
		return usageError{"job run: name the job (liveops job list shows them)"}
	}
	name := args[0]
	if err := c.parse(args[1:], getenv); err != nil {
		return err
	}
	a, err := openApp(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.Jobs.Status(ctx)
	if err != nil {
		return err
	}
	for _, j := range list {
		if j.Name == name && j.PerNode {
			return usageError{fmt.Sprintf("job run: %s runs on each %s node by itself, for that node", name, j.Role)}
		}
	}
	start := time.Now()
	switch err := a.Jobs.RunNow(ctx, name); {
	case errors.Is(err, jobs.ErrUnknown):
		return usageError{fmt.Sprintf("job run: no job %q (liveops job list shows them)", name)}
	case errors.Is(err, jobs.ErrBusy):
		return fmt.Errorf("job run: %s is running now on another node; try again when it ends", name)
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "%s: done in %s\n", name, time.Since(start).Round(time.Millisecond))
	return nil
}

// plainError words a validation error for the command line: the flag at
// fault and the message, without an HTTP status.
func plainError(err error) error {
	if e, ok := web.AsError(err); ok {
		if e.Field != "" {
			return fmt.Errorf("%s: %s", e.Field, e.Message)
		}
		return errors.New(e.Message)
	}
	return err
}
