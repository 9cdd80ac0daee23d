#!/usr/bin/env bash
# Starts Oppdrift as a small cluster on this machine, to try what several web nodes behind a load balancer look like:
# a throw-away PostgreSQL on loopback, two web nodes (one loads the demo municipality), and a round-robin proxy in
# front with no sticky sessions. Prints the address and the administrator's one-time password. Ctrl-C stops it all
# and drops the cluster (database, data folders, shared folder).
#
#   scripts/cluster.sh                 proxy on http://localhost:5080, nodes on 5081 and 5082
#   OPPDRIFT_CLUSTER_PORT=6080 scripts/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
port=${OPPDRIFT_CLUSTER_PORT:-5080}
node_ports=($((port + 1)) $((port + 2)))

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v dotnet >/dev/null; then
  echo "Oppdrift needs the .NET 10 SDK (https://dot.net)." >&2
  exit 1
fi
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== Installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/oppdrift-cluster.XXXXXX)
pids=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_port=$(( 20000 + RANDOM % 20000 ))
pg_user=$(id -un)
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  trap - EXIT INT TERM
  echo
  echo "== Stopping the proxy and the nodes, dropping the cluster"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  run_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== Starting PostgreSQL on 127.0.0.1:$pg_port"
mkdir -p "$work/pg"
# As root, PostgreSQL runs as its own user, which must be able to pass through the work folder to its own.
if [ "$(id -u)" = 0 ]; then chmod 711 "$work"; chown postgres "$work/pg"; pg_user=postgres; fi
run_pg "$pg_bin/initdb" -D "$work/pg/data" -U "$pg_user" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work/pg -c max_connections=300" start >/dev/null

echo "== Building (Release)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Oppdrift.Web -c Release -nologo -v quiet
dotnet build src/Oppdrift.Proxy -c Release -nologo -v quiet
web="$root/src/Oppdrift.Web/bin/Release/net10.0/Oppdrift.Web.dll"
proxy="$root/src/Oppdrift.Proxy/bin/Release/net10.0/Oppdrift.Proxy.dll"

# What every node shares: the database, the folder for uploads, and the keys a secret store would hold.
export OPPDRIFT_DATABASE="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=oppdrift"
export Oppdrift__SharedDirectory="$work/shared"
export DataProtection__Key=$(head -c 32 /dev/urandom | base64)
export Privacy__PseudonymKey=$(head -c 32 /dev/urandom | base64)
export Oppdrift__BehindProxy=true
# Plain HTTP on this machine; behind a TLS-terminating load balancer in production this stays true.
export Access__SecureCookies=false
export ASPNETCORE_ENVIRONMENT=Production
mkdir -p "$work/shared"

start_node() { # name port extra-arguments...
  local name=$1 node_port=$2
  shift 2
  mkdir -p "$work/$name"
  Oppdrift__DataDirectory="$work/$name" dotnet "$web" --urls "http://127.0.0.1:$node_port" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
}
wait_ready() { # name port
  for _ in $(seq 1 240); do
    if curl -fs "http://127.0.0.1:$2/health/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "$1 did not become ready; its log:" >&2
  cat "$work/$1.log" >&2
  exit 1
}

# The first node migrates the database and loads the demo; the second starts once it is ready.
echo "== Starting node1 on ${node_ports[0]} (migrates and loads the demo municipality)"
start_node node1 "${node_ports[0]}" --demo
wait_ready node1 "${node_ports[0]}"
echo "== Starting node2 on ${node_ports[1]}"
start_node node2 "${node_ports[1]}"
wait_ready node2 "${node_ports[1]}"

echo "== Starting the proxy on $port (round robin, no sticky sessions)"
dotnet "$proxy" --listen "http://127.0.0.1:$port" --node "http://127.0.0.1:${node_ports[0]}" --node "http://127.0.0.1:${node_ports[1]}" >"$work/proxy.log" 2>&1 &
pids+=($!)
wait_ready proxy "$port"

password=$(grep -A2 "one-time password:" "$work/node1.log" | tail -n 1 | tr -d ' ')
cat <<TEXT

================================================================
 Oppdrift cluster: http://localhost:$port
 Sign in as 'admin' with this one-time password: $password

 node1 http://127.0.0.1:${node_ports[0]}   node2 http://127.0.0.1:${node_ports[1]}
 Each answer names its node in the X-Oppdrift-Node header;
 http://localhost:$port/_proxy/nodes shows each node's health and count.
 Logs: $work/node1.log, node2.log, proxy.log
 Stop one node to see the other carry on:  kill ${pids[0]}   (node1)
 Ctrl-C stops everything and drops the cluster.
================================================================
TEXT
wait "${pids[@]}" || true
