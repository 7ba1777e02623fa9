#!/usr/bin/env bash
# Compare cargo-sdl's supply-chain collectors with the single-purpose tools users run today, in
# the same run, on the same inputs:
#   advisory check   cargo sdl advisories      vs  cargo audit --no-fetch --db DIR --file Cargo.lock
#   SBOM generation  cargo sdl sbom            vs  cargo cyclonedx
# on this repository's lockfile and on a large real one: the Cargo.lock that cargo-audit itself
# publishes (about 400 packages), taken from the registry sources `cargo install` unpacked.
#
# Prints the best wall time of RUNS runs for each tool and the ratio ours/theirs (below 1 means
# cargo-sdl is faster), and cross-checks that both advisory checks report the same advisory ids.
#
# Usage: scripts/bench-supply.sh            (RUNS=5, ADVISORY_DB=../shared/advisory-db)
# Needs crates.io once: to install the peers when missing and to fetch the large workspace's
# sources; the measured commands themselves run offline.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
db=${ADVISORY_DB:-$repo/../shared/advisory-db}
runs=${RUNS:-5}
cargo_home=${CARGO_HOME:-$HOME/.cargo}

if [ ! -d "$db/crates" ]; then
    echo "no advisory database at $db; set ADVISORY_DB (e.g. after \`cargo audit fetch\`: $cargo_home/advisory-db)" >&2
    exit 2
fi

for tool in cargo-audit cargo-cyclonedx; do
    if ! command -v "$tool" >/dev/null; then
        echo "installing $tool" >&2
        cargo install --locked "$tool"
    fi
done

echo "building cargo-sdl (release)" >&2
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
sdl="$repo/target/release/cargo-sdl"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# This repository as committed (a copy, so that cargo cyclonedx can write its file beside it).
mkdir "$work/self"
git -C "$repo" archive HEAD | tar -x -C "$work/self"

# The large real workspace: cargo-audit's published source and lockfile.
big_src=$(ls -d "$cargo_home"/registry/src/*/cargo-audit-*/ 2>/dev/null | sort -V | tail -n 1)
if [ -z "$big_src" ]; then
    echo "no cargo-audit source under $cargo_home/registry/src; run \`cargo install --locked cargo-audit\`" >&2
    exit 2
fi
cp -r "$big_src" "$work/big"
# Sources for every platform, once, so `cargo metadata --offline` can run for both tools.
for ws in self big; do
    cargo fetch --locked --quiet --manifest-path "$work/$ws/Cargo.toml"
done

# Best wall time in seconds of $runs runs of "$@" (output discarded, exit status ignored).
best() {
    local best_ns="" start end ns
    for _ in $(seq "$runs"); do
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        ns=$((end - start))
        if [ -z "$best_ns" ] || [ "$ns" -lt "$best_ns" ]; then best_ns=$ns; fi
    done
    awk -v ns="$best_ns" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

report() { # label ours theirs peer
    awk -v l="$1" -v a="$2" -v b="$3" -v p="$4" \
        'BEGIN { printf "%-34s cargo-sdl %7.3f s   %-16s %7.3f s   ratio %.2f\n", l, a, p, b, (b > 0 ? a / b : 0) }'
}

# Advisory ids from our JSON and from cargo audit's JSON, sorted, one line.
our_ids() {
    "$sdl" sdl advisories --manifest-path "$1/Cargo.toml" --advisory-db "$db" --lockfile "$1/Cargo.lock" |
        python3 -c 'import json,sys; print(" ".join(sorted({m["id"] for m in json.load(sys.stdin)["matches"]})))'
}
audit_ids() {
    (cargo audit --no-fetch --stale --no-yanked --db "$db" --file "$1/Cargo.lock" --json 2>/dev/null || true) |
        python3 -c 'import json,sys
r = json.load(sys.stdin)
ids = {v["advisory"]["id"] for v in r["vulnerabilities"]["list"]}
ids |= {w["advisory"]["id"] for ws in r["warnings"].values() for w in ws if w.get("advisory")}
print(" ".join(sorted(ids)))'
}

echo "cargo-sdl $("$sdl" --version | awk '{print $2}'), cargo-audit $(cargo audit --version | awk '{print $NF}'), cargo-cyclonedx $(cargo cyclonedx --version 2>/dev/null | awk '{print $NF}')"
echo "advisory database: $db ($(find "$db/crates" -name '*.md' | wc -l) advisory files); best of $runs runs"
for ws in self big; do
    dir="$work/$ws"
    packages=$(grep -c '^\[\[package\]\]' "$dir/Cargo.lock")
    name=$([ "$ws" = self ] && echo "this repository" || echo "cargo-audit $(basename "$big_src" | sed 's/cargo-audit-//')")
    echo
    echo "== $name: $packages packages in Cargo.lock"

    ours=$(best "$sdl" sdl advisories --manifest-path "$dir/Cargo.toml" --advisory-db "$db" --lockfile "$dir/Cargo.lock")
    theirs=$(best cargo audit --no-fetch --stale --no-yanked --db "$db" --file "$dir/Cargo.lock" --json)
    report "advisory check" "$ours" "$theirs" "cargo audit"
    a=$(our_ids "$dir")
    b=$(audit_ids "$dir")
    if [ "$a" = "$b" ]; then
        echo "  same advisories reported: ${a:-none}"
    else
        echo "  DIFFERENT advisories: cargo-sdl [$a] cargo audit [$b]"
    fi

    ours=$(best "$sdl" sdl sbom --offline --manifest-path "$dir/Cargo.toml" --out "$work/$ws.sdl.cdx.json")
    theirs=$(best env -C "$dir" cargo cyclonedx --format json --spec-version 1.5 --all)
    report "SBOM generation (CycloneDX 1.5)" "$ours" "$theirs" "cargo cyclonedx"
    echo "  components: cargo-sdl $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["components"]))' "$work/$ws.sdl.cdx.json"), cargo cyclonedx $(find "$dir" -maxdepth 1 -name '*.cdx.json' -exec python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("components", [])))' {} \;)"
done
