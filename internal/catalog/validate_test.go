package catalog

import (
	"strings"
	"testing"
)

func TestNormalizeHost(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ in, want, err string }{
		"plain":                {"apply.example.gov", "apply.example.gov", ""},
		"upper case":           {"Apply.EXAMPLE.gov", "apply.example.gov", ""},
		"spaces around":        {"  apply.example.gov\t", "apply.example.gov", ""},
		"https pasted":         {"https://apply.example.gov/", "apply.example.gov", ""},
		"http pasted":          {"HTTP://apply.example.gov", "apply.example.gov", ""},
		"trailing dot":         {"apply.example.gov.", "apply.example.gov", ""},
		"hyphen and digits":    {"my-app2.gov.uk", "my-app2.gov.uk", ""},
		"punycode":             {"xn--bcher-kva.example", "xn--bcher-kva.example", ""},
		"numeric inner label":  {"123.example.com", "123.example.com", ""},
		"localhost":            {"localhost", "localhost", ""},
		"63 char label":        {strings.Repeat("a", 63) + ".gov", strings.Repeat("a", 63) + ".gov", ""},
		"empty":                {"", "", hostHint},
		"only scheme":          {"https://", "", hostHint},
		"path":                 {"apply.example.gov/start", "", "without a path"},
		"scheme and path":      {"https://apply.example.gov/start/", "", "without a path"},
		"query":                {"apply.example.gov?x=1", "", "without a path"},
		"fragment":             {"apply.example.gov#top", "", "without a path"},
		"two trailing slashes": {"apply.example.gov//", "", "without a path"},
		"backslash":            {`apply.example.gov\x`, "", "without a path"},
		"port":                 {"apply.example.gov:8080", "", "without a port"},
		"ipv6":                 {"[::1]", "", "without a port"},
		"user":                 {"me@apply.example.gov", "", "without a user name"},
		"inner space":          {"apply. example.gov", "", "without spaces"},
		"two hosts":            {"a.example.gov b.example.gov", "", "without spaces"},
		"no-break space":       {"apply.example.gov\u00a0x", "", "without spaces"},
		"unicode":              {"bücher.example", "", "xn-- form"},
		"kelvin sign":          {"\u212aelvin.example", "", "xn-- form"},
		"no dot":               {"intranet", "", hostHint},
		"ipv4":                 {"192.168.0.1", "", hostHint},
		"underscore":           {"my_app.example.gov", "", hostHint},
		"leading hyphen":       {"-app.example.gov", "", hostHint},
		"trailing hyphen":      {"app-.example.gov", "", hostHint},
		"empty label":          {"app..example.gov", "", hostHint},
		"leading dot":          {".example.gov", "", hostHint},
		"64 char label":        {strings.Repeat("a", 64) + ".gov", "", hostHint},
		"too long":             {strings.Repeat("abcdefghi.", 26) + "gov", "", hostHint},
		"ftp scheme":           {"ftp://apply.example.gov", "", "without a path"},
		"wildcard":             {"*.example.gov", "", hostHint},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := NormalizeHost(tc.in)
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Fatalf("NormalizeHost(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), hostHint) {
				t.Fatalf("NormalizeHost(%q) = %q, %v; want an error with %q", tc.in, got, err, tc.err)
			}
		})
	}
}

