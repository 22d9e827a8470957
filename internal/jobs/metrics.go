package jobs

import "github.com/prometheus/client_golang/prometheus"

// metrics are the runner's Prometheus series, labelled by job.
type metrics struct {
	runs        *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	lastSuccess *prometheus.GaugeVec
}

// newMetrics makes the series and registers them on reg, if not nil.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liveops_job_runs_total",
			Help: "Runs of each background job on this node, by result (ok, error, timeout, cancelled; abandoned counts runs taken over from a dead holder).",
		}, []string{"job", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "liveops_job_duration_seconds",
			Help:    "How long runs of each background job took on this node.",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 10), // 10 ms to 44 min
		}, []string{"job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "liveops_job_last_success_timestamp_seconds",
			Help: "When each background job last succeeded on any node, as read from the jobs table (absent: never, or unknown yet).",
		}, []string{"job"}),
	}
	if reg != nil {
		cs := []prometheus.Collector{m.runs, m.duration, m.lastSuccess}
		for i, c := range cs {
			if err := reg.Register(c); err != nil {
				for _, done := range cs[:i] {
					reg.Unregister(done)
				}
				return nil, err
			}
		}
	}
	return m, nil
}
