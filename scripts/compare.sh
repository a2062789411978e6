#!/usr/bin/env bash
# Compare niemyet binaries on one synthetic site in alternated runs: each binary in turn
# builds the site into an emptied folder, RUNS times; prints each binary's median wall and
# CPU (user+sys) seconds. Runs minutes apart on a shared machine differ by more than two
# binaries do, so binaries are only compared this way. Heavy: never run in CI.
#
# usage: scripts/compare.sh BIN...          (RUNS=9 SIZE=10000 by default)
#        scripts/compare.sh /tmp/niemyet-before target/release/niemyet
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/compare.sh BIN..." >&2; exit 2; }
RUNS=${RUNS:-9}
SIZE=${SIZE:-10000}
SHM=${BENCH_SHM:-/dev/shm/niemyet-bench}
site=$SHM/site-$SIZE
out=$SHM/compare-out
mkdir -p "$SHM"
[ -d "$site/content" ] || python3 scripts/gen_site.py "$SIZE" "$site" >/dev/null
bins=()
for bin in "$@"; do bins+=("$(realpath "$bin")"); done
# From the site's folder: run from the repository, its themes/default would override the
# theme built into an older binary.
cd "$site"
for _ in $(seq "$RUNS"); do
  for bin in "${bins[@]}"; do
    rm -rf "$out"
    /usr/bin/time -f "$bin %e %U %S" "$bin" build --output "$out" 2>&1 >/dev/null | tail -n 1
  done
done | python3 -c '
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in sys.stdin:
    bin, wall, user, sys_ = line.rsplit(maxsplit=3)
    runs[bin].append((float(wall), float(user) + float(sys_)))
for bin, r in runs.items():
    print(f"{bin}: wall {statistics.median(w for w, _ in r):.3f} s, CPU {statistics.median(c for _, c in r):.3f} s (median of {len(r)})")
'
rm -rf "$out"
