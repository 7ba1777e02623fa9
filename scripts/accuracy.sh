#!/usr/bin/env bash
# Measure cargo-sdl against the accuracy corpus: real public repositories whose repository-file
# and CI rule outcomes were labelled by reading them (tests/accuracy/labels.tsv, see
# tests/accuracy/README.md).
#
#   scripts/accuracy.sh [LABELS]
#
# For every repository in the labels: check it out at the labelled commit under
# $ACCURACY_WORK/checkouts/owner+name, run `cargo sdl check --format json --offline` there into
# $ACCURACY_WORK/results/owner+name.json, then compare the results with the labels
# (examples/accuracy.rs): per-rule precision and recall for pass, the confusion matrix, the total
# accuracy, every mismatch and every false pass. The comparison is also written to
# $ACCURACY_WORK/accuracy.md.
#
# Environment:
#   ACCURACY_MIRRORS=DIR   take each repository from DIR/owner+name (a git directory, bare or not,
#                          or one holding it as repo/), never from the network
#   ACCURACY_WORK=DIR      checkouts and results (default: target/accuracy)
#   ACCURACY_TIME=RFC3339  the evaluation time (default: 2026-11-29T00:00:00Z, when the labels were
#                          made; the freshness rule depends on it)
#   CARGO_SDL=PATH         the cargo-sdl binary to measure (default: build this checkout's, release)
#
# Without ACCURACY_MIRRORS each repository is cloned from https://github.com/owner/name with
# --filter=blob:none. Nothing a repository contains is run: git runs no hooks or filters here,
# and cargo-sdl runs no repository program.
#
# A repository cargo-sdl cannot assess (it exits 2) is part of the measurement: its error is kept
# as $ACCURACY_WORK/results/owner+name.error and its labels count as wrong.
#
# Exit status: that of the comparison: 0, 1 when any rule answered pass where the label expects
# another outcome (a false pass), 2 when the labels are malformed or a repository could not be
# checked out or has no result for another reason.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
labels="${1:-$here/tests/accuracy/labels.tsv}"
work="${ACCURACY_WORK:-$here/target/accuracy}"
when="${ACCURACY_TIME:-2026-11-29T00:00:00Z}"
mirrors="${ACCURACY_MIRRORS:-}"

[ -f "$labels" ] || { echo "accuracy.sh: no labels at $labels" >&2; exit 2; }

