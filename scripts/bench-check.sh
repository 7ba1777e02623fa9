#!/usr/bin/env bash
# Whole-process timing of `cargo sdl check` and `report` against the tools a user would run
# for the same evidence, in one run, on one repository:
#   git log        the history (the fields cargo-sdl reads: id, parents, author, committer,
#                  dates, signature status not included)
#   cargo audit    the advisories of Cargo.lock (--no-fetch, the same database)
#   cargo cyclonedx the SBOM
# Each command runs RUNS times (default 5), interleaved (one of each, then again), and the
# median wall time is printed, with the ratios and each command's peak RSS (GNU time).
#
#   scripts/bench-check.sh REPO        (REPO: a checkout with Cargo.toml at its top)
#
# Also printed: `check` with the collectors run one after another (CARGO_SDL_SEQUENTIAL=1), to
# show what running them side by side gains. Environment: RUNS, ADVISORY_DB (default
# ../shared/advisory-db), CARGO_SDL (default: build this checkout's release binary).
# Peers that are not installed are installed with `cargo install --locked` (network once);
# without them their rows say "missing" and the ratio covers only the peers measured.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: scripts/bench-check.sh REPO}
target=$(cd "$target" && pwd)
db=${ADVISORY_DB:-$repo/../shared/advisory-db}
runs=${RUNS:-5}
[ -d "$db/crates" ] || { echo "no advisory database at $db; set ADVISORY_DB" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed for peak RSS" >&2; exit 2; }

if [ -n "${CARGO_SDL:-}" ]; then
    sdl=$(cd "$(dirname "$CARGO_SDL")" && pwd)/$(basename "$CARGO_SDL")
else
    echo "building cargo-sdl (release)" >&2
    cargo build --release --locked --quiet --manifest-path "$repo/Cargo.toml"
    sdl="$repo/target/release/cargo-sdl"
fi
for tool in cargo-audit cargo-cyclonedx; do
    command -v "$tool" >/dev/null || cargo install --locked --quiet "$tool" >&2 || true
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now=2026-11-29T00:00:00Z

declare -A cmd
cmd[check]="$sdl sdl --offline --advisory-db $db --current-time $now check --format json"
cmd[check-sequential]="env CARGO_SDL_SEQUENTIAL=1 ${cmd[check]}"
cmd[report]="$sdl sdl --offline --advisory-db $db --current-time $now report --out $work/pkg --force"
cmd[git-log]="git -C $target log --format=%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%s"
names=(check check-sequential report git-log)
if command -v cargo-audit >/dev/null; then
    cmd[cargo-audit]="cargo audit --no-fetch --stale --db $db --file $target/Cargo.lock --json"
    names+=(cargo-audit)
fi
if command -v cargo-cyclonedx >/dev/null; then
    cmd[cargo-cyclonedx]="cargo cyclonedx --manifest-path $target/Cargo.toml --format json --spec-version 1.5 --all"
    names+=(cargo-cyclonedx)
fi

declare -A times rss
for _ in $(seq "$runs"); do
    for n in "${names[@]}"; do
        (cd "$target" && /usr/bin/time -f '%e %M' -o "$work/time" ${cmd[$n]} >/dev/null 2>&1) || true
        # GNU time writes "Command exited with non-zero status N" first when it fails.
        read -r secs kb < <(tail -n 1 "$work/time")
        times[$n]="${times[$n]:-} $secs"
        [ "${rss[$n]:-0}" -ge "$kb" ] 2>/dev/null || rss[$n]=$kb
    done
done
# cargo cyclonedx writes its SBOMs beside the manifests; leave the checkout as it was.
git -C "$target" clean -q -f -- '*.cdx.json' 2>/dev/null || true

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A med
commits=$(git -C "$target" rev-list --count HEAD)
packages=$(grep -c '^\[\[package\]\]' "$target/Cargo.lock" || echo 0)
echo "repository: $(basename "$target"), $commits commits, $packages packages in Cargo.lock; median of $runs runs, interleaved"
printf '%-18s %9s %12s\n' command seconds "peak RSS MB"
for n in "${names[@]}"; do
    med[$n]=$(echo "${times[$n]}" | median)
    printf '%-18s %9.3f %12.1f\n' "$n" "${med[$n]}" "$(awk -v k="${rss[$n]}" 'BEGIN { print k / 1024 }')"
done
peers=0
for n in git-log cargo-audit cargo-cyclonedx; do
    [ -n "${med[$n]:-}" ] && peers=$(awk -v a="$peers" -v b="${med[$n]}" 'BEGIN { print a + b }')
done
echo "peers measured together: $peers s"
awk -v c="${med[check]}" -v s="${med[check-sequential]}" -v r="${med[report]}" -v p="$peers" 'BEGIN {
    printf "check / peers   %.2f\n", (p > 0 ? c / p : 0)
    printf "report / peers  %.2f\n", (p > 0 ? r / p : 0)
    printf "check / check-sequential  %.2f (collectors side by side vs one after another)\n", (s > 0 ? c / s : 0)
}'
echo "warm check after one new commit: not measured (no incremental cache yet, issue 14 item 3)"
