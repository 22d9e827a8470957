package account

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/web"
)

func requireAdmin(r *http.Request) error {
	if !auth.From(r.Context()).IsAdmin() {
		return web.Forbidden("Only administrators can manage users.")
	}
	return nil
}

type usersData struct {
	Users             []*User
	Services          map[int64]ServiceRef
	TwoFactorRequired bool
}

func (h *Handler) usersPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	users, err := h.acc.Users(r.Context())
	if err != nil {
		return err
	}
	d := usersData{Users: users, Services: map[int64]ServiceRef{}}
	if d.TwoFactorRequired, err = h.acc.TwoFactorRequired(r.Context()); err != nil {
		return err
	}
	all, err := h.services(r.Context())
	if err != nil {
		return err
	}
	for _, s := range all {
		d.Services[s.ID] = s
	}
	return h.pages.Render(w, r, http.StatusOK, "account/users", d, nil)
}

// userForm is the add and edit form of a user.
type userForm struct {
	ID          int64
	Email       string
	Role        string
	AllServices bool
	Selected    map[int64]bool
	Services    []ServiceRef
	User        *User
	Sessions    int
	Self        bool
}

func (h *Handler) formServices(r *http.Request, f *userForm) error {
	all, err := h.services(r.Context())
	f.Services = all
	return err
}

func (h *Handler) newUserForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	f := userForm{Role: string(auth.Viewer), AllServices: true, Selected: map[int64]bool{}}
	if err := h.formServices(r, &f); err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "account/user-new", f, nil)
}

// readAccess reads role and service access from a posted form; f.Services
// must hold the services that may be chosen.
func readAccess(r *http.Request, f *userForm, errs *web.FormErrors) Access {
	known := map[int64]bool{}
	for _, s := range f.Services {
		known[s.ID] = true
	}
	f.Role = r.PostFormValue("role")
	f.AllServices = r.PostFormValue("all_services") == "yes"
	f.Selected = map[int64]bool{}
	var ids []int64
	for _, v := range r.PostForm["services"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !known[id] {
			errs.Add("services", "Choose services from the list")
			continue
		}
		f.Selected[id] = true
		ids = append(ids, id)
	}
	role, err := auth.ParseRole(f.Role)
	if err != nil {
		errs.Add("role", "Choose a role")
	}
	if role != auth.Admin && !f.AllServices && len(ids) == 0 {
		errs.Add("services", "Choose the services this person may see, or give them all services")
	}
	return Access{Role: role, AllServices: f.AllServices, ServiceIDs: ids}
}

type userCreated struct {
	User *User
	Link string
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	var errs web.FormErrors
	f := userForm{Email: strings.TrimSpace(r.PostFormValue("email"))}
	if _, err := NormalizeEmail(f.Email); err != nil {
		errs.Add("email", err.Error())
	}
	if err := h.formServices(r, &f); err != nil {
		return err
	}
	acc := readAccess(r, &f, &errs)
	if len(errs) > 0 {
		return h.pages.Render(w, r, http.StatusBadRequest, "account/user-new", f, errs)
	}
	u, err := h.acc.CreateUser(r.Context(), NewUser{Email: f.Email, Role: acc.Role, AllServices: acc.AllServices, ServiceIDs: acc.ServiceIDs})
	if e, ok := web.AsError(err); ok && e.Field != "" {
		errs.Add(e.Field, e.Message)
		return h.pages.Render(w, r, e.Status, "account/user-new", f, errs)
	}
	if err != nil {
		return err
	}
	return h.showSetupLink(w, r, u)
}

