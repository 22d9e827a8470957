package analytics

import (
	"net/http"
	"strconv"
	"strings"
	"time"

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
	Status        trackingStatus
}

// trackingStatus says whether the service's tag works: when the last
// event arrived, how many in the last hour, and what was dropped and why.
type trackingStatus struct {
	Service  *catalog.Service
	Domains  string
	Last     time.Time // zero: no event yet
	LastAgo  string
	LastHour int64
	Drops    []dropLine
}

type dropLine struct {
	Count       int64
	What, Means string
}

// dropWords explains each reason of DropLog to the team testing its tag.
var dropWords = map[string][2]string{
	DropBot: {"from automated browsers or crawlers",
		"Their browser said it is automated (such as HeadlessChrome, Puppeteer, Playwright or Selenium) or is a known crawler, so they are not people. To test the tag, open the page in an ordinary browser."},
	DropUnknownDomain: {"naming a site this service does not have",
		"The tag's data-domain must be one of the service's hostnames: "},
	DropExcludedIP: {"from addresses you chose not to count",
		"They came from an address listed under “Do not count visits from these addresses” below."},
	DropReferrerSpam: {"from referrer spam",
		"They claimed to come from a site on the list of referrer spammers."},
}

// settingsRoutes registers the tracking set-up and retention page.
func (d *Dashboard) settingsRoutes(rt *web.Router) {
	rt.Page("GET /services/{slug}/analytics/settings", d.settings)
	rt.Page("GET /services/{slug}/analytics/settings/status", d.trackingStatusPart)
	rt.Page("POST /services/{slug}/analytics/settings", d.saveSettings)
}

func (d *Dashboard) settingsData(r *http.Request, s *catalog.Service) settingsData {
	return settingsData{Service: s, Origin: web.Origin(r), Domain: site(s), QueueSnippet: tracker.QueueSnippet,
		ScriptPath: tracker.VersionedPath()}
}

// trackingStatus reads the service's status for the tracking page.
func (d *Dashboard) trackingStatus(r *http.Request, s *catalog.Service) (trackingStatus, error) {
	now := d.now()
	st := trackingStatus{Service: s, Domains: strings.Join(s.Domains, ", ")}
	var err error
	if st.LastHour, st.Last, err = d.stats.events.Arrivals(r.Context(), s.ID, now.Add(-time.Hour)); err != nil {
		return st, err
	}
	if !st.Last.IsZero() {
		st.LastAgo = ago(now.Sub(st.Last))
	}
	if d.Drops != nil {
		drops, err := d.Drops.Since(r.Context(), s.ID, now.Add(-time.Hour))
		if err != nil {
			return st, err
		}
		for _, reason := range []string{DropBot, DropUnknownDomain, DropExcludedIP, DropReferrerSpam} {
			if n := drops[reason]; n > 0 {
				w := dropWords[reason]
				means := w[1]
				if reason == DropUnknownDomain {
					means += st.Domains + "."
				}
				st.Drops = append(st.Drops, dropLine{Count: n, What: w[0], Means: means})
			}
		}
	}
	return st, nil
}

// ago says how long ago a moment was, in words.
func ago(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return "just now"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + " seconds ago"
	case d < 2*time.Minute:
		return "a minute ago"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " minutes ago"
	case d < 2*time.Hour:
		return "an hour ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " hours ago"
	default:
		return strconv.Itoa(int(d/(24*time.Hour))) + " days ago"
	}
}

// trackingStatusPart answers the tracking page's status alone, for its
// script to refresh while the team waits for the first event.
func (d *Dashboard) trackingStatusPart(w http.ResponseWriter, r *http.Request) error {
	s, err := d.service(r, false)
	if err != nil {
		return err
	}
	st, err := d.trackingStatus(r, s)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return d.pages.RenderPart(w, r, http.StatusOK, "analytics/tracking-status", st)
}

func (d *Dashboard) settings(w http.ResponseWriter, r *http.Request) error {
	s, err := d.service(r, false)
	if err != nil {
		return err
	}
	data := d.settingsData(r, s)
	if data.Status, err = d.trackingStatus(r, s); err != nil {
		return err
	}
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
		if data.Status, err = d.trackingStatus(r, s); err != nil {
			return err
		}
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
