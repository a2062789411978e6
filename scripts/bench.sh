#!/usr/bin/env bash
# Benchmark niemyet on synthetic sites (scripts/gen_site.py): wall time, pages/s and peak
# memory of complete builds of 1k/10k/50k procedures to a RAM disk (median of RUNS runs, each
# into an empty folder), the raw write floor on the ordinary disk, and the rebuild time of a
# one-file edit in `niemyet serve`, and the Hugo ratio (scripts/hugo_compare.sh) when hugo is
# installed. Prints Markdown tables. Heavy: never run in CI.
#
# usage: scripts/bench.sh            (BENCH_SIZES="1000 10000 50000" RUNS=5 by default)
#        BENCH_SIZES="10000" RUNS=3 scripts/bench.sh
#        BENCH_BIN=$(scripts/pgo_build.sh) scripts/bench.sh    (the profile-guided binary)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_SIZES:-"1000 10000 50000"}
RUNS=${RUNS:-5}
SHM=${BENCH_SHM:-/dev/shm/niemyet-bench}
DISK=${BENCH_DISK:-$PWD/target/bench-disk}   # a folder on the ordinary disk
FLOOR_SIZE=${FLOOR_SIZE:-10000}

cargo build --release --quiet --bin niemyet --example write_floor --example edit_bench
BIN=${BENCH_BIN:-$PWD/target/release/niemyet}
mkdir -p "$SHM" "$DISK"
# Folders an earlier run left on the ordinary disk, removed now: file creation there is slow
# for a minute after a mass deletion (see the write floor below), so the disk runs wait for it.
rm -rf "$DISK"/floor* "$DISK"/site*
sync
cleanup_done=$SECONDS
wait_for_deletions_to_age() {
  local left=$((65 - (SECONDS - cleanup_done)))
  if [ "$left" -gt 0 ]; then sleep "$left"; fi
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# One fresh build: prints "wall_seconds peak_kb pages cpu_seconds".
build_once() { # content out
  rm -rf "$2"
  local log
  log=$(/usr/bin/time -f "TIME %e %M %U %S" "$BIN" build --content "$1" --output "$2" 2>&1)
  local t m p c
  t=$(awk '/^TIME/ {print $2}' <<<"$log")
  m=$(awk '/^TIME/ {print $3}' <<<"$log")
  c=$(awk '/^TIME/ {print $4 + $5}' <<<"$log")
  p=$(grep -o '[0-9]* pages' <<<"$log" | awk '{print $1}')
  echo "$t $m $p $c"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| procedures | pages | wall (median of $RUNS) | pages/s | CPU (user+sys) | peak memory | wall µs per procedure | KB per procedure |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
  site=$SHM/site-$n
  [ -d "$site/content" ] || python3 scripts/gen_site.py "$n" "$site" >/dev/null
  walls=(); mems=(); cpus=(); pages=0
  for _ in $(seq "$RUNS"); do
    read -r t m p c < <(build_once "$site/content" "$SHM/out-$n")
    walls+=("$t"); mems+=("$m"); cpus+=("$c"); pages=$p
  done
  wall=$(printf '%s\n' "${walls[@]}" | median)
  mem=$(printf '%s\n' "${mems[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  awk -v n="$n" -v p="$pages" -v w="$wall" -v m="$mem" -v c="$cpu" 'BEGIN {
    printf "| %d | %d | %.3f s | %.0f | %.2f s | %.0f MB | %.1f | %.1f |\n", n, p, w, p / w, c, m / 1024, w * 1e6 / n, m / n }'
  rm -rf "$SHM/out-$n"
done

echo
# The raw write floor: the same files, same bytes, written by a minimal sequential program
# into an empty folder on the ordinary disk, against niemyet's complete build there. Each run
# writes into a new folder and nothing is deleted until the end: this ext4 has no journal, and
# without one the kernel skips inodes deleted in the last 60 s (5 min while their table block
# is unwritten) when it picks one for a new file, scanning past every such inode of the block
# group on each creation. Creating 20,000 files just after deleting 20,000 others then cost up
# to 5 s of kernel time (`find_inode_bit` → `recently_deleted` in `perf`), in the floor as in
# the build, whichever came second. The folders of an earlier run are removed at the start,
# a minute or more before (see `wait_for_deletions_to_age`).
site=$SHM/site-$FLOOR_SIZE
[ -d "$site/content" ] || python3 scripts/gen_site.py "$FLOOR_SIZE" "$site" >/dev/null
"$BIN" build --content "$site/content" --output "$SHM/floor-src" >/dev/null
wait_for_deletions_to_age
floors=(); builds=()
for i in $(seq "$RUNS"); do
  floors+=("$(./target/release/examples/write_floor "$SHM/floor-src" "$DISK/floor-$i" | awk '{print $1}')")
  sync
  # Files are written while they are rendered: there is no separate write stage to compare.
  log=$( { /usr/bin/time -f "TIME %e" "$BIN" build --content "$site/content" --output "$DISK/site-$i" >/dev/null; } 2>&1 )
  builds+=("$(awk '/^TIME/ {print $2}' <<<"$log")")
  sync
done
floor=$(printf '%s\n' "${floors[@]}" | median)
build=$(printf '%s\n' "${builds[@]}" | median)
# The disk's speed drifts within minutes (the floor has taken from 0.7 to 5 s here): each build
# is also compared with the floor measured just before it.
ratio=$(for i in "${!floors[@]}"; do awk -v f="${floors[$i]}" -v b="${builds[$i]}" 'BEGIN {print b / f}'; done | median)
awk -v f="$floor" -v b="$build" -v r="$ratio" -v n="$FLOOR_SIZE" -v d="$DISK" -v all_f="${floors[*]}" -v all_b="${builds[*]}" 'BEGIN {
  printf "ordinary disk (%s), %d procedures: raw write floor %.3f s; niemyet complete build %.3f s (%.2f× the floor; median of the paired runs %.2f×; floors %s s, builds %s s)\n", d, n, f, b, b / f, r, all_f, all_b }'
# A rebuild that finds the previous output (unchanged files are kept, not rewritten).
t=$( { /usr/bin/time -f "%e" "$BIN" build --content "$site/content" --output "$DISK/site-1" >/dev/null; } 2>&1 | tail -1)
echo "ordinary disk, rebuild over the previous output: ${t} s"
rm -rf "$DISK"/floor-* "$DISK"/site-* "$SHM/floor-src"

echo
./target/release/examples/edit_bench "$site" 11

echo
# The same edits through the real server: from saving the file to the changed page served.
python3 scripts/serve_latency.py "$site" 11

echo
# The Hugo ratio, when Debian's hugo is installed (`apt-get install hugo`).
if command -v hugo >/dev/null; then
  scripts/hugo_compare.sh "$FLOOR_SIZE" | sed -n '/^| /,$p'
else
  echo "Hugo comparison skipped: hugo is not installed (apt-get install hugo)"
fi
