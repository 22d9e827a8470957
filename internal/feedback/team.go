package feedback

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Member is someone on the team, as the accounts know them: whom items of
// the services they may see can be assigned to.
type Member struct {
	ID    int64
	Email string
	// AllServices is true when they may see every service; otherwise
	// Services lists the ids of those they may see.
	AllServices bool
	Services    []int64
	Disabled    bool // may not sign in: keeps what they have, gets nothing new
}

// Sees reports whether m may see the service's feedback.
func (m Member) Sees(serviceID int64) bool {
	return m.AllServices || slices.Contains(m.Services, serviceID)
}

// SetTeam tells f who is on the team (the app asks the accounts); without
// it no item can be assigned.
func (f *Feedback) SetTeam(team func(context.Context) ([]Member, error)) { f.team = team }

// Team lists the people on the team by email, disabled ones included.
func (f *Feedback) Team(ctx context.Context) ([]Member, error) {
	if f.team == nil {
		return nil, nil
	}
	list, err := f.team(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the team: %w", err)
	}
	slices.SortFunc(list, func(a, b Member) int { return strings.Compare(a.Email, b.Email) })
	return list, nil
}

// assignee is whom c assigns items to: nil when c assigns nobody or
// unassigns, an *InputError on "assignee" when it names nobody who may
// be given work.
func (f *Feedback) assignee(ctx context.Context, c Change) (*Member, error) {
	if c.Assignee == nil || *c.Assignee == 0 {
		return nil, nil
	}
	team, err := f.Team(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range team {
		if m.ID == *c.Assignee && !m.Disabled {
			return &m, nil
		}
	}
	return nil, invalidField("assignee", "Choose someone on the team: there is no active user with this id")
}

// notSeen is the problem of assigning items of a service that m may not see.
func notSeen(m *Member, many bool) error {
	if many {
		return invalidField("assignee", m.Email+" cannot see the feedback of every service of these items: choose someone who can, or fewer items")
	}
	return invalidField("assignee", m.Email+" cannot see this service’s feedback: choose someone who can")
}

// offered lists the active people who may see one of services or more,
// for a form's choice of assignee (Update and Bulk check each item's).
func offered(team []Member, services []int64) []Member {
	var out []Member
	for _, m := range team {
		if !m.Disabled && slices.ContainsFunc(services, m.Sees) {
			out = append(out, m)
		}
	}
	return out
}

// teamByID is the team by user id.
func (h *Handler) teamByID(ctx context.Context) (map[int64]Member, error) {
	team, err := h.fb.Team(ctx)
	byID := make(map[int64]Member, len(team))
	for _, m := range team {
		byID[m.ID] = m
	}
	return byID, err
}
