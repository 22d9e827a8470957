#!/usr/bin/env bash
# Runs the Go benchmarks whose figures BENCHMARKS.md gives, one section at a
# time or all of them, each preceded by the commit and date it measured.
#
#   scripts/bench-go.sh [section ...]
#
# Sections: account, api, dashboard, funnel, enrich, feedback, scrub,
# themes, kpi, journal, jobs, writer (default: all). Everything runs in-process on SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-env.sh

bench() { # section, then go test arguments
	local name=$1
	shift
	echo "== $name: go test -run '^\$' $*"
	bench_header
	go test -run '^$' "$@" | grep -E '^(Benchmark|ok|FAIL|---)'
}

sections=("$@")
if [ ${#sections[@]} -eq 0 ]; then
	sections=(account api dashboard funnel enrich feedback scrub themes kpi journal jobs writer)
fi
for s in "${sections[@]}"; do
	case $s in
	account) bench account -bench . -benchtime 3s ./internal/account/ ;;
	api) bench api -bench 'APIListServices|LoginPage' -benchtime 3s ./internal/app/ ;;
	dashboard) bench dashboard -bench DemoDashboard -benchtime 10x ./internal/app/ ;;
	funnel) bench funnel -bench Funnel -benchtime 5x ./internal/goals/ ;;
	enrich) bench enrich -bench . ./internal/enrich/ ;;
	feedback)
		bench feedback-inbox -bench Inbox -benchtime 20x ./internal/feedback/
		bench feedback-submit -bench Submit -benchtime 3s ./internal/feedback/
		;;
	scrub) bench scrub -bench . ./internal/scrub/ ;;
	themes) bench themes -bench . ./internal/themes/ ;;
	kpi) bench kpi -bench KPIAPI -benchtime 50x ./internal/kpi/ ;;
	journal) bench journal -bench AppendParallel -benchtime 3s ./internal/journal/ ;;
	jobs) bench jobs -bench . -benchtime 2000x ./internal/jobs/ ;;
	writer) bench writer -bench 'WriteBatchRealistic/sqlite' -benchtime 10x ./internal/analytics/ ;;
	*) echo "bench-go: unknown section $s" >&2; exit 2 ;;
	esac
done
