package monitor

import "github.com/liveops/liveops/internal/web"

// statusRoutes registers the public status page and its feeds.
func (m *Monitor) statusRoutes(rt *web.Router) {}
