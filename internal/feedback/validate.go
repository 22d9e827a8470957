package feedback

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/scrub"
	"github.com/liveops/liveops/internal/web"
)

// Input is one piece of feedback as it arrives, before it is checked and
// scrubbed. Useful and Rating are text, as forms send them: useful is "yes"
// or "no" (true and false are taken too), rating "1" to "5"; "" means not
// given. Channel and GivenBy are for staff-entered feedback only: public
// submissions are always the web channel.
type Input struct {
	Kind    string
	URL     string
	Useful  string
	Rating  string
	Comment string
	Doing   string
	Wrong   string
	Channel string
	GivenBy string
	// held marks a public submission that came in a burst: it is stored
	// flagged, and left out of the figures until a person counts it.
	held bool
}

// entry is an Input checked, not yet scrubbed.
type entry struct {
	Kind    Kind
	URL     string // without query string and fragment
	Page    string
	Useful  *bool
	Rating  *int
	Comment string
	Doing   string
	Wrong   string
	Channel Channel
	GivenBy string
	Held    bool
}

// check validates in and returns it cleaned up, or every problem found, by
// field, in the order of the forms. Staff input must name a staff channel;
// public input is always the web channel. No message repeats what was sent:
// it may hold personal data that has not been scrubbed yet.
func (in Input) check(staff bool) (entry, web.FormErrors) {
	var errs web.FormErrors
	e := entry{Channel: ChannelWeb, Held: in.held}
	switch k := Kind(strings.TrimSpace(in.Kind)); {
	case k == "":
		errs.Add("kind", "Choose the kind of feedback: kind must be useful, problem, satisfaction or comment")
	case !validKind(k):
		errs.Add("kind", "kind must be useful, problem, satisfaction or comment")
	default:
		e.Kind = k
	}
	if staff {
		switch c := Channel(strings.TrimSpace(in.Channel)); {
		case c == "":
			errs.Add("channel", "Choose how the feedback reached you: channel must be phone, email, in_person, partner, social_media or other")
		case c == ChannelWeb || !validChannel(c):
			errs.Add("channel", "channel must be phone, email, in_person, partner, social_media or other")
		default:
			e.Channel = c
		}
		// A role from the list, never free text: a name typed here could not
		// be scrubbed.
		if g := Role(strings.TrimSpace(in.GivenBy)); g != "" && !validRole(g) {
			errs.Add("given_by", "given_by must be one of "+roleList()+": a role, never a name")
		} else {
			e.GivenBy = string(g)
		}
	}
	var msg string
	if e.URL, e.Page, msg = checkURL(in.URL); msg != "" {
		errs.Add("url", msg)
	}
	switch v := strings.ToLower(strings.TrimSpace(in.Useful)); v {
	case "":
		if e.Kind == KindUseful {
			errs.Add("useful", "Answer “Is this page useful?”: useful must be yes or no")
		}
	case "yes", "true":
		e.Useful = ptr(true)
	case "no", "false":
		e.Useful = ptr(false)
	default:
		errs.Add("useful", "useful must be yes or no")
	}
	if v := strings.TrimSpace(in.Rating); v == "" {
		if e.Kind == KindSatisfaction {
			errs.Add("rating", "Choose how you felt about the service: rating must be 1 (very dissatisfied) to 5 (very satisfied)")
		}
	} else if r, err := strconv.Atoi(v); err != nil || r < 1 || r > 5 {
		errs.Add("rating", "rating must be a whole number from 1 (very dissatisfied) to 5 (very satisfied)")
	} else {
		e.Rating = &r
	}
	e.Comment = checkText(&errs, "comment", in.Comment)
	e.Doing = checkText(&errs, "doing", in.Doing)
	e.Wrong = checkText(&errs, "wrong", in.Wrong)
	switch e.Kind {
	case KindProblem:
		if e.Doing == "" && e.Wrong == "" && errs.For("doing") == "" && errs.For("wrong") == "" {
			errs.Add("doing", "Tell us what you were doing or what went wrong: a problem report needs doing or wrong")
		}
	case KindComment:
		if e.Comment == "" && errs.For("comment") == "" {
			errs.Add("comment", "Enter your comment: comment is missing")
		}
	}
	if e.Kind != "" && e.Kind != KindProblem {
		if e.Doing != "" && errs.For("doing") == "" {
			errs.Add("doing", "doing (What were you doing?) is only for problem reports")
		}
		if e.Wrong != "" && errs.For("wrong") == "" {
			errs.Add("wrong", "wrong (What went wrong?) is only for problem reports")
		}
	}
	// A rating or a yes/no on another kind would be counted by the inbox's
	// filters and not by the summaries: each belongs to its own question.
	if e.Kind != "" && e.Kind != KindSatisfaction && e.Rating != nil {
		errs.Add("rating", "rating is only for satisfaction survey answers")
	}
	if e.Kind != "" && e.Kind != KindUseful && e.Useful != nil {
		errs.Add("useful", "useful is only for answers to “Is this page useful?”")
	}
	return e, errs
}

