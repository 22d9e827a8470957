package catalog

import (
	"errors"
	"net/http"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
)

// Readable returns the service the request's {slug} names, or NotFound when
// it does not exist or the principal may not read it: telling those apart
// would reveal which services exist. Every area's pages and API use it.
func (c *Catalog) Readable(r *http.Request) (*Service, error) {
	s, err := c.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) || err == nil && !auth.From(r.Context()).CanRead(s.ID) {
		return nil, fault.NotFoundf("service")
	}
	return s, err
}

// Writable is Readable, and Forbidden when the principal may only read, with
// cannot ("You can see this service’s goals but not change them.") and
// what to do about it.
func (c *Catalog) Writable(r *http.Request, cannot string) (*Service, error) {
	s, err := c.Readable(r)
	if err != nil {
		return nil, err
	}
	if !auth.From(r.Context()).CanWrite(s.ID) {
		return nil, fault.Forbiddenf("%s Ask an administrator for editor access to the service.", cannot)
	}
	return s, nil
}
