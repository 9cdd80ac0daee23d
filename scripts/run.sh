#!/usr/bin/env bash
# Starts Oppdrift on http://localhost:5080 with an embedded SQLite database under ./data and the
# demo municipality loaded on first start. The first start prints the administrator's one-time password.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! command -v dotnet >/dev/null; then
  echo "Oppdrift needs the .NET 10 SDK (https://dot.net)." >&2
  exit 1
fi
if ! command -v npm >/dev/null; then
  echo "Installing Node.js and npm for the front-end packages..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm; else sudo apt-get update -qq && sudo apt-get install -y -qq nodejs npm; fi
fi

export Oppdrift__DataDirectory="${Oppdrift__DataDirectory:-$root/data}"
# Builds only what it runs, without the analyzers and style rules: `scripts/test.sh` enforces those with warnings as errors,
# and leaving them out here takes about a third off a first build. PostgreSQL's migrations and compiled model are built
# in only when a database is configured (otherwise the app runs on the embedded SQLite database and never loads them).
postgres=false
if [ -n "${OPPDRIFT_DATABASE:-}${ConnectionStrings__Oppdrift:-}" ]; then postgres=true; fi
exec dotnet run --project src/Oppdrift.Web -c Release \
  --property:RunAnalyzers=false --property:EnforceCodeStyleInBuild=false --property:TreatWarningsAsErrors=false \
  --property:OppdriftPostgres=$postgres \
  -- --urls "${OPPDRIFT_URLS:-http://localhost:5080}" --demo "$@"