func TestSlugify(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ in, want string }{
		"words":          {"Apply for a parking permit", "apply-for-a-parking-permit"},
		"accents":        {"Café Crème Brûlée", "cafe-creme-brulee"},
		"ligatures":      {"Straße Æsir Œuvre", "strasse-aesir-oeuvre"},
		"apostrophe":     {"Driver's licence", "drivers-licence"},
		"curly":          {"Driver’s licence", "drivers-licence"},
		"ampersand":      {"Tax & benefits", "tax-and-benefits"},
		"punctuation":    {"  --Hello,   World!!-- ", "hello-world"},
		"digits":         {"Form P60 (2024)", "form-p60-2024"},
		"non-latin":      {"日本語", "service"},
		"empty":          {"", "service"},
		"mixed script":   {"Tax 税 return", "tax-return"},
		"cut at word":    {"Apply for a licence to keep a dangerous wild animal at home", "apply-for-a-licence-to-keep-a-dangerous-wild"},
		"cut long word":  {strings.Repeat("x", 60), strings.Repeat("x", 50)},
		"polish":         {"Łódź", "lodz"},
		"romanian comma": {"Școală", "scoala"},
	} {
		t.Run(name, func(t *testing.T) {
			got := Slugify(tc.in)
			if got != tc.want {
				t.Fatalf("Slugify(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got != "service" && !ValidSlug(got) && !reservedSlug(got) {
				t.Fatalf("Slugify(%q) = %q is not a valid slug", tc.in, got)
			}
		})
	}
	if got := withSuffix(strings.Repeat("ab-", 20), 12); len(got) > MaxSlug || !ValidSlug(got) || !strings.HasSuffix(got, "-12") {
		t.Fatalf("withSuffix of a long slug = %q", got)
	}
}

func TestCheckInput(t *testing.T) {
	t.Parallel()
	ok := Input{Name: "Renew", Domains: []string{"renew.example.gov"}}
	for name, tc := range map[string]struct {
		edit  func(in *Input)
		field string // "" when valid
	}{
		"minimal":              {func(in *Input) {}, ""},
		"name missing":         {func(in *Input) { in.Name = " " }, "name"},
		"name 100":             {func(in *Input) { in.Name = strings.Repeat("é", 100) }, ""},
		"name 101":             {func(in *Input) { in.Name = strings.Repeat("é", 101) }, "name"},
		"name two lines":       {func(in *Input) { in.Name = "a\nb" }, "name"},
		"slug given":           {func(in *Input) { in.Slug = "renew-2024" }, ""},
		"slug upper":           {func(in *Input) { in.Slug = "Renew" }, "slug"},
		"slug double hyphen":   {func(in *Input) { in.Slug = "re--new" }, "slug"},
		"slug leading hyphen":  {func(in *Input) { in.Slug = "-renew" }, "slug"},
		"slug trailing hyphen": {func(in *Input) { in.Slug = "renew-" }, "slug"},
		"slug underscore":      {func(in *Input) { in.Slug = "re_new" }, "slug"},
		"slug accent":          {func(in *Input) { in.Slug = "café" }, "slug"},
		"slug 50":              {func(in *Input) { in.Slug = strings.Repeat("a", 50) }, ""},
		"slug 51":              {func(in *Input) { in.Slug = strings.Repeat("a", 51) }, "slug"},
		"slug reserved new":    {func(in *Input) { in.Slug = "new" }, "slug"},
		"slug reserved arch":   {func(in *Input) { in.Slug = "archived" }, "slug"},
		"no domains":           {func(in *Input) { in.Domains = nil }, "domains"},
		"blank domains":        {func(in *Input) { in.Domains = []string{" ", ""} }, "domains"},
		"bad domain":           {func(in *Input) { in.Domains = []string{"ok.gov", "apply.example.gov:443"} }, "domains"},
		"20 domains":           {func(in *Input) { in.Domains = hosts(20) }, ""},
		"21 domains":           {func(in *Input) { in.Domains = hosts(21) }, "domains"},
		"21 with repeats":      {func(in *Input) { in.Domains = append(hosts(20), "h0.example.gov") }, ""},
		"description 2000":     {func(in *Input) { in.Description = strings.Repeat("x", 2000) }, ""},
		"description 2001":     {func(in *Input) { in.Description = strings.Repeat("x", 2001) }, "description"},
		"description lines":    {func(in *Input) { in.Description = "a\nb" }, ""},
		"owner 201":            {func(in *Input) { in.Owner = strings.Repeat("x", 201) }, "owner"},
		"owner tab":            {func(in *Input) { in.Owner = "a\tb" }, "owner"},
		"zone london":          {func(in *Input) { in.Timezone = "Europe/London" }, ""},
		"zone etc":             {func(in *Input) { in.Timezone = "Etc/GMT+5" }, ""},
		"zone three parts":     {func(in *Input) { in.Timezone = "America/Argentina/Buenos_Aires" }, ""},
		"zone local":           {func(in *Input) { in.Timezone = "Local" }, "timezone"},
		"zone unknown":         {func(in *Input) { in.Timezone = "Mars/Olympus_Mons" }, "timezone"},
		"zone lower case":      {func(in *Input) { in.Timezone = "europe/london" }, "timezone"},
		"zone path":            {func(in *Input) { in.Timezone = "../../etc/passwd" }, "timezone"},
		"zone absolute":        {func(in *Input) { in.Timezone = "/etc/localtime" }, "timezone"},
		"zone offset":          {func(in *Input) { in.Timezone = "+01:00" }, "timezone"},
		"phase beta":           {func(in *Input) { in.Phase = PhaseBeta }, ""},
		"phase retiring":       {func(in *Input) { in.Phase = PhaseRetiring }, ""},
		"phase alpha":          {func(in *Input) { in.Phase = "alpha" }, "phase"},
		"phase upper":          {func(in *Input) { in.Phase = "LIVE" }, "phase"},
	} {
		t.Run(name, func(t *testing.T) {
			in := ok
			tc.edit(&in)
			_, errs := checkInput(in, nil)
			switch {
			case tc.field == "" && len(errs) > 0:
				t.Fatalf("errors %+v, want none", errs)
			case tc.field != "" && (len(errs) != 1 || errs[0].Field != tc.field || errs[0].Message == ""):
				t.Fatalf("errors %+v, want one on %q", errs, tc.field)
			}
		})
	}
}

