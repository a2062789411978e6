#!/usr/bin/env bash
# Build a profile-guided (PGO) release binary of niemyet, for the machine that builds a
# province's site: ≈ 8 % less wall time than `cargo build --release` on the 10,000-procedure
# benchmark (README, "Speed"). The plain release build stays the default: a profile is tied to
# the compiler's LLVM version and to the source it was recorded on, so it is made here, not
# committed.
#
# Steps: an instrumented build; training runs (the example site and a synthetic site of
# 2,000 procedures, each built twice: into an empty folder and over the previous output);
# the profiles merged with the toolchain's llvm-profdata; the optimised build.
#
# usage: scripts/pgo_build.sh     prints the optimised binary's path on stdout
# needs: rustup component add llvm-tools
set -euo pipefail
cd "$(dirname "$0")/.."

host=$(rustc -vV | sed -n 's/^host: //p')
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ]; then
  echo "pgo_build: llvm-profdata not found; install it with: rustup component add llvm-tools" >&2
  exit 2
fi

work=$PWD/target/pgo
rm -rf "$work/profiles" "$work/out"
mkdir -p "$work/profiles"
site=$work/train-site
[ -d "$site/content" ] || python3 scripts/gen_site.py 2000 "$site" >/dev/null

echo "pgo_build: instrumented build" >&2
RUSTFLAGS="-Cprofile-generate=$work/profiles" \
  cargo build --release --quiet --bin niemyet --target-dir "$work/instrumented"
for content in content "$site/content"; do
  for _ in 1 2; do
    "$work/instrumented/release/niemyet" build --content "$content" --output "$work/out" >/dev/null
  done
  rm -rf "$work/out"
done
"$profdata" merge -o "$work/niemyet.profdata" "$work/profiles"

echo "pgo_build: optimised build" >&2
RUSTFLAGS="-Cprofile-use=$work/niemyet.profdata" \
  cargo build --release --quiet --bin niemyet --target-dir "$work/optimised"
echo "$work/optimised/release/niemyet"