// showSetupLink makes a new set-up link for u and shows it, once.
func (h *Handler) showSetupLink(w http.ResponseWriter, r *http.Request, u *User) error {
	link, err := h.acc.SetupLink(r.Context(), u.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return h.pages.Render(w, r, http.StatusCreated, "account/user-created", userCreated{User: u, Link: absoluteURL(r, link)}, nil)
}

// absoluteURL turns a path into a link to hand to someone: on the public
// URL, never on the Host a request names (web.Origin).
func absoluteURL(r *http.Request, path string) string { return web.Origin(r) + path }

func (h *Handler) loadUser(r *http.Request) (*User, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, web.NotFound("user")
	}
	u, err := h.acc.UserByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (h *Handler) userPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	u, err := h.loadUser(r)
	if err != nil {
		return err
	}
	return h.renderUser(w, r, http.StatusOK, u, nil, nil)
}

func (h *Handler) renderUser(w http.ResponseWriter, r *http.Request, status int, u *User, f *userForm, errs web.FormErrors) error {
	if f == nil {
		f = &userForm{Role: string(u.Role), AllServices: u.AllServices, Selected: map[int64]bool{}}
		for _, id := range u.ServiceIDs {
			f.Selected[id] = true
		}
	}
	f.ID, f.Email, f.User = u.ID, u.Email, u
	f.Self = u.ID == auth.From(r.Context()).UserID
	sessions, err := h.acc.Sessions(r.Context(), u.ID)
	if err != nil {
		return err
	}
	f.Sessions = len(sessions)
	if err := h.formServices(r, f); err != nil {
		return err
	}
	return h.pages.Render(w, r, status, "account/user", f, errs)
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	u, err := h.loadUser(r)
	if err != nil {
		return err
	}
	var errs web.FormErrors
	f := &userForm{}
	if err := h.formServices(r, f); err != nil {
		return err
	}
	acc := readAccess(r, f, &errs)
	if len(errs) == 0 {
		err = h.acc.SetAccess(r.Context(), u.ID, acc)
		if e, ok := web.AsError(err); ok {
			errs.Add(e.Field, e.Message)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.renderUser(w, r, http.StatusBadRequest, u, f, errs)
	}
	audit.Changed(r.Context(), Access{Role: u.Role, AllServices: u.AllServices, ServiceIDs: u.ServiceIDs}, acc)
	web.SetFlash(w, r, "Access for "+u.Email+" has been updated.")
	return web.Redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10))
}

func (h *Handler) userSetupLink(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	u, err := h.loadUser(r)
	if err != nil {
		return err
	}
	return h.showSetupLink(w, r, u)
}

// userAction runs a state change on the user in the URL and goes back to
// their page with a message, or shows the message of a refused change.
func (h *Handler) userAction(w http.ResponseWriter, r *http.Request, do func(*User) error, done string, back string) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	u, err := h.loadUser(r)
	if err != nil {
		return err
	}
	if err := do(u); err != nil {
		if e, ok := web.AsError(err); ok {
			return h.renderUser(w, r, e.Status, u, nil, web.FormErrors{{Field: "actions", Message: e.Message}})
		}
		return err
	}
	web.SetFlash(w, r, strings.ReplaceAll(done, "EMAIL", u.Email))
	if back == "" {
		back = "/users/" + strconv.FormatInt(u.ID, 10)
	}
	return web.Redirect(w, r, back)
}

func (h *Handler) revokeUserSessions(w http.ResponseWriter, r *http.Request) error {
	return h.userAction(w, r, func(u *User) error { return h.acc.RevokeSessions(r.Context(), u.ID) },
		"EMAIL has been signed out everywhere.", "")
}

func (h *Handler) disableUser(w http.ResponseWriter, r *http.Request) error {
	return h.userAction(w, r, func(u *User) error { return h.acc.SetDisabled(r.Context(), u.ID, true) },
		"EMAIL has been disabled: they cannot sign in and their API tokens no longer work.", "")
}

func (h *Handler) enableUser(w http.ResponseWriter, r *http.Request) error {
	return h.userAction(w, r, func(u *User) error { return h.acc.SetDisabled(r.Context(), u.ID, false) },
		"EMAIL has been enabled.", "")
}

func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request) error {
	return h.userAction(w, r, func(u *User) error { return h.acc.DeleteUser(r.Context(), u.ID) },
		"EMAIL has been deleted, with their sessions and API tokens.", "/users")
}
