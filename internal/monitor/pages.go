package monitor

import (
	"embed"

	"github.com/liveops/liveops/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// pageRoutes registers the monitor's pages.
func (m *Monitor) pageRoutes(rt *web.Router) {
	m.checkPages(rt)
	m.statusRoutes(rt)
}
