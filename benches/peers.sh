#!/usr/bin/env bash
# The peer comparison of issue 14: the mission query (queries/meetings-with-agreements.graphql)
# for the busiest actor of a generated 20k-event seed, under the same wrk load
# (wrk -t1 -c32 -d5s, response cache off) against Diplograph, Diplograph's own /health, the
# same server with /metrics counting off, and optionally a peer serving the same contract.
# Also the bytes of the playground's first visit (brotli) and of a second one (validators).
#
#   benches/peers.sh [PEER_GRAPHQL_URL]
#
# PEER_GRAPHQL_URL is the peer's GraphQL endpoint (e.g. http://127.0.0.1:4000/graphql),
# loaded with the same seed by its own means; the peer is not part of this repository.
# Also, unless APOLLO=0 or Node.js is missing: the Apollo Server 5 peer of benches/peers/apollo/,
# over `diplograph export --format csv` of the same seed, after a check that it answers the
# mission query exactly as Diplograph does (benches/peers/apollo/check.mjs); npm ci the first time.
# Env: EVENTS (20000), SECONDS_PER_RUN (5), CONNECTIONS (32), SEED_DIR (/tmp/diplograph-peers-20k).
# Needs wrk (installed with apt-get when missing and running as root), curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
peer=${1:-}
events=${EVENTS:-20000}
secs=${SECONDS_PER_RUN:-5}
conns=${CONNECTIONS:-32}
seed=${SEED_DIR:-/tmp/diplograph-peers-20k}
if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release
bin=${CARGO_TARGET_DIR:-target}/release/diplograph
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

[ -d "$seed" ] || "$bin" generate --events "$events" --out "$seed" >/dev/null

run_server() {
  local port=$1; shift
  RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --seed "$seed" --no-response-cache "$@" \
    2>"$tmp/server-$port.log" &
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "server did not start"; cat "$tmp/server-$port.log"; exit 1
}
run_server 18811
run_server 18812 --no-metrics

# The busiest actor by meetings, and the wrk script posting the mission query for it.
python3 - "$tmp" http://127.0.0.1:18811/graphql <<'PY'
import json, sys, urllib.request
tmp, url = sys.argv[1], sys.argv[2]
def post(query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    r = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(r))
top = post("{ events(filter: { kinds: [MEETING] }) { facets { participants(first: 1) { actor { name } count } } } }")
busiest = top["data"]["events"]["facets"]["participants"][0]["actor"]["name"]
query = open("queries/meetings-with-agreements.graphql").read()
answer = json.dumps(post(query, {"name": busiest}), separators=(",", ":"))
body = json.dumps({"query": query, "variables": {"name": busiest}})
lua = body.replace("\\", "\\\\").replace('"', '\\"')
open(f"{tmp}/mission.lua", "w").write(
    'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n' f'wrk.body = "{lua}"\n'
)
open(f"{tmp}/about", "w").write(f"{busiest}\t{len(answer.encode())}\n")
PY
IFS=$'\t' read -r busiest answer_bytes < "$tmp/about"

# One wrk run; prints "requests/s non-2xx".
measure() {
  local url=$1; shift
  wrk -t1 -c"$conns" -d"${secs}s" "$@" "$url" > "$tmp/out"
  python3 - "$tmp/out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {errors.group(1) if errors else 0}")
PY
}