cargo build --release --locked --quiet --example accuracy --manifest-path "$here/Cargo.toml"
compare="$here/target/release/examples/accuracy"
if [ -n "${CARGO_SDL:-}" ]; then
    # The tool runs inside each checkout: a relative path must not depend on that.
    case "$CARGO_SDL" in
        */*) sdl="$(cd "$(dirname "$CARGO_SDL")" && pwd)/$(basename "$CARGO_SDL")" ;;
        *) sdl="$(command -v "$CARGO_SDL")" || { echo "accuracy.sh: no $CARGO_SDL on PATH" >&2; exit 2; } ;;
    esac
    [ -x "$sdl" ] || { echo "accuracy.sh: $CARGO_SDL is not an executable" >&2; exit 2; }
else
    cargo build --release --locked --quiet --bin cargo-sdl --manifest-path "$here/Cargo.toml"
    sdl="$here/target/release/cargo-sdl"
fi

mkdir -p "$work/checkouts" "$work/results"
work="$(cd "$work" && pwd)" # absolute: the tool runs inside each checkout
# No hooks, no filter drivers (Git LFS included), no fsmonitor: checking out runs nothing.
git_safe() {
    GIT_LFS_SKIP_SMUDGE=1 git -c core.hooksPath=/dev/null -c core.fsmonitor=false \
        -c filter.lfs.smudge= -c filter.lfs.process= -c filter.lfs.required=false \
        -c advice.detachedHead=false "$@"
}

# Paths of the commit's files whose content the object store lacks (a snapshot without its
# largest files): they are left out of the work tree instead of failing the checkout.
missing_blobs() {
    local dir="$1" commit="$2"
    git_safe -C "$dir" ls-tree -r -z "$commit" | tr '\0' '\n' |
        awk -F'\t' '{ split($1, m, " "); if (m[2] == "blob") print m[3] "\t" $2 }' |
        while IFS="$(printf '\t')" read -r oid path; do
            git_safe -C "$dir" cat-file -e "$oid" 2>/dev/null || printf '%s\n' "$path"
        done
}

checkout() {
    local repo="$1" commit="$2" dest="$3" src
    if [ -d "$dest/.git" ] && [ "$(git_safe -C "$dest" rev-parse HEAD 2>/dev/null)" = "$commit" ]; then
        return 0
    fi
    rm -rf "$dest"
    if [ -n "$mirrors" ]; then
        src="$mirrors/${repo/\//+}"
        [ -d "$src/repo" ] && src="$src/repo"
        [ -d "$src" ] || { echo "accuracy.sh: no mirror of $repo at $src" >&2; return 1; }
        # --shared borrows the mirror's objects, so every commit in it is reachable.
        git_safe clone --quiet --shared --no-checkout "$src" "$dest"
    else
        git_safe clone --quiet --filter=blob:none --no-checkout "https://github.com/$repo.git" "$dest"
        git_safe -C "$dest" cat-file -e "$commit^{commit}" 2>/dev/null ||
            git_safe -C "$dest" fetch --quiet --filter=blob:none origin "$commit"
    fi
    git_safe -C "$dest" cat-file -e "$commit^{commit}" ||
        { echo "accuracy.sh: $repo has no commit $commit" >&2; return 1; }
    if [ -n "$mirrors" ]; then
        local missing
        missing="$(missing_blobs "$dest" "$commit")"
        if [ -n "$missing" ]; then
            echo "  $repo: $(printf '%s\n' "$missing" | wc -l) file(s) absent from the mirror, left out of the checkout:" >&2
            printf '%s\n' "$missing" | sed 's/^/    /' >&2
            # Sparse patterns written directly: `git sparse-checkout set` would first try to
            # check out the default branch, whose missing files it cannot read.
            git_safe -C "$dest" config core.sparseCheckout true
            git_safe -C "$dest" config core.sparseCheckoutCone false
            mkdir -p "$dest/.git/info"
            { echo '/*'; printf '%s\n' "$missing" | sed -e 's/[][*?\\]/\\&/g' -e 's|^|!/|'; } \
                >"$dest/.git/info/sparse-checkout"
        fi
    fi
    # With files left out, git still reports each one as an "invalid object" while it writes the
    # index; those lines say nothing new, anything else is passed on.
    local status=0 said
    said="$(git_safe -C "$dest" checkout --quiet --detach "$commit" 2>&1)" || status=$?
    if [ -n "$said" ]; then
        printf '%s\n' "$said" | grep -v "^error: invalid object [0-9]* [0-9a-f]* for '" >&2 || true
    fi
    return "$status"
}

awk -F'\t' 'NR > 1 && !seen[$1]++ { print $1 "\t" $2 }' "$labels" |
while IFS="$(printf '\t')" read -r repo commit; do
    slug="${repo/\//+}"
    out="$work/results/$slug.json"
    rm -f "$out" "$work/results/$slug.error"
    echo "$repo @ $commit" >&2
    if ! checkout "$repo" "$commit" "$work/checkouts/$slug"; then
        echo "  $repo: checkout failed; its labels count as wrong" >&2
        continue
    fi
    status=0
    (cd "$work/checkouts/$slug" &&
        CARGO_NET_OFFLINE=true "$sdl" sdl check --format json --offline --color never \
            --current-time "$when") >"$out.tmp" 2>"$work/results/$slug.stderr" || status=$?
    # 1 is the gate failing, which a repository without SDL records does; 2 is an error.
    if [ "$status" -le 1 ] && [ -s "$out.tmp" ]; then
        mv "$out.tmp" "$out"
    else
        rm -f "$out.tmp"
        # The tool could not assess the repository: measured, its labels count as wrong.
        { echo "exit status $status"; sed "s|$work/checkouts/$slug|<checkout>|g" "$work/results/$slug.stderr"; } \
            >"$work/results/$slug.error"
        echo "  $repo: cargo sdl exited $status; see $work/results/$slug.stderr" >&2
    fi
done

set +e
"$compare" "$labels" "$work/results" | tee "$work/accuracy.md"
status=${PIPESTATUS[0]}
set -e
echo "written $work/accuracy.md" >&2
exit "$status"
