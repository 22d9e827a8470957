package analytics

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/tracker"
	"github.com/liveops/liveops/internal/web"
)

type settingsData struct {
	Service       *catalog.Service
	Origin        string
	Domain        string
	QueueSnippet  string
	ScriptPath    string // versioned, so browsers may cache it for a year
	RetentionDays string
	ExcludedIPs   string
	CanWrite      bool
}

// settingsRoutes registers the tracking set-up and retention page.
func (d *Dashboard) settingsRoutes(rt *web.Router) {
	rt.Page("GET /services/{slug}/analytics/settings", d.settings)
	rt.Page("POST /services/{slug}/analytics/settings", d.saveSettings)
}

func (d *Dashboard) settingsData(r *http.Request, s *catalog.Service) settingsData {
	return settingsData{Service: s, Origin: web.Origin(r), Domain: site(s), QueueSnippet: tracker.QueueSnippet,
		ScriptPath: tracker.VersionedPath()}
}

func (d *Dashboard) settings(w http.ResponseWriter, r *http.Request) error {
	s, err := d.service(r, false)
	if err != nil {
		return err
	}
	data := d.settingsData(r, s)
	days, err := d.retention.RetentionDays(r.Context(), s.ID)
	if err != nil {
		return err
	}
	data.RetentionDays = strconv.Itoa(days)
	excluded, err := excludedIPs(r.Context(), d.db, s.ID)
	if err != nil {
		return err
	}
	data.ExcludedIPs = excluded.String()
	data.CanWrite = canWrite(r, s)
	return d.pages.Render(w, r, http.StatusOK, "analytics/settings", data, nil)
}

func (d *Dashboard) saveSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := d.service(r, true)
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(r.PostFormValue("retention"))
	rawIPs := r.PostFormValue("excluded_ips")
	var errs web.FormErrors
	days, err := strconv.Atoi(raw)
	if err != nil || days < 0 || days > MaxRetentionDays {
		errs.Add("retention", "Enter a whole number of days from 0 to "+strconv.Itoa(MaxRetentionDays))
	}
	nets, err := web.ParseTrustedProxies(rawIPs)
	if err != nil {
		errs.Add("excluded_ips", "Enter IP addresses or ranges such as 203.0.113.0/24, one per line: "+err.Error())
	}
	if len(errs) > 0 {
		data := d.settingsData(r, s)
		data.RetentionDays, data.ExcludedIPs, data.CanWrite = raw, rawIPs, true
		return d.pages.Render(w, r, http.StatusBadRequest, "analytics/settings", data, errs)
	}
	beforeDays, err := d.retention.RetentionDays(r.Context(), s.ID)
	if err != nil {
		return err
	}
	beforeIPs, err := excludedIPs(r.Context(), d.db, s.ID)
	if err != nil {
		return err
	}
	audit.Changed(r.Context(), map[string]any{"retention_days": beforeDays, "excluded_ips": beforeIPs.String()},
		map[string]any{"retention_days": days, "excluded_ips": nets.String()})
	if err := d.retention.SetRetention(r.Context(), s.ID, days); err != nil {
		return err
	}
	if _, err := d.db.ExecContext(r.Context(), `UPDATE services SET analytics_excluded_ips = $1 WHERE id = $2`, nets.String(), s.ID); err != nil {
		return err
	}
	web.SetFlash(w, r, "The settings are saved. A change to excluded addresses takes effect within a minute.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/analytics/settings")
}