read -r health _ < <(measure http://127.0.0.1:18811/health)
read -r mission me < <(measure http://127.0.0.1:18811/graphql -s "$tmp/mission.lua")
read -r bare be < <(measure http://127.0.0.1:18812/graphql -s "$tmp/mission.lua")
if [ -n "$peer" ]; then
  read -r peer_rps pe < <(measure "$peer" -s "$tmp/mission.lua")
fi

# The Apollo Server 5 peer (benches/peers/apollo/): the same seed through Diplograph's CSV
# export, checked to give the same answer before it is timed; once as one Node.js process (one
# core) and once as one process per core (node:cluster). Also the CPU time per mission request
# of each server (utime + stime over its wrk run), which a machine loaded by others changes
# less than requests/s.
apollo=
if [ "${APOLLO:-1}" != 0 ] && command -v node >/dev/null && command -v npm >/dev/null; then
  [ -d benches/peers/apollo/node_modules ] || (cd benches/peers/apollo && npm ci --no-audit --no-fund >/dev/null)
  "$bin" export --format csv --seed "$seed" --out "$tmp/csv" >/dev/null 2>"$tmp/export.log" || { cat "$tmp/export.log"; exit 1; }
  cores=$(nproc)
  NODE_ENV=production node benches/peers/apollo/server.mjs "$tmp/csv" 18813 >"$tmp/apollo.log" 2>&1 &
  apollo_pid=$!
  WORKERS=$cores NODE_ENV=production node benches/peers/apollo/server.mjs "$tmp/csv" 18814 >"$tmp/apollo-n.log" 2>&1 &
  apollo_n_pid=$!
  for _ in $(seq 1 900); do grep -q ready "$tmp/apollo.log" && grep -q ready "$tmp/apollo-n.log" && break; sleep 0.1; done
  for port in 18813 18814; do
    node benches/peers/apollo/check.mjs http://127.0.0.1:18811/graphql "http://127.0.0.1:$port/graphql" \
      queries/meetings-with-agreements.graphql "$busiest" || { cat "$tmp"/apollo*.log; exit 1; }
  done
  # CPU clock ticks used so far by the given processes.
  ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
  # The mission under wrk at URL; prints "requests/s non-2xx CPU-ms-per-request" of the given processes.
  timed() {
    local url=$1 before after rps errors; shift
    before=$(ticks "$@")
    read -r rps errors < <(measure "$url" -s "$tmp/mission.lua")
    after=$(ticks "$@")
    echo "$rps $errors $(echo "($after - $before) * 1000 / $(getconf CLK_TCK) / ($rps * $secs)" | bc -l)"
  }
  # Node compiles hot code as it runs: 2 s of the same load on each peer first, not counted.
  for port in 18813 18814; do wrk -t1 -c"$conns" -d2s -s "$tmp/mission.lua" "http://127.0.0.1:$port/graphql" >/dev/null; done
  ours_pid=$(pgrep -f -- "serve --addr 127.0.0.1:18811" | head -1)
  read -r _ _ ours_cpu < <(timed http://127.0.0.1:18811/graphql "$ours_pid")
  read -r apollo ae apollo_cpu < <(timed http://127.0.0.1:18813/graphql "$apollo_pid")
  read -r apollo_n ane apollo_n_cpu < <(timed http://127.0.0.1:18814/graphql "$apollo_n_pid" $(pgrep -P "$apollo_n_pid"))
fi

# The playground's first visit (the page, then what it links), brotli accepted, and a second
# visit: the page revalidated with its ETag; the hashed files are immutable, not asked again.
base=http://127.0.0.1:18811
first=0
page=$(curl -fsS -H 'Accept-Encoding: br, gzip' -D "$tmp/h" -o "$tmp/page" -w '%{size_download}' "$base/")
first=$((first + page))
etag=$(grep -i '^etag:' "$tmp/h" | cut -d' ' -f2 | tr -d '\r')
for f in $(curl -fsS "$base/" | grep -o '/playground/[^"]*'); do
  first=$((first + $(curl -fsS -H 'Accept-Encoding: br, gzip' -o /dev/null -w '%{size_download}' "$base$f")))
done
second=$(curl -sS -H 'Accept-Encoding: br, gzip' -H "If-None-Match: $etag" -o /dev/null -w '%{http_code} %{size_download}' "$base/")

printf '\nwrk -t1 -c%s -d%ss, %s events, busiest actor %s (answer %s bytes), %s, %s cores\n\n' \
  "$conns" "$secs" "$events" "$busiest" "$answer_bytes" "$(uname -m)" "$(nproc)"
printf '| endpoint | req/s | non-2xx | ratio |\n|---|---|---|---|\n'
printf '| Diplograph /health | %s | 0 | 1 |\n' "$health"
printf '| Diplograph mission (metrics on) | %s | %s | %.1f%% of /health |\n' "$mission" "$me" "$(echo "100*$mission/$health" | bc -l)"
printf '| Diplograph mission (--no-metrics) | %s | %s | metrics cost %.1f%% |\n' "$bare" "$be" "$(echo "100*($bare-$mission)/$bare" | bc -l)"
if [ -n "$peer" ]; then
  printf '| peer %s | %s | %s | Diplograph is %.2fx |\n' "$peer" "$peer_rps" "$pe" "$(echo "$mission/$peer_rps" | bc -l)"
fi
if [ -n "$apollo" ]; then
  printf '| Apollo Server 5 peer mission, 1 process | %s | %s | Diplograph is %.2fx |\n' "$apollo" "$ae" "$(echo "$mission/$apollo" | bc -l)"
  printf '| Apollo Server 5 peer mission, %s processes | %s | %s | Diplograph is %.2fx |\n' "$cores" "$apollo_n" "$ane" "$(echo "$mission/$apollo_n" | bc -l)"
fi
printf '\nplayground first visit: %s bytes (brotli); second visit: / answered %s (bytes: status, body)\n' "$first" "$second"
if [ -n "$apollo" ]; then
  printf 'CPU per mission request: Diplograph %.3f ms, Apollo %.3f ms (1 process), %.3f ms (%s processes): Apollo uses %.1fx and %.1fx the CPU\n' \
    "$ours_cpu" "$apollo_cpu" "$apollo_n_cpu" "$cores" "$(echo "$apollo_cpu/$ours_cpu" | bc -l)" "$(echo "$apollo_n_cpu/$ours_cpu" | bc -l)"
fi
