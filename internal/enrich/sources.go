package enrich

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

// referers.json is the Snowplow referer-parser database: medium -> source
// name -> the domains it uses. sources.txt is ours: names, categories and
// utm_source aliases that follow Plausible, plus newer domains.
var (
	//go:embed data/referers.json
	referersJSON []byte
	//go:embed data/sources.txt
	sourcesTxt string
)

// Source categories, as in GA4's default channel grouping.
const (
	catSearch   = "search"
	catSocial   = "social"
	catVideo    = "video"
	catShopping = "shopping"
	catEmail    = "email"
	catAI       = "ai"
)

type pathEntry struct{ prefix, name string }

// sources resolves referrer hosts and utm_source values to source names and
// source names to categories. All keys are lower case.
type sources struct {
	byHost   map[string]string      // host without "www." -> name
	byPath   map[string][]pathEntry // host -> path-qualified entries
	names    map[string]string      // name, alias or our host -> name
	category map[string]string      // name -> category
	paid     map[string]struct{}    // utm_source values that mean paid traffic
}

func loadSources() (*sources, error) {
	s := &sources{
		byHost:   make(map[string]string, 2200),
		byPath:   make(map[string][]pathEntry),
		names:    make(map[string]string, 512),
		category: make(map[string]string, 512),
		paid:     make(map[string]struct{}),
	}
	var db map[string]map[string]struct {
		Domains []string `json:"domains"`
	}
	if err := json.Unmarshal(referersJSON, &db); err != nil {
		return nil, fmt.Errorf("referers.json: %w", err)
	}
	mediumCat := map[string]string{"search": catSearch, "social": catSocial, "email": catEmail}
	// "unknown" first, so a domain also listed under a medium keeps that one.
	for _, medium := range []string{"unknown", "email", "social", "search"} {
		for name, e := range db[medium] {
			s.names[strings.ToLower(name)] = name
			if c := mediumCat[medium]; c != "" {
				s.category[strings.ToLower(name)] = c
			}
			for _, d := range e.Domains {
				s.addHost(d, name)
			}
		}
	}
	for n, line := range strings.Split(sourcesTxt, "\n") {
		if line = strings.TrimSpace(line); line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 4 || f[0] == "" {
			return nil, fmt.Errorf("sources.txt line %d: want name|category|hosts|aliases", n+1)
		}
		name, key := f[0], strings.ToLower(f[0])
		s.names[key] = name
		if f[1] != "" {
			s.category[key] = f[1]
		}
		for _, h := range splitList(f[2]) {
			if !strings.Contains(h, "://") { // android-app://… is only a name key
				s.addHost(h, name)
			}
			s.names[h] = name
		}
		for _, a := range splitList(f[3]) {
			if p, ok := strings.CutSuffix(a, "!"); ok {
				a = p
				s.paid[a] = struct{}{}
			}
			s.names[a] = name
		}
	}
	return s, nil
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
// ("GOOGLE" -> "Google", "ig" -> "Instagram"); other values are kept.
func (s *sources) canonical(v string) string {
	if n, ok := s.names[strings.ToLower(v)]; ok {
		return n
	}
	return v
}
