#!/usr/bin/env bash
# HTTP load on loopback: throughput and p50/p99 of the mission query (response cache off,
# then on) and of the trivial `/health` endpoint of the same server, in one run with the
# same wrk settings, and the ratios mission/trivial.
#
#   benches/load.sh [SECONDS] [CONNECTIONS] [SEED_DIR]     (defaults: 10 32 seed)
#
# Needs wrk (Debian: apt-get install wrk; installed here when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
seed=${3:-seed}
if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release
bin=${CARGO_TARGET_DIR:-target}/release/diplograph
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

python3 - "$tmp/mission.lua" <<'PY'
import json, sys
q = open("queries/meetings-with-agreements.graphql").read()
body = json.dumps({"query": q}).replace("\\", "\\\\").replace('"', '\\"')
open(sys.argv[1], "w").write(
    'wrk.method = "POST"\n'
    'wrk.headers["Content-Type"] = "application/json"\n'
    f'wrk.body = "{body}"\n'
)
PY

# One wrk run; prints "requests/s p50 p99" (latencies in microseconds).
measure() {
  local url=$1; shift
  wrk -t1 -c"$conns" -d"${secs}s" --latency "$@" "$url" > "$tmp/out"
  python3 - "$tmp/out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def us(v):
    n, unit = re.match(r"([\d.]+)(\w+)", v).groups()
    return float(n) * {"us": 1, "ms": 1000, "s": 1e6}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = us(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = us(re.search(r"\s99%\s+(\S+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {p50:.0f} {p99:.0f} {errors.group(1) if errors else 0}")
PY
}

run_server() {
  local port=$1; shift
  "$bin" serve --addr "127.0.0.1:$port" --seed "$seed" "$@" 2>"$tmp/server-$port.log" &
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "server did not start"; cat "$tmp/server-$port.log"; exit 1
}

RUST_LOG=warn run_server 18801 --no-response-cache
RUST_LOG=warn run_server 18802

read -r h1 h1p50 h1p99 h1e < <(measure http://127.0.0.1:18801/health)
read -r m1 m1p50 m1p99 m1e < <(measure http://127.0.0.1:18801/graphql -s "$tmp/mission.lua")
read -r h2 h2p50 h2p99 h2e < <(measure http://127.0.0.1:18802/health)
read -r m2 m2p50 m2p99 m2e < <(measure http://127.0.0.1:18802/graphql -s "$tmp/mission.lua")

printf '\nwrk -t1 -c%s -d%ss on %s, %s cores\n\n' "$conns" "$secs" "$(uname -m)" "$(nproc)"
printf '| endpoint | req/s | p50 (us) | p99 (us) | non-2xx | ratio to /health |\n|---|---|---|---|---|---|\n'
printf '| /health (cache off server) | %s | %s | %s | %s | 1 |\n' "$h1" "$h1p50" "$h1p99" "$h1e"
printf '| mission, response cache off | %s | %s | %s | %s | %.1f%% |\n' "$m1" "$m1p50" "$m1p99" "$m1e" "$(echo "100*$m1/$h1" | bc -l)"
printf '| /health (cache on server) | %s | %s | %s | %s | 1 |\n' "$h2" "$h2p50" "$h2p99" "$h2e"
printf '| mission, response cache on | %s | %s | %s | %s | %.1f%% |\n' "$m2" "$m2p50" "$m2p99" "$m2e" "$(echo "100*$m2/$h2" | bc -l)"
