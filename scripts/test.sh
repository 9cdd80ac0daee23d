#!/usr/bin/env bash
# Runs every test: formatting, unit and integration tests on SQLite and PostgreSQL, and end-to-end
# tests in headless Chromium. Installs what the tests need (PostgreSQL, Chromium) when it is missing,
# starts a throw-away PostgreSQL cluster on loopback, and drops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
artifacts="$root/artifacts"
rm -rf "$artifacts/test-results"
mkdir -p "$artifacts"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== Installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== Starting PostgreSQL on loopback"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d /tmp/oppdrift-pg.XXXXXX)
pg_port=$(( 20000 + RANDOM % 20000 ))
pg_user=$(id -un)
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$pg_dir"; pg_user=postgres; fi
cleanup() {
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U "$pg_user" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
export OPPDRIFT_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=postgres;Include Error Detail=true"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# A First, Skip or Take without an order throws in the tests (and in the apps they start), rather than being logged.
export OPPDRIFT_STRICT_QUERIES=1
echo "== Restoring tools and packages"
dotnet tool restore >/dev/null
dotnet restore Oppdrift.slnx >/dev/null

# Layout (whitespace) and the code style rules, among them the order of usings and `this.`, which the build does
# not check. The analyzer rules are enforced by the build below (warnings as errors), so the format tool's own
# analyzer pass, which repeated them, is left out: it took a minute of the run.
echo "== Checking formatting (dotnet format whitespace and style --verify-no-changes)"
dotnet format whitespace Oppdrift.slnx --verify-no-changes --no-restore
dotnet format style Oppdrift.slnx --verify-no-changes --no-restore

echo "== Building"
dotnet build Oppdrift.slnx --no-restore -c Release -warnaserror -nologo -v quiet

status=0
for project in tests/Oppdrift.Tests tests/Oppdrift.EndToEnd; do
  name=$(basename "$project")
  echo "== Testing $name"
  dotnet test "$project" --no-build -c Release --logger "trx;LogFileName=$name.trx" --results-directory "$artifacts/test-results" \
    --logger "console;verbosity=minimal" || status=1
done

# One plain closing line over every test project.
python3 - "$artifacts/test-results" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}Counters")
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)); skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
