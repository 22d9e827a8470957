package enrich

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

// referers.json is the Snowplow referer-parser database: medium -> source
// name -> the domains it uses. sources.txt is ours: names, hosts and
// utm_source aliases that follow Plausible. ga4-source-categories.csv is
// Google's list of source categories, which Plausible's channels use, and
// source-categories.txt holds Plausible's additions to it.
var (
	//go:embed data/referers.json
	referersJSON []byte
	//go:embed data/sources.txt
	sourcesTxt string
	//go:embed data/ga4-source-categories.csv
	ga4CategoriesCSV string
	//go:embed data/source-categories.txt
	extraCategoriesTxt string
)

// Source categories, as in GA4's default channel grouping, plus Plausible's
// AI assistants.
const (
	catSearch   = "search"
	catSocial   = "social"
	catVideo    = "video"
	catShopping = "shopping"
	catEmail    = "email"
	catAI       = "ai"
)

// categoryNames maps the category names of the GA4 list to ours.
var categoryNames = map[string]string{
	"SOURCE_CATEGORY_SEARCH":        catSearch,
	"SOURCE_CATEGORY_SOCIAL":        catSocial,
	"SOURCE_CATEGORY_VIDEO":         catVideo,
	"SOURCE_CATEGORY_SHOPPING":      catShopping,
	"SOURCE_CATEGORY_EMAIL":         catEmail,
	"SOURCE_CATEGORY_AI_ASSISTANTS": catAI,
}

type pathEntry struct{ prefix, name string }

// sources resolves referrer hosts and utm_source values to source names and
// source names to categories.
type sources struct {
	byHost   map[string]string      // host without "www." -> name
	byPath   map[string][]pathEntry // host -> path-qualified entries
	names    map[string]string      // lower-case name, alias or our host -> name
	category map[string]string      // source as the category lists spell it -> category
	paid     map[string]struct{}    // lower-case utm_source values that mean paid traffic
}

func loadSources() (*sources, error) {
	s := &sources{
		byHost:   make(map[string]string, 2200),
		byPath:   make(map[string][]pathEntry),
		names:    make(map[string]string, 512),
		category: make(map[string]string, 900),
		paid:     make(map[string]struct{}),
	}
	var db map[string]map[string]struct {
		Domains []string `json:"domains"`
	}
	if err := json.Unmarshal(referersJSON, &db); err != nil {
		return nil, fmt.Errorf("referers.json: %w", err)
	}
	// "unknown" first, so a domain also listed under a medium keeps that one.
	for _, medium := range []string{"unknown", "paid", "email", "social", "search"} {
		for name, e := range db[medium] {
			s.names[strings.ToLower(name)] = name
			for _, d := range e.Domains {
				s.addHost(d, name)
			}
		}
	}
	if err := s.loadNames(sourcesTxt); err != nil {
		return nil, fmt.Errorf("sources.txt %w", err)
	}
	// Ours first, so that the GA4 list wins where both name a source, as in
	// Plausible.
	if err := s.loadCategories(extraCategoriesTxt); err != nil {
		return nil, fmt.Errorf("source-categories.txt %w", err)
	}
	if err := s.loadCategories(ga4CategoriesCSV); err != nil {
		return nil, fmt.Errorf("ga4-source-categories.csv %w", err)
	}
	return s, nil
}

// loadNames reads sources.txt: name|hosts|aliases a line.
func (s *sources) loadNames(txt string) error {
	for n, line := range strings.Split(txt, "\n") {
		if line = strings.TrimSpace(line); line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 3 || f[0] == "" {
			return fmt.Errorf("line %d: want name|hosts|aliases", n+1)
		}
		name := f[0]
		s.names[strings.ToLower(name)] = name
		for _, h := range splitList(f[1]) {
			if !strings.Contains(h, "://") { // android-app://… is only a name key
				s.addHost(h, name)
			}
			s.names[h] = name
		}
		for _, a := range splitList(f[2]) {
			if p, ok := strings.CutSuffix(a, "!"); ok {
				a = p
				s.paid[a] = struct{}{}
			}
			s.names[a] = name
		}
	}
	return nil
}

// loadCategories reads "source,category" lines. Keys are kept as written:
// like Plausible, sources are looked up in lower case, so the few mixed-case
// keys of the GA4 list ("Google Shopping") never match.
func (s *sources) loadCategories(txt string) error {
	for n, line := range strings.Split(txt, "\n") {
		if line = strings.TrimSpace(line); line == "" || line[0] == '#' || line == "source,source category" {
			continue
		}
		src, cat, ok := strings.Cut(line, ",")
		c, known := categoryNames[cat]
		if !ok || !known || src == "" {
			return fmt.Errorf("line %d: want source,SOURCE_CATEGORY_…", n+1)
		}
		s.category[src] = c
	}
	return nil
}

func splitList(f string) []string {
	var out []string
	for _, v := range strings.Split(f, ",") {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (s *sources) addHost(d, name string) {
	d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "www.")
	host, path, ok := strings.Cut(d, "/")
	if ok && strings.Trim(path, "/") != "" {
		s.byPath[host] = append(s.byPath[host], pathEntry{"/" + strings.TrimSuffix(path, "/"), name})
		return
	}
	s.byHost[host] = name
}

// byReferrer finds the source of a referrer host (lower case, without "www.")
// and path, trying the host and then each parent domain.
func (s *sources) byReferrer(host, path string) (string, bool) {
	for h := host; h != ""; {
		for _, p := range s.byPath[h] {
			if strings.HasPrefix(path, p.prefix) {
				return p.name, true
			}
		}
		if n, ok := s.byHost[h]; ok {
			return n, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	return "", false
}

// canonical maps a source name, alias or known host to its name in any case
// ("GOOGLE" -> "Google", "ig" -> "Instagram", "Twitter" -> "X (Twitter)");
// other values are kept.
func (s *sources) canonical(v string) string {
	if n, ok := s.names[strings.ToLower(v)]; ok {
		return n
	}
	return v
}
