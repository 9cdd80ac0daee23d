#!/usr/bin/env bash
# Builds the release artefact: the web app and the `oppdrift` command in one folder, framework-dependent on .NET 10,
# with the operator README and the service examples, for linux-x64 (a .tar.gz) and win-x64 (a .zip).
#   bash scripts/publish.sh                 # both, into artifacts/publish/
#   bash scripts/publish.sh linux-x64       # one runtime
#   OPPDRIFT_PUBLISH_DIR=/tmp/out bash scripts/publish.sh linux-x64
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="${OPPDRIFT_PUBLISH_DIR:-$root/artifacts/publish}"
version="${OPPDRIFT_VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
runtimes=("$@")
[ ${#runtimes[@]} -gt 0 ] || runtimes=(linux-x64 win-x64)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$out"

for rid in "${runtimes[@]}"; do
  name="oppdrift-$version-$rid"
  folder="$out/$name"
  rm -rf "$folder" "$out/$name.tar.gz" "$out/$name.zip"
  echo "== $name"
  # The two projects share their libraries (same versions), so they publish into one folder: Oppdrift.Web.dll and
  # Oppdrift.Cli.dll each with their own .deps.json and .runtimeconfig.json, and the `oppdrift` launcher.
  # ReadyToRun: the libraries are compiled ahead for the runtime, so a command or a starting node does not spend its
  # first seconds compiling EF Core and our own code (`oppdrift effects estimate`: see docs/performance.md).
  for project in src/Oppdrift.Web src/Oppdrift.Cli; do
    dotnet publish "$project" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -p:DebugType=none -p:GenerateDocumentationFile=false \
      -o "$folder" -nologo -v quiet
  done
  # The front-end packages' manifests are build inputs, not part of the app.
  rm -f "$folder/package.json" "$folder/package-lock.json"
  cp deploy/README.md "$folder/README.md"
  cp LICENSE "$folder/LICENSE"
  mkdir -p "$folder/deploy"
  cp deploy/oppdrift.service deploy/nginx-oppdrift.conf "$folder/deploy/"
  cp docs/operations.md "$folder/operations.md"
  echo "$version" > "$folder/VERSION"
  if [ "$rid" = "${rid#win-}" ]; then
    tar -C "$out" -czf "$out/$name.tar.gz" "$name"
    echo "   $out/$name.tar.gz"
  else
    (cd "$out" && rm -f "$name.zip" && python3 -c 'import shutil,sys; shutil.make_archive(sys.argv[1], "zip", ".", sys.argv[1])' "$name")
    echo "   $out/$name.zip"
  fi
done
