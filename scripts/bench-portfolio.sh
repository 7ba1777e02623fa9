#!/usr/bin/env bash
# Time `cargo sdl portfolio` on N synthetic product reports (default 1,000), each a variation
# of one real report.json (`check --format json` on a generated workspace, see
# examples/portfolio-inputs.rs and cargo_sdl::testing::synthetic_report), and print the wall
# time and peak RSS (GNU time) of the merge, then check the result with `verify`.
#
#   scripts/bench-portfolio.sh [N] [RELEASES]     (default 1000 products, 1 release each)
#
# Environment: CARGO_SDL (default: build this checkout's release binary and example).
# The target is at most 10 s and 1 GB for 1,000 products on a 2-core machine.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
releases=${2:-1}
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed for peak RSS" >&2; exit 2; }

echo "building cargo-sdl and the input generator (release)" >&2
cargo build --release --locked --quiet --manifest-path "$repo/Cargo.toml" --bin cargo-sdl --example portfolio-inputs
sdl=${CARGO_SDL:-$repo/target/release/cargo-sdl}
generate=$repo/target/release/examples/portfolio-inputs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now=2026-11-29T00:00:00Z

# One real report of a small workspace: the template every synthetic product varies.
mkdir -p "$work/ws/src"
printf '[package]\nname = "demo"\nversion = "0.3.0"\nedition = "2021"\n' > "$work/ws/Cargo.toml"
printf '#![forbid(unsafe_code)]\n' > "$work/ws/src/lib.rs"
printf '# Security\n\nReport to security@example.com; we answer within 5 days.\n' > "$work/ws/SECURITY.md"
(cd "$work/ws" && "$sdl" sdl --offline --current-time "$now" check --format json > "$work/base.json" 2>/dev/null) || [ $? -eq 1 ]
"$generate" "$work/base.json" "$n" "$releases" "$work/in"
inputs=$(find "$work/in" -name '*.json' | wc -l)
size=$(du -sm "$work/in" | cut -f1)
echo "inputs: $inputs report.json files, $size MB"

/usr/bin/time -v -o "$work/time" "$sdl" sdl --current-time "$now" portfolio "$work"/in/*.json --out "$work/portfolio" > "$work/stdout"
cat "$work/stdout"
wall=$(grep 'Elapsed (wall clock)' "$work/time" | awk '{print $NF}')
rss=$(grep 'Maximum resident set size' "$work/time" | awk '{print $NF}')
echo "portfolio of $inputs reports: wall $wall, peak RSS $((rss / 1024)) MB"
echo "package: $(du -sm "$work/portfolio" | cut -f1) MB, index.html $(($(wc -c < "$work/portfolio/index.html") / 1024)) KB"
/usr/bin/time -f "verify: wall %e s, peak RSS %M KB" "$sdl" sdl verify "$work/portfolio" | head -1