// checkText trims a free text and checks it can be stored and is at most
// MaxTextLen characters.
func checkText(errs *web.FormErrors, field, v string) string {
	// Forms send line breaks as CRLF, which a browser's maxlength counts
	// as one character: so does the limit here.
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	switch n := utf8.RuneCountInString(v); {
	case !web.ValidText(v):
		errs.Add(field, field+" contains characters that cannot be stored")
	case n > MaxTextLen:
		errs.Add(field, fmt.Sprintf("%s must be %s characters or fewer; it has %s", field, thousands(MaxTextLen), thousands(n)))
	}
	return v
}

// checkURL takes the page's address, absolute (http or https) or a path,
// and returns it without query string and fragment, with its path. An
// address that is neither gives a message.
func checkURL(raw string) (clean, path, msg string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "", ""
	}
	if !web.ValidText(raw) || strings.ContainsFunc(raw, unicode.IsControl) {
		return "", "", "url contains characters that cannot be stored"
	}
	if utf8.RuneCountInString(raw) > MaxURLLen {
		return "", "", fmt.Sprintf("url must be %s characters or fewer", thousands(MaxURLLen))
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
		u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment, u.User = "", false, "", "", nil
		u.Host = strings.ToLower(u.Host)
		if u.Path == "" {
			u.Path = "/"
		}
		return u.String(), u.Path, ""
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(raw, "//"):
		u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
		return u.String(), u.Path, ""
	}
	return "", "", "url must be the page’s address, starting with https:// or /"
}

func validKind(k Kind) bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

func validChannel(c Channel) bool {
	for _, v := range Channels {
		if v == c {
			return true
		}
	}
	return false
}

func validStatus(s Status) bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// cleanTag makes a tag's stored form: trimmed, lowercase, inner spaces
// collapsed. It returns a message when the tag cannot be one: tags are
// words for the team's own grouping, letters, digits, spaces and hyphens.
func cleanTag(t string) (string, string) {
	t = strings.Join(strings.Fields(strings.ToLower(t)), " ")
	switch {
	case t == "":
		return "", "Enter a tag"
	case !web.ValidText(t) || strings.ContainsFunc(t, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != ' ' && r != '-' && r != '_'
	}):
		return "", "A tag may hold only letters, digits, spaces, hyphens and underscores"
	case utf8.RuneCountInString(t) > MaxTagLen:
		return "", fmt.Sprintf("A tag must be %d characters or fewer", MaxTagLen)
	case scrub.Default().String(t) != t:
		// Tags are shown everywhere and never scrubbed: refuse, rather
		// than store a tag that is a phone number or a postcode.
		return "", "A tag may not hold personal data such as a phone number, a card number or a postcode"
	}
	return t, ""
}

// cleanTags cleans each tag, dropping repeats, and reports the first problem.
func cleanTags(field string, tags []string) ([]string, web.FormErrors) {
	var errs web.FormErrors
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		c, msg := cleanTag(t)
		if msg != "" {
			errs.Add(field, msg)
			return nil, errs
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	if len(out) > MaxTags {
		errs.Add(field, fmt.Sprintf("An item may have at most %d tags", MaxTags))
	}
	return out, errs
}

// splitTags reads a comma-separated list of tags, as forms send them.
func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if strings.TrimSpace(t) != "" {
			out = append(out, t)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// thousands writes n with commas: 2,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func roleList() string {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
