package feedback

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/web"
)

// filterForm is the inbox's filters as the query string gives them: the
// filter form shows them, and links (paging, export, themes) carry them.
type filterForm struct {
	Kind, Status, Channel, Rating, Tag, URL, Page, Q, Theme, From, To, Held string
	// Votes is "all" to list "useful: yes" votes without a comment, which
	// the inbox leaves out by default.
	Votes string
	// Assignee is "me", "none" or a user's id.
	Assignee string
	// Sort is one of Sorts, "" for the newest first.
	Sort string
}

// filterKeys are the query parameters of the filters, in the form's order.
var filterKeys = []string{"kind", "status", "rating", "channel", "tag", "url", "page_path", "q", "theme", "from", "to", "held", "votes", "assignee", "sort"}

func readFilterForm(q url.Values) filterForm {
	g := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	return filterForm{Kind: g("kind"), Status: g("status"), Channel: g("channel"), Rating: g("rating"), Tag: g("tag"),
		URL: g("url"), Page: g("page_path"), Q: g("q"), Theme: g("theme"), From: g("from"), To: g("to"), Held: g("held"), Votes: g("votes"),
		Assignee: g("assignee"), Sort: g("sort")}
}

// Values are the filters that are set, as a query.
func (ff filterForm) Values() url.Values {
	v := url.Values{}
	for i, s := range []string{ff.Kind, ff.Status, ff.Rating, ff.Channel, ff.Tag, ff.URL, ff.Page, ff.Q, ff.Theme, ff.From, ff.To, ff.Held, ff.Votes,
		ff.Assignee, ff.Sort} {
		if s != "" {
			v.Set(filterKeys[i], s)
		}
	}
	return v
}

// Query is Values encoded, "" when no filter is set.
func (ff filterForm) Query() string { return ff.Values().Encode() }

// Any reports whether a filter is set (listing bare votes too, or another
// order, is not one).
func (ff filterForm) Any() bool {
	v := ff.Values()
	v.Del("votes")
	v.Del("sort")
	return len(v) > 0
}

// maxFilterLen bounds the text filters.
const maxFilterLen = 200

// parseFilter reads the inbox's filters from a query. Dates are whole days
// in loc, both included; me is the user asking, for "assignee=me" (0 when
// it is no user). Every problem is reported against its parameter.
func parseFilter(q url.Values, loc *time.Location, me int64) (Filter, filterForm, web.FormErrors) {
	ff := readFilterForm(q)
	var flt Filter
	var errs web.FormErrors
	if ff.Kind != "" {
		if flt.Kind = Kind(ff.Kind); !validKind(flt.Kind) {
			errs.Add("kind", "kind must be useful, problem, satisfaction or comment")
		}
	}
	if ff.Status != "" {
		if flt.Status = Status(ff.Status); !validStatus(flt.Status) {
			errs.Add("status", "status must be new, triaged, actioned or no_action")
		}
	}
	if ff.Rating != "" {
		r, err := strconv.Atoi(ff.Rating)
		if err != nil || r < 1 || r > 5 {
			errs.Add("rating", "rating must be a whole number from 1 to 5")
		}
		flt.Rating = r
	}
	switch ff.Assignee {
	case "":
	case "none":
		flt.Unassigned = true
	case "me":
		if flt.Assignee = me; me == 0 {
			errs.Add("assignee", "assignee=me needs a person signed in: give the user’s id")
		}
	default:
		id, err := strconv.ParseInt(ff.Assignee, 10, 64)
		if err != nil || id < 1 {
			errs.Add("assignee", "assignee must be me, none or the id of a user")
		}
		flt.Assignee = id
	}
	if flt.Sort = Sort(ff.Sort); ff.Sort != "" && !slices.Contains(Sorts, flt.Sort) {
		errs.Add("sort", "sort must be newest, oldest, rating or status")
	}
	if ff.Votes != "" && ff.Votes != "all" {
		errs.Add("votes", "votes must be all, to list “useful: yes” votes without a comment too")
	}
	switch ff.Held {
	case "", "any":
	case "yes":
		flt.HeldOnly = true
	default:
		errs.Add("held", "held must be yes, for only the items held back from the figures")
	}
	if ff.Channel != "" {
		if flt.Channel = Channel(ff.Channel); !validChannel(flt.Channel) {
			errs.Add("channel", "channel must be web, phone, email, in_person, partner, social_media or other")
		}
	}
	if ff.Tag != "" {
		tag, msg := cleanTag(ff.Tag)
		if msg != "" {
			errs.Add("tag", "tag: "+msg)
		}
		flt.Tag = tag
	}
	for _, t := range []struct{ key, v string }{{"url", ff.URL}, {"page_path", ff.Page}, {"q", ff.Q}, {"theme", ff.Theme}} {
		if utf8.RuneCountInString(t.v) > maxFilterLen {
			errs.Add(t.key, fmt.Sprintf("%s must be %d characters or fewer", t.key, maxFilterLen))
		}
	}
	flt.URL, flt.Page = ff.URL, ff.Page
	if flt.Text = ff.Q; ff.Q != "" && textNeedle(ff.Q) == "" {
		errs.Add("q", "q has no words to search for: give letters or digits")
	}
	if flt.Theme = ff.Theme; ff.Theme != "" && themeNeedle(ff.Theme) == "" {
		errs.Add("theme", "theme must be a word or two-word phrase")
	}
	var first, last time.Time
	var ok1, ok2 bool
	if ff.From != "" {
		if first, ok1 = parseDay(ff.From, loc); !ok1 {
			errs.Add("from", "from must be a date such as 2026-01-31")
		}
		flt.From = first
	}
	if ff.To != "" {
		if last, ok2 = parseDay(ff.To, loc); !ok2 {
			errs.Add("to", "to must be a date such as 2026-01-31")
		}
		flt.To = nextDay(last, loc)
	}
	if ok1 && ok2 && last.Before(first) {
		errs.Add("to", "to must be the same as or after from")
	}
	return flt, ff, errs
}

// parseDay reads a YYYY-MM-DD date as the start of that day in loc.
func parseDay(s string, loc *time.Location) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 2000 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc), true
}

// nextDay is the start of the day after day, in loc.
func nextDay(day time.Time, loc *time.Location) time.Time {
	y, m, d := day.In(loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

// pageNumber reads ?page, 1 when absent.
func pageNumber(q url.Values) (int, error) {
	v := q.Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, fault.Invalidf("page", "page must be a whole number from 1")
	}
	return n, nil
}
