#!/usr/bin/env bash
# The scale table of BENCHMARKS.md in one run: for the bundled seed and generated seeds of
# 10k, 100k and 1M events, the load time and peak memory of `diplograph check`, then the
# `scale` group of the criterion benches (first page of a busy actor, date ranges,
# totalCount, search with a typo, path between the two busiest actors) on each.
#
#   benches/scale.sh [SIZES...]        (default: 10000 100000 1000000; seeds go to /tmp)
#
# Needs GNU time (/usr/bin/time) for the peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
cargo build --release
bin=${CARGO_TARGET_DIR:-target}/release/diplograph

load() {
  /usr/bin/time -f "%e s wall, %U s user, %S s system, peak RSS %M KiB" "$bin" check "$1" 2>&1 |
    grep -E "valid|wall"
}

echo "== load: bundled seed"
load seed
for n in "${sizes[@]}"; do
  dir=/tmp/gen-$((n / 1000))k
  [ -d "$dir" ] || "$bin" generate --events "$n" --out "$dir" --random-seed 42
  echo "== load: $dir"
  load "$dir"
done
echo "== build the criterion benches"
cargo bench --bench api --no-run
for n in "${sizes[@]}"; do
  dir=/tmp/gen-$((n / 1000))k
  echo "== scale benches: $dir"
  DIPLOGRAPH_BENCH_SEED=$dir cargo bench --quiet --bench api -- --warm-up-time 1 --measurement-time 3 scale/ 2>&1 |
    grep -E "^scale/|time:|scale bench on"
done
