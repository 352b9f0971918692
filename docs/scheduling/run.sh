#!/usr/bin/env bash
# One scheduled re-run, for cron, systemd or CI: collect on this machine (locked, logged to
# data/logs/<run_id>.log), print what changed since the previous run, then rebuild the report into a
# new folder that replaces dist/ only when the build succeeded, so a failure never leaves a broken site.
#
# Exit code: 0 ok; 75 another run holds the store (nothing done); otherwise the collector's or the
# build's failure code. Extra arguments go to `inferscope collect` (e.g. --full).
# INFERSCOPE_FAIL_ON_REGRESSION=1 also exits 3 when a regression is flagged.
set -uo pipefail
cd "$(dirname "$0")/../.."

export INFERSCOPE_LOG="${INFERSCOPE_LOG:-1}"
export ONNXRUNTIME_NODE_INSTALL=skip

status=0
node bin/inferscope.js collect "$@" || status=$?
if [ "$status" -eq 75 ]; then
  echo "inferscope: another run holds the store; this one did nothing" >&2
  exit 75
fi

compare=0
# The first run has nothing to compare with; that is not a failure.
if [ "$(node bin/inferscope.js runs list --kind bench --status ok --limit 2 --json | grep -c '"run_id"')" -ge 2 ]; then
  node bin/inferscope.js runs compare previous latest --fail-on-regression || compare=$?
fi

# Rebuild even after a failed collection: the store keeps the last good data, and the report lists the failure.
dist="${INFERSCOPE_DIST:-dist}"
next="$dist.next"
rm -rf "$next"
if INFERSCOPE_DIST="$next" npm run --silent build; then
  rm -rf "$dist.prev"
  if [ -d "$dist" ]; then mv "$dist" "$dist.prev"; fi
  mv "$next" "$dist"
  rm -rf "$dist.prev"
else
  echo "inferscope: the report build failed; $dist keeps the last good report" >&2
  rm -rf "$next"
  [ "$status" -eq 0 ] && status=1
fi

if [ "$status" -eq 0 ] && [ "$compare" -eq 3 ] && [ "${INFERSCOPE_FAIL_ON_REGRESSION:-0}" = "1" ]; then status=3; fi
exit "$status"
