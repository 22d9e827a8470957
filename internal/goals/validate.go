package goals

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/web"
)

// GoalInput is a new goal as a user describes it, with the field names of
// Plausible's goals API. GoalType may be left out when exactly one of
// PagePath and EventName is given; the field of the other kind is ignored.
// An empty DisplayName takes Plausible's default: "Visit " and the path,
// or the event name.
type GoalInput struct {
	GoalType    Kind   `json:"goal_type"`
	PagePath    string `json:"page_path"`
	EventName   string `json:"event_name"`
	DisplayName string `json:"display_name"`
}

// FunnelInput is a new funnel: its name and its steps as goal ids, in order.
type FunnelInput struct {
	Name  string  `json:"name"`
	Steps []int64 `json:"steps"`
}

// normalize checks a goal and returns it as it will be stored, or the
// problems found, by field. It follows Plausible's Goal.changeset: values
// are trimmed, a path gets a leading slash when it has none, the display
// name defaults to "Visit /path" or the event name.
func (in GoalInput) normalize() (Goal, web.FormErrors) {
	var errs web.FormErrors
	kind := in.GoalType
	path, event := strings.TrimSpace(in.PagePath), strings.TrimSpace(in.EventName)
	if kind == "" {
		switch {
		case path != "" && event == "":
			kind = KindPage
		case event != "" && path == "":
			kind = KindEvent
		}
	}
	g := Goal{Kind: kind}
	switch kind {
	case KindPage:
		g.PagePath = path
		if msg := checkPath(&g.PagePath); msg != "" {
			errs.Add("page_path", msg)
		}
		g.DisplayName = "Visit " + g.PagePath
	case KindEvent:
		g.EventName = event
		if msg := checkEventName(event); msg != "" {
			errs.Add("event_name", msg)
		}
		g.DisplayName = event
	default:
		if in.GoalType == "" {
			errs.Add("goal_type", "Choose whether the goal is a page visit or a custom event")
		} else {
			errs.Add("goal_type", fmt.Sprintf("The goal type must be page or event, not “%s”", clip(string(in.GoalType))))
		}
	}
	if name := strings.TrimSpace(in.DisplayName); name != "" {
		g.DisplayName = name
		switch {
		case !printable(name):
			errs.Add("display_name", "The display name must not contain control characters")
		case utf8.RuneCountInString(name) > maxDisplayNameLen:
			errs.Add("display_name", fmt.Sprintf("The display name must be %d characters or fewer", maxDisplayNameLen))
		}
	}
	return g, errs
}

// checkPath validates a page-view goal's path pattern, adding the leading
// slash Plausible adds, and returns what is wrong, or "".
func checkPath(p *string) string {
	path := *p
	switch {
	case path == "":
		return "Enter the path of the page, such as /apply/confirmation, or a pattern such as /apply/**"
	case strings.Contains(path, "://"):
		return "Enter only the path of the page, such as /apply/confirmation, without https:// and the hostname"
	case !printable(path):
		return "The path must not contain control characters"
	case strings.ContainsRune(path, '?'):
		return "Leave out the query string (from the ?): goals match the path of the page only"
	case len(path) > maxPathLen:
		return fmt.Sprintf("The path must be %d characters or fewer", maxPathLen)
	}
	if path[0] != '/' {
		*p = "/" + path
	}
	return ""
}

// checkEventName validates a custom event name and returns what is wrong,
// or "".
func checkEventName(name string) string {
	switch {
	case name == "":
		return "Enter the name of the custom event, such as Signup"
	case name == pageviewName:
		return "“pageview” is the name of page views: add a page visit goal instead"
	case name == engagementName:
		// Plausible reserves its own engagement event ("pageleave") alike.
		return "“engagement” is reserved for time on page and scroll depth, and cannot be a goal"
	case !printable(name):
		return "The event name must not contain control characters"
	case utf8.RuneCountInString(name) > maxEventNameLen:
		return fmt.Sprintf("The event name must be %d characters or fewer", maxEventNameLen)
	}
	return ""
}

// normalize checks a funnel's name and the shape of its steps (the
// goals themselves are checked against the store). Steps problems name
// "steps" for the list and "steps-N" for the Nth step.
func (in FunnelInput) normalize() (string, web.FormErrors) {
	var errs web.FormErrors
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		errs.Add("name", "Enter a name for the funnel, such as Apply for a permit")
	case !printable(name):
		errs.Add("name", "The name must not contain control characters")
	case utf8.RuneCountInString(name) > maxNameLen:
		errs.Add("name", fmt.Sprintf("The name must be %d characters or fewer", maxNameLen))
	}
	switch n := len(in.Steps); {
	case n < MinSteps:
		errs.Add("steps", fmt.Sprintf("Choose at least %d goals as steps: a funnel has %d to %d", MinSteps, MinSteps, MaxSteps))
	case n > MaxSteps:
		errs.Add("steps", fmt.Sprintf("Choose at most %d goals as steps: a funnel has %d to %d", MaxSteps, MinSteps, MaxSteps))
	}
	seen := map[int64]int{}
	for i, id := range in.Steps {
		if first, ok := seen[id]; ok {
			errs.Add(fmt.Sprintf("steps-%d", i+1), fmt.Sprintf("Step %d repeats step %d: each step must be a different goal", i+1, first))
			continue
		}
		seen[id] = i + 1
	}
	return name, errs
}

// printable reports whether s has no control characters (and is valid
// UTF-8 without NUL, so both engines can store it).
func printable(s string) bool {
	return web.ValidText(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// clip shortens a value quoted back in a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}
