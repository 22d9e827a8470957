package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/web"
)

// Limits on what a service holds.
const (
	MaxName        = 100
	MaxDescription = 2000
	MaxOwner       = 200
	MaxDomains     = 20
)

// tzPattern is the shape of an IANA zone name; it also keeps file paths
// away from time.LoadLocation.
var tzPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$`)

// checkInput validates in and returns it normalised: trimmed, hostnames
// lowercased without repeats, defaults filled in. The field ids of its
// errors are the form and JSON field names, in the form's order. cur is
// the service being changed, or nil for a new one; its slug may not change.
// An empty slug on a new service is left for the store to derive, since
// only the store can see which slugs are taken.
func checkInput(in Input, cur *Service) (Input, web.FormErrors) {
	var errs web.FormErrors

	in.Name = strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs.Add("name", "Enter a name for the service")
	case n > MaxName:
		errs.Add("name", fmt.Sprintf("Name must be %d characters or fewer", MaxName))
	case strings.ContainsFunc(in.Name, unicode.IsControl):
		errs.Add("name", "Name must be on one line")
	}

	in.Slug = strings.TrimSpace(in.Slug)
	switch {
	case cur != nil && in.Slug != cur.Slug:
		errs.Add("slug", fmt.Sprintf("The slug cannot be changed: it stays %s, as it is part of the service’s addresses", cur.Slug))
	case cur != nil || in.Slug == "":
	case len(in.Slug) > MaxSlug:
		errs.Add("slug", fmt.Sprintf("Slug must be %d characters or fewer", MaxSlug))
	case reservedSlug(in.Slug):
		errs.Add("slug", fmt.Sprintf("%s is a reserved word: choose another slug", quote(in.Slug)))
	case !slugPattern.MatchString(in.Slug):
		errs.Add("slug", "Slug must be lowercase letters a to z, digits and single hyphens between them, like apply-for-a-permit")
	}

	hosts, err := normalizeHosts(in.Domains)
	switch {
	case err != nil:
		errs.Add("domains", upperFirst(err.Error()))
	case len(hosts) == 0:
		errs.Add("domains", "Enter at least one hostname the service is served on, such as apply.example.gov")
	case len(hosts) > MaxDomains:
		errs.Add("domains", fmt.Sprintf("Enter at most %d hostnames", MaxDomains))
	}
	in.Domains = hosts

	in.Description = strings.TrimSpace(in.Description)
	if utf8.RuneCountInString(in.Description) > MaxDescription {
		errs.Add("description", fmt.Sprintf("Description must be %d characters or fewer", MaxDescription))
	}
	in.Owner = strings.TrimSpace(in.Owner)
	switch {
	case utf8.RuneCountInString(in.Owner) > MaxOwner:
		errs.Add("owner", fmt.Sprintf("Owner must be %d characters or fewer", MaxOwner))
	case strings.ContainsFunc(in.Owner, unicode.IsControl):
		errs.Add("owner", "Owner must be on one line")
	}

	in.Timezone = strings.TrimSpace(in.Timezone)
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	if !validTimezone(in.Timezone) {
		errs.Add("timezone", fmt.Sprintf("%s is not a time zone: enter a name from the IANA time zone database, such as Europe/London or UTC", quote(in.Timezone)))
	}

	in.Phase = Phase(strings.TrimSpace(string(in.Phase)))
	switch in.Phase {
	case "":
		in.Phase = PhaseLive
	case PhaseBeta, PhaseLive, PhaseRetiring:
	default:
		errs.Add("phase", "Phase must be beta, live or retiring")
	}
	return in, errs
}

// validTimezone reports whether name is an IANA zone this binary can load.
// "Local" is refused: it means the server's zone, which changes with the host.
func validTimezone(name string) bool {
	if name == "Local" || len(name) > 64 || !tzPattern.MatchString(name) {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// patched is cur with p applied, as an Input to validate again as a whole.
func patched(cur *Service, p Patch) Input {
	in := Input{
		Name: cur.Name, Slug: cur.Slug, Domains: cur.Domains, Description: cur.Description,
		Owner: cur.Owner, Timezone: cur.Timezone, Phase: cur.Phase, Public: cur.Public,
	}
	set(&in.Name, p.Name)
	set(&in.Slug, p.Slug)
	set(&in.Domains, p.Domains)
	set(&in.Description, p.Description)
	set(&in.Owner, p.Owner)
	set(&in.Timezone, p.Timezone)
	set(&in.Phase, p.Phase)
	set(&in.Public, p.Public)
	return in
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
