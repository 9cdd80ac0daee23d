#!/usr/bin/env bash
# Measures what a newcomer waits for: from a fresh clone, `scripts/run.sh` until /health answers
# (the demo municipality is loaded before the app listens), then until the later modules (learning,
# file share migration, surveys, processes, effects) have loaded beside the running app.
# Prints both times and the demo's own load times.
set -euo pipefail
source_repo=$(cd "$(dirname "$0")/.." && pwd)
port=${1:-5097}
clone=$(mktemp -d /tmp/oppdrift-first-start.XXXXXX)
trap 'pkill -f "127.0.0.1:$port" || true; rm -rf "$clone"' EXIT
git clone -q "$source_repo" "$clone"
cd "$clone"
start=$(date +%s.%N)
OPPDRIFT_URLS="http://127.0.0.1:$port" bash scripts/run.sh > "$clone/run.log" 2>&1 &
app=$!
until curl -sf "http://127.0.0.1:$port/health" > /dev/null; do
  sleep 0.25
  if ! kill -0 $app 2>/dev/null; then cat "$clone/run.log" >&2; exit 1; fi
done
end=$(date +%s.%N)
printf 'first start to a populated app: %.1f s\n' "$(echo "$end - $start" | bc)"
until grep -q 'Demo modules loaded in the background\|Demo modules not loaded' "$clone/run.log"; do
  sleep 0.25
  if ! kill -0 $app 2>/dev/null; then cat "$clone/run.log" >&2; exit 1; fi
done
modules=$(date +%s.%N)
printf 'first start to every module loaded: %.1f s\n' "$(echo "$modules - $start" | bc)"
grep -o 'Demo municipality loaded in [0-9.]* s\|Demo migration loaded in [0-9.]* s\|Demo surveys loaded in [0-9.]* s\|Demo modules loaded in the background in [0-9.]* s\|Demo modules not loaded.*' "$clone/run.log" || true
