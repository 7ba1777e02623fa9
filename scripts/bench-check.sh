#!/usr/bin/env bash
# Whole-process timing of `cargo sdl check` and `report` against the tools a user would run
# for the same evidence, in one run, on one repository. cargo-sdl is timed
#   check-cold         with an empty cache (target/sdl-cache removed before each run; the run
#                      writes it)
#   check-no-cache     with --no-cache (neither read nor written)
#   check-warm         after one new commit, with the cache a run at the repository's HEAD
#                      left: in a throwaway clone, each run starts from that cache and one
#                      extra commit with a pinned date that changes one tracked source file
#                      (not a document, so the repository files are not read again)
#   check-sequential   --no-cache with the collectors one after another
#   report             `report --no-cache` into a new folder (the previous run's package is
#                      removed before each run)
# and the peers:
#   git log        the history (the fields cargo-sdl reads: id, parents, author, committer,
#                  dates, signature status not included)
#   cargo audit    the advisories of Cargo.lock (--no-fetch, the same database)
#   cargo cyclonedx the SBOM
# Each command runs RUNS times (default 5), interleaved (one of each, then again), and the
# median wall time is printed, with the ratios and each command's peak RSS (GNU time).
#
#   scripts/bench-check.sh REPO        (REPO: a checkout with Cargo.toml at its top)
#
# Environment: RUNS, ADVISORY_DB (default ../shared/advisory-db), CARGO_SDL (default: build
# this checkout's release binary into CARGO_TARGET_DIR, default target/).
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
    sdl="${CARGO_TARGET_DIR:-$repo/target}/release/cargo-sdl"
    case "$sdl" in /*) ;; *) sdl="$repo/$sdl" ;; esac
fi
for tool in cargo-audit cargo-cyclonedx; do
    command -v "$tool" >/dev/null || cargo install --locked --quiet "$tool" >&2 || true
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now=2026-11-29T00:00:00Z
# The cache lives in the assessed workspace's target/ (or CARGO_TARGET_DIR's).
unset CARGO_TARGET_DIR

# The throwaway clone for the warm runs: its cache is the one a run at HEAD leaves.
clone="$work/clone"
git clone --quiet --no-hardlinks "$target" "$clone"
git -C "$clone" checkout --quiet --detach "$(git -C "$target" rev-parse HEAD)"
base=$(git -C "$clone" rev-parse HEAD)
changed=$(git -C "$clone" ls-files '*.rs' | grep -v -E '(^|/)(lib|main|build)\.rs$' | grep -v -E '(^|/)(fuzz|tests?)/' | tail -n 1)
[ -n "$changed" ] || changed=$(git -C "$clone" ls-files | tail -n 1)
sdl_args="sdl --offline --advisory-db $db --current-time $now"
(cd "$clone" && "$sdl" $sdl_args check --format json >/dev/null 2>&1) || true
cp -a "$clone/target/sdl-cache" "$work/warm-cache"

declare -A cmd prepare
cmd[check-cold]="$sdl $sdl_args check --format json"
prepare[check-cold]="rm -rf $target/target/sdl-cache"
cmd[check-no-cache]="$sdl $sdl_args --no-cache check --format json"
cmd[check-warm]="$sdl $sdl_args check --format json"
cmd[check-sequential]="env CARGO_SDL_SEQUENTIAL=1 ${cmd[check-no-cache]}"
cmd[report]="$sdl $sdl_args --no-cache report --out $work/pkg"
prepare[report]="rm -rf $work/pkg"
cmd[git-log]="git -C $target log --format=%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%s"
names=(check-cold check-no-cache check-warm check-sequential report git-log)

# Before each warm run: back to HEAD, the cache a run there left, one new commit on top.
warm_setup() {
    git -C "$clone" reset --quiet --hard "$base"
    rm -rf "$clone/target/sdl-cache"
    cp -a "$work/warm-cache" "$clone/target/sdl-cache"
    echo "// one more line" >> "$clone/$changed"
    GIT_AUTHOR_DATE=2026-11-28T12:00:00Z GIT_COMMITTER_DATE=2026-11-28T12:00:00Z \
        git -C "$clone" -c user.name=Bench -c user.email=bench@example.org \
        -c commit.gpgsign=false commit --quiet -a -m "bench: one new commit"
}
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
        dir=$target
        [ -n "${prepare[$n]:-}" ] && ${prepare[$n]}
        if [ "$n" = check-warm ]; then
            warm_setup
            dir=$clone
        fi
        (cd "$dir" && /usr/bin/time -f '%e %M' -o "$work/time" ${cmd[$n]} >/dev/null 2>&1) || true
        # GNU time writes "Command exited with non-zero status N" first when it fails.
        read -r secs kb < <(tail -n 1 "$work/time")
        times[$n]="${times[$n]:-} $secs"
        [ "${rss[$n]:-0}" -ge "$kb" ] 2>/dev/null || rss[$n]=$kb
    done
done
# cargo cyclonedx writes its SBOMs beside the manifests; leave the checkout as it was.
git -C "$target" clean -q -f -- '*.cdx.json' 2>/dev/null || true
rm -rf "$target/target/sdl-cache"
# The warm runs gave the bytes a run without the cache gives.
warm_setup
(cd "$clone" && "$sdl" $sdl_args check --format json >"$work/warm.json" 2>/dev/null) || true
(cd "$clone" && "$sdl" $sdl_args --no-cache check --format json >"$work/uncached.json" 2>/dev/null) || true
if cmp -s "$work/warm.json" "$work/uncached.json"; then
    echo "warm report after one new commit: byte-identical to --no-cache"
else
    echo "warm report after one new commit DIFFERS from --no-cache" >&2
fi

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A med
commits=$(git -C "$target" rev-list --count HEAD)
packages=$(grep -c '^\[\[package\]\]' "$target/Cargo.lock" || echo 0)
echo "repository: $(basename "$target"), $commits commits, $packages packages in Cargo.lock; median of $runs runs, interleaved"
echo "warm runs: one new commit changing $changed; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
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
awk -v c="${med[check-cold]}" -v n="${med[check-no-cache]}" -v w="${med[check-warm]}" -v s="${med[check-sequential]}" -v r="${med[report]}" -v p="$peers" 'BEGIN {
    printf "check-cold / peers        %.2f (target <= 0.6)\n", (p > 0 ? c / p : 0)
    printf "check-no-cache / peers    %.2f\n", (p > 0 ? n / p : 0)
    printf "check-warm / check-cold   %.2f (target <= 0.2)\n", (c > 0 ? w / c : 0)
    printf "report / peers            %.2f (target <= 1.0)\n", (p > 0 ? r / p : 0)
    printf "check-no-cache / check-sequential  %.2f (collectors side by side vs one after another)\n", (s > 0 ? n / s : 0)
}'
