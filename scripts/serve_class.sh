#!/usr/bin/env bash
# Serve a bigger class from one machine: N identical app processes (default 2) behind nginx with sticky sessions,
# all on loopback: `bash scripts/serve_class.sh [replicas] [port]` (port 8600 by default; replicas on the ports
# after it). Needs nginx (`apt-get install nginx`). Ctrl-C stops everything. To let other machines in, change the
# `listen` address in deploy/nginx.conf and put TLS in front; the replicas themselves stay on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
replicas="${1:-2}"
port="${2:-8600}"
bash scripts/setup.sh >/dev/null
command -v nginx >/dev/null || { echo "needs nginx: apt-get install nginx" >&2; exit 1; }

run="$(mktemp -d)"
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$run"; }
trap stop EXIT INT TERM

upstreams=""
for i in $(seq 1 "$replicas"); do
  p=$((port + i))
  .venv/bin/python -m explorer.ui.shell.serve --server.headless true --server.address 127.0.0.1 --server.port "$p" \
    > "$run/replica-$i.log" 2>&1 &
  pids+=("$!")
  upstreams+="        server 127.0.0.1:$p;"$'\n'
done
for i in $(seq 1 "$replicas"); do
  until curl -sf "http://127.0.0.1:$((port + i))/_stcore/health" >/dev/null; do sleep 0.5; done
done
sed -e "s#__RUN__#$run#g" -e "s#__PORT__#$port#g" deploy/nginx.conf \
  | awk -v up="$upstreams" '{ if ($0 == "__UPSTREAMS__") printf "%s", up; else print }' > "$run/nginx.conf"
nginx -c "$run/nginx.conf" -g "daemon off;" &
pids+=("$!")
echo "serving on http://127.0.0.1:$port ($replicas replicas: ports $((port + 1))-$((port + replicas)))"
wait