func TestCheckInputNormalises(t *testing.T) {
	t.Parallel()
	out, errs := checkInput(Input{
		Name: "  Renew ", Domains: []string{"B.example.gov", "", "https://a.example.gov/", "b.example.gov"},
		Description: " d ", Owner: " o ", Timezone: " ", Phase: " ",
	}, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if out.Name != "Renew" || strings.Join(out.Domains, ",") != "b.example.gov,a.example.gov" || out.Description != "d" ||
		out.Owner != "o" || out.Timezone != "UTC" || out.Phase != PhaseLive {
		t.Fatalf("normalised = %+v", out)
	}
	_, errs = checkInput(Input{Domains: []string{"x"}, Timezone: "Nowhere", Phase: "gamma", Slug: "A"}, nil)
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	if got := strings.Join(fields, ","); got != "name,slug,domains,timezone,phase" {
		t.Fatalf("error order = %s, want the form's order", got)
	}
	if msg := errs.For("domains"); msg != "“x” is not a hostname: enter a hostname such as apply.example.gov" {
		t.Fatalf("domains message = %q", msg)
	}
}

func hosts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "h" + strings.Repeat("x", i) + "0.example.gov"
	}
	return out
}

// FuzzNormalizeHost checks that any input gives an error or a valid
// lowercase hostname that normalises to itself.
func FuzzNormalizeHost(f *testing.F) {
	for _, s := range []string{"apply.example.gov", "https://A.B/", "a.b:80", "1.2.3.4", "xn--d.e.", " a b ", "\u212a.gov", "http://", "localhost"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := NormalizeHost(s)
		if err != nil {
			if h != "" || !strings.Contains(err.Error(), hostHint) {
				t.Fatalf("NormalizeHost(%q) = %q, %v", s, h, err)
			}
			return
		}
		if !validHost(h) || h != strings.ToLower(h) || strings.ContainsAny(h, "/: ") {
			t.Fatalf("NormalizeHost(%q) = %q: not a valid lowercase host", s, h)
		}
		if again, err := NormalizeHost(h); err != nil || again != h {
			t.Fatalf("NormalizeHost(%q) = %q, %v; not idempotent", h, again, err)
		}
	})
}
