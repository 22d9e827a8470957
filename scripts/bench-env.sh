#!/usr/bin/env bash
# Sourced by the benchmark scripts. bench_header prints the line every
# figure in BENCHMARKS.md is dated with: the day, the commit measured (with
# "+changes" when the work tree differs from it), Go, the cores and the
# load average, since this machine is often shared. BENCH_COMMIT names the
# commit when the tree measured is an export without .git.
bench_header() {
	local root commit
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	commit=${BENCH_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}
	if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
		commit="$commit+changes"
	fi
	echo "measured $(date -u +%F) at commit $commit; $(go env GOVERSION); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
