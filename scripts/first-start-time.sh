#!/usr/bin/env bash
# Measures what a newcomer waits for: from a fresh clone, `scripts/run.sh` until /health answers
# (the demo municipality is loaded before the app listens). Prints the seconds and the demo load time.
set -euo pipefail
source_repo=$(cd "$(dirname "$0")/.." && pwd)
port=${1:-5097}
clone=$(mktemp -d /tmp/oppdrift-first-start.XXXXXX)
trap 'pkill -f "127.0.0.1:$port" || true; rm -rf "$clone"' EXIT
git clone -q "$source_repo" "$clone"
cd "$clone"
start=$(date +%s.%N)
OPPDRIFT_URLS="http://127.0.0.1:$port" bash scripts/run.sh > "$clone/run.log" 2>&1 &
until curl -sf "http://127.0.0.1:$port/health" > /dev/null; do
  sleep 0.25
  if ! kill -0 $! 2>/dev/null; then cat "$clone/run.log" >&2; exit 1; fi
done
end=$(date +%s.%N)
printf 'first start to a populated app: %.1f s\n' "$(echo "$end - $start" | bc)"
grep -o 'Demo municipality loaded in [0-9.]* s\|Demo migration loaded in [0-9.]* s' "$clone/run.log" || true
