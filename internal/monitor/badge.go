package monitor

import (
	"fmt"
	"html"
	"net/http"
	"strconv"

	"github.com/liveops/liveops/internal/web"
)

// Badges are small SVG images in the shape shields.io made common: a grey
// label and a coloured message, for a README or an intranet page. Every
// colour carries white text at a contrast of 4.5:1 or more, and the
// image names itself to screen readers.

// badgeColours are the messages' backgrounds, by state.
var badgeColours = map[string]string{
	"operational":          "#00703c",
	"degraded_performance": "#b45309",
	"partial_outage":       "#b3261e",
	"major_outage":         "#b3261e",
	"under_maintenance":    "#1d4ed8",
	"none":                 "#505a5f",
}

const badgeLabelColour = "#383f43"

// badgeWidth estimates the width of text in 11 px Verdana, the badges'
// font: wide enough for its letters, which vary less than this in width.
func badgeWidth(s string) int {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ' || r == '.' || r == ',' || r == 'i' || r == 'l' || r == ':':
			w += 3.9
		case r >= 'A' && r <= 'Z', r == 'm', r == 'w', r == '%':
			w += 9
		default:
			w += 7
		}
	}
	return int(w) + 12
}

// badge draws a label and a message on colour.
func badge(label, message, colour string) []byte {
	lw, mw := badgeWidth(label), badgeWidth(message)
	text := html.EscapeString(label + ": " + message)
	l, msg := html.EscapeString(label), html.EscapeString(message)
	return []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%[1]d" height="20" viewBox="0 0 %[1]d 20" role="img" aria-label="%[2]s">
<title>%[2]s</title>
<rect width="%[3]d" height="20" fill="%[5]s"/>
<rect x="%[3]d" width="%[4]d" height="20" fill="%[6]s"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="%[7]d" y="14">%[8]s</text>
<text x="%[9]d" y="14">%[10]s</text>
</g>
</svg>
`, lw+mw, text, lw, mw, badgeLabelColour, colour, lw/2, l, lw+mw/2, msg))
}

// statusBadge answers /status/{slug}/badge.svg: the service's state.
func (m *Monitor) statusBadge(w http.ResponseWriter, r *http.Request) error {
	p, err := m.readPublic(r, false)
	if err != nil {
		return err
	}
	key := p.Status.key()
	words := map[string]string{"operational": "operational", "degraded_performance": "degraded", "partial_outage": "partial outage",
		"major_outage": "major outage", "under_maintenance": "maintenance"}[key]
	serveCached(w, r, badgeMaxAge, "image/svg+xml; charset=utf-8", badge("status", words, badgeColours[key]))
	return nil
}

// uptimeBadge answers /status/{slug}/uptime.svg?days=N (1 to 90, 30 by
// default): the share of the public checks' runs that were up.
func (m *Monitor) uptimeBadge(w http.ResponseWriter, r *http.Request) error {
	s, err := m.publicService(r)
	if err != nil {
		return err
	}
	days := 30
	if q := r.URL.Query().Get("days"); q != "" {
		days, err = strconv.Atoi(q)
		if err != nil || days < 1 || days > statusDays {
			return web.BadRequest("days", "The number of days must be a whole number from 1 to %d", statusDays)
		}
	}
	p, err := m.readStatus(r.Context(), s, m.now(), true)
	if err != nil {
		return err
	}
	var total Summary
	for _, c := range p.Components {
		for _, d := range c.Days[statusDays-days:] {
			total.add(d)
		}
	}
	label := fmt.Sprintf("uptime %dd", days)
	pct, ok := percent(total)
	message, colour := "no data", badgeColours["none"]
	if ok {
		message = pct + "%"
		up, _ := total.Uptime()
		colour = badgeColours["operational"]
		switch {
		case up < 99:
			colour = badgeColours["major_outage"]
		case up < 99.9:
			colour = badgeColours["degraded_performance"]
		}
	}
	serveCached(w, r, badgeMaxAge, "image/svg+xml; charset=utf-8", badge(label, message, colour))
	return nil
}
