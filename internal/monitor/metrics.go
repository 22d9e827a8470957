package monitor

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/store"
)

// checkCollector gives Prometheus every check's state as the database
// holds it, read at each scrape: any node answers for the whole cluster,
// whichever node ran the check.
type checkCollector struct {
	db                   *store.DB
	up, duration, expiry *prometheus.Desc
}

func newCheckCollector(db *store.DB) *checkCollector {
	labels := []string{"service", "check", "type"}
	return &checkCollector{db: db,
		up: prometheus.NewDesc("liveops_check_up", "1 when the check is up, 0 when it is down (confirmed); absent while pending or paused.",
			labels, nil),
		duration: prometheus.NewDesc("liveops_check_duration_seconds", "How long the check's last run took.", labels, nil),
		expiry: prometheus.NewDesc("liveops_check_certificate_expiry_seconds",
			"Seconds until the certificate the check's last run saw expires (negative once expired).", labels, nil),
	}
}

func (c *checkCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.up
	ch <- c.duration
	ch <- c.expiry
}

func (c *checkCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := c.db.QueryContext(ctx, `SELECT s.slug, c.name, c.type, c.status, c.paused, c.last_run_ms, c.duration_ms, c.cert_expiry_ms
		FROM monitor_checks c JOIN services s ON s.id = c.service_id WHERE s.archived_at IS NULL ORDER BY s.slug, c.name`)
	if err != nil {
		slog.Error("monitor: read the checks for /metrics", "err", err)
		return
	}
	defer rows.Close()
	now := time.Now()
	for rows.Next() {
		var slug, name, typ, status string
		var paused bool
		var lastRun, durationMS, expiryMS int64
		if err := rows.Scan(&slug, &name, &typ, &status, &paused, &lastRun, &durationMS, &expiryMS); err != nil {
			slog.Error("monitor: read the checks for /metrics", "err", err)
			return
		}
		labels := []string{slug, name, typ}
		if !paused && (status == string(Up) || status == string(Down)) {
			up := 0.0
			if status == string(Up) {
				up = 1
			}
			ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up, labels...)
		}
		if lastRun != 0 {
			ch <- prometheus.MustNewConstMetric(c.duration, prometheus.GaugeValue, float64(durationMS)/1000, labels...)
		}
		if expiryMS != 0 {
			ch <- prometheus.MustNewConstMetric(c.expiry, prometheus.GaugeValue, time.UnixMilli(expiryMS).Sub(now).Seconds(), labels...)
		}
	}
	if err := rows.Err(); err != nil {
		slog.Error("monitor: read the checks for /metrics", "err", err)
	}
}
