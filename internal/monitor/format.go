package monitor

import (
	"fmt"
	"strconv"
	"time"
)

// How the monitor's pages write numbers, durations and times.

// thousands writes 12,345.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// uptimeText writes an uptime to two decimals, "99.95%", or says there
// were no runs. 100% is written only when every run was up.
func uptimeText(s Summary) string {
	pct, ok := s.Uptime()
	if !ok {
		return "No runs"
	}
	if pct < 100 && pct > 99.995 {
		return "99.99%"
	}
	return strconv.FormatFloat(pct, 'f', 2, 64) + "%"
}

// msText writes a response time: "245 ms", "1.2 s", "12 s".
func msText(d time.Duration) string {
	switch ms := d.Milliseconds(); {
	case ms < 1000:
		return thousands(ms) + " ms"
	case ms < 10000:
		return strconv.FormatFloat(float64(ms)/1000, 'f', 1, 64) + " s"
	default:
		return thousands((ms+500)/1000) + " s"
	}
}

// percentileText is a response-time percentile, or a dash with no runs.
func percentileText(s Summary, q float64) string {
	if s.Runs() == 0 {
		return "–"
	}
	return msText(s.Percentile(q))
}

// spanText writes how long something lasted in words: "3 days 4 hours",
// "2 hours 5 minutes", "45 seconds".
func spanText(d time.Duration) string {
	d = d.Round(time.Second)
	days, hours, mins := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + one + "s"
	}
	switch {
	case days > 0 && hours > 0:
		return unit(days, "day") + " " + unit(hours, "hour")
	case days > 0:
		return unit(days, "day")
	case hours > 0 && mins > 0:
		return unit(hours, "hour") + " " + unit(mins, "minute")
	case hours > 0:
		return unit(hours, "hour")
	case mins > 0:
		return unit(mins, "minute")
	}
	return unit(int(d/time.Second), "second")
}

// agoText writes how long before now t was: "2 minutes ago", "just now".
func agoText(now, t time.Time) string {
	if t.IsZero() {
		return "Never"
	}
	d := now.Sub(t)
	if d < 5*time.Second {
		return "just now"
	}
	if d < time.Minute {
		return fmt.Sprintf("%d seconds ago", int(d/time.Second))
	}
	return spanText(d.Truncate(time.Minute)) + " ago"
}

// When is a moment as the pages write it: in the service's time zone
// ("2 Jan 2026 14:05", the zone named once on the page), with its ISO form
// for the time element.
type When struct {
	Text, ISO string
}

func when(t time.Time, loc *time.Location) When {
	if t.IsZero() {
		return When{}
	}
	return When{Text: t.In(loc).Format("2 Jan 2006 15:04"), ISO: t.UTC().Format(time.RFC3339)}
}
