package monitor

import "github.com/liveops/liveops/internal/web"

// checkPages registers the team's pages of checks, incidents and
// maintenance.
func (m *Monitor) checkPages(rt *web.Router) {}
