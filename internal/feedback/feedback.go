// Package feedback is what a service's users and partners tell it, and the
// inbox where the team turns that into work: "Is this page useful?",
// "Report a problem with this page", the end-of-service satisfaction survey,
// free comments, and feedback that staff enter for callers, correspondents
// and partner organisations.
//
// Nothing personal is stored: every free text is scrubbed (internal/scrub,
// with the service's own patterns) before it is written, logged or echoed
// back; URLs lose their query strings; the rate limit and duplicate check
// key on the analytics visitor hash, never an address. Each item keeps the
// normalised form of its text (internal/themes) so that the inbox can
// filter by text and by theme in the database.
package feedback

import (
	"context"
	"sync"
	"time"

	"github.com/liveops/liveops/internal/scrub"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Kind is what sort of feedback an item is.
type Kind string

// The kinds of feedback.
const (
	KindUseful       Kind = "useful"       // Is this page useful? yes or no, and how to improve it
	KindProblem      Kind = "problem"      // Report a problem: what were you doing, what went wrong
	KindSatisfaction Kind = "satisfaction" // the end-of-service survey: a rating of 1 to 5
	KindComment      Kind = "comment"      // free text
)

// Kinds lists the kinds in the order forms offer them.
var Kinds = []Kind{KindUseful, KindProblem, KindSatisfaction, KindComment}

// Label is the kind as pages show it.
func (k Kind) Label() string {
	switch k {
	case KindUseful:
		return "Is this page useful?"
	case KindProblem:
		return "Problem report"
	case KindSatisfaction:
		return "Satisfaction survey"
	}
	return "Comment"
}

// Channel is how the feedback reached the service.
type Channel string

// The channels: web for the public forms and survey, the others for
// feedback that staff enter.
const (
	ChannelWeb         Channel = "web"
	ChannelPhone       Channel = "phone"
	ChannelEmail       Channel = "email"
	ChannelInPerson    Channel = "in_person"
	ChannelPartner     Channel = "partner"
	ChannelSocialMedia Channel = "social_media"
	ChannelOther       Channel = "other"
)

// Channels lists every channel; StaffChannels those staff may enter.
var (
	Channels      = []Channel{ChannelWeb, ChannelPhone, ChannelEmail, ChannelInPerson, ChannelPartner, ChannelSocialMedia, ChannelOther}
	StaffChannels = Channels[1:]
)

// Label is the channel as pages show it.
func (c Channel) Label() string {
	switch c {
	case ChannelWeb:
		return "Website"
	case ChannelPhone:
		return "Phone"
	case ChannelEmail:
		return "Email"
	case ChannelInPerson:
		return "In person"
	case ChannelPartner:
		return "Partner organisation"
	case ChannelSocialMedia:
		return "Social media"
	}
	return "Other"
}

// Status is where an item is in triage: new → triaged → actioned or no action.
type Status string

// The triage statuses.
const (
	StatusNew      Status = "new"
	StatusTriaged  Status = "triaged"
	StatusActioned Status = "actioned"
	StatusNoAction Status = "no_action"
)

// Statuses lists the statuses in triage order.
var Statuses = []Status{StatusNew, StatusTriaged, StatusActioned, StatusNoAction}

// Label is the status as pages show it.
func (s Status) Label() string {
	switch s {
	case StatusTriaged:
		return "Triaged"
	case StatusActioned:
		return "Actioned"
	case StatusNoAction:
		return "No action"
	}
	return "New"
}

// Item is one piece of feedback as stored: every text already scrubbed.
type Item struct {
	ID        int64
	ServiceID int64
	Kind      Kind
	URL       string // the page, without query string or fragment; "" when not given
	Page      string // the URL's path
	Useful    *bool  // the answer to "Is this page useful?", if given
	Rating    *int   // 1 (very dissatisfied) to 5 (very satisfied), if given
	Comment   string
	Doing     string // What were you doing?
	Wrong     string // What went wrong?
	Channel   Channel
	GivenBy   string // for staff-entered feedback: the role of who gave it
	Status    Status
	Tags      []string // sorted
	Note      string   // the team's internal note
	// AssigneeID is the user the item is assigned to, 0 for nobody.
	AssigneeID int64
	// Held is true for a public submission that came in a burst (many from
	// one network, or a flood to the service): it is left out of user
	// satisfaction and the summaries until a person counts it.
	Held bool
	// TextRemoved is true once what was written has been removed by the
	// service's retention.
	TextRemoved bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RatingLabel is the rating in words, "" when there is none.
func (it *Item) RatingLabel() string {
	if it.Rating == nil {
		return ""
	}
	return RatingLabel(*it.Rating)
}

// RatingLabel names a rating of 1 to 5 in the survey's words.
func RatingLabel(r int) string {
	switch r {
	case 5:
		return "Very satisfied"
	case 4:
		return "Satisfied"
	case 3:
		return "Neither satisfied nor dissatisfied"
	case 2:
		return "Dissatisfied"
	case 1:
		return "Very dissatisfied"
	}
	return ""
}

// Limits on what is accepted.
const (
	MaxTextLen    = 2000     // characters of comment, doing, wrong and note
	MaxURLLen     = 2000     // characters of a page URL
	MaxTagLen     = 40       // characters of a tag
	MaxTags       = 20       // tags on one item
	MaxPublicBody = 80 << 10 // bytes of a public submission: three full texts percent-encoded (9 bytes a CJK character) fit
	MaxRules      = 50       // custom scrubber rules of one service
)

// Feedback stores and queries feedback.
type Feedback struct {
	db  *store.DB
	now func() time.Time

	// scrubbers caches each service's compiled scrubber, keyed by the text
	// of its rules, so that a change made on another node is seen at once
	// while an unchanged set is compiled once.
	mu        sync.Mutex
	scrubbers map[int64]cachedScrubber
	lastPrune time.Time
	team      func(context.Context) ([]Member, error) // see SetTeam
}

type cachedScrubber struct {
	key string
	s   *scrub.Scrubber
}

// New returns the feedback kept in db.
func New(db *store.DB) *Feedback {
	return &Feedback{db: db, now: time.Now, scrubbers: map[int64]cachedScrubber{}}
}

// SetClock makes f read the time from now, for tests and the demo data.
func (f *Feedback) SetClock(now func() time.Time) { f.now = now }

// timestamp is now as the store keeps it (UTC, microseconds).
func (f *Feedback) timestamp() time.Time { return f.now().UTC().Truncate(time.Microsecond) }

// InputError is what storing returns for input that cannot be stored; see
// web.InputError.
type InputError = web.InputError

func invalid(errs web.FormErrors) error {
	if len(errs) == 0 {
		return nil
	}
	return web.InvalidInput(errs)
}

// GivenByLabel is the role of who gave the feedback, as pages show it.
func (it *Item) GivenByLabel() string { return Role(it.GivenBy).Label() }

// Role is who gave staff-entered feedback: a role from a fixed list, never
// a name, which no scrubber could find in free text.
type Role string

// The roles staff may record.
const (
	RoleApplicant   Role = "applicant"
	RolePublic      Role = "member_of_the_public"
	RoleBusiness    Role = "business"
	RolePartner     Role = "partner_organisation"
	RoleAdviser     Role = "adviser"
	RoleCouncillor  Role = "elected_representative"
	RoleStaff       Role = "staff"
	RoleOtherPerson Role = "other"
)

// Roles lists the roles in the order forms offer them.
var Roles = []Role{RoleApplicant, RolePublic, RoleBusiness, RolePartner, RoleAdviser, RoleCouncillor, RoleStaff, RoleOtherPerson}

// Label is the role as pages show it.
func (r Role) Label() string {
	switch r {
	case RoleApplicant:
		return "Applicant or user of the service"
	case RolePublic:
		return "Member of the public"
	case RoleBusiness:
		return "Business"
	case RolePartner:
		return "Partner organisation"
	case RoleAdviser:
		return "Adviser or advocate (such as an advice centre)"
	case RoleCouncillor:
		return "Elected representative"
	case RoleStaff:
		return "Our own staff"
	case RoleOtherPerson:
		return "Someone else"
	}
	return string(r)
}

func validRole(r Role) bool {
	for _, v := range Roles {
		if v == r {
			return true
		}
	}
	return false
}
