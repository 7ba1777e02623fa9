#!/usr/bin/env bash
# Benchmark the git collector against `git log` on the same repository, in a release build.
#
#   scripts/bench-git.sh                 generate a repository of 100,000 commits (merges,
#                                        trailers, annotated and lightweight tags) under
#                                        target/bench-git/ and measure it
#   scripts/bench-git.sh PATH            measure an existing repository
#   COMMITS=200000 scripts/bench-git.sh  generate a larger one
#
# Prints the wall time and peak RSS of each, and the ratio collector / git log.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
commits="${COMMITS:-100000}"
runs="${RUNS:-3}"

cargo build --release --quiet --example collect-git --manifest-path "$here/Cargo.toml"
target_dir="${CARGO_TARGET_DIR:-$here/target}"
case "$target_dir" in /*) ;; *) target_dir="$here/$target_dir" ;; esac
collector="$target_dir/release/examples/collect-git"

generate() {
    local dir="$1" n="$2"
    rm -rf "$dir"
    git init --quiet --bare -b main "$dir"
    # One stream: a main line where every 20th change is a pull-request merge of a
    # three-commit topic branch, squash-merge subjects, Gerrit-style and lookalike trailers,
    # advisory references, an annotated release tag every 2,000 commits and a lightweight
    # tag every 5,000.
    awk -v n="$n" 'BEGIN {
        t = 1500000000; mark = 0; pr = 0; main = 0; made = 0; rel = 0;
        while (made < n) {
            if (made % 20 == 19 && main > 0 && made + 4 <= n) {
                # A topic branch of three commits, then a merge commit.
                base = main; side = base; pr++;
                for (k = 0; k < 3; k++) {
                    mark++; t += 60; made++;
                    printf "commit refs/heads/topic\nmark :%d\n", mark;
                    printf "author Dev %d <dev%d@example.org> %d +0000\n", pr % 97, pr % 97, t;
                    printf "committer Dev %d <dev%d@example.org> %d +0000\n", pr % 97, pr % 97, t;
                    msg = sprintf("Topic work %d.%d\n\nSigned-off-by: Dev %d <dev%d@example.org>\n", pr, k, pr % 97, pr % 97);
                    printf "data %d\n%s\n", length(msg), msg;
                    printf "from :%d\n", side;
                    printf "M 100644 inline topic/%d.txt\ndata %d\n%s\n", pr % 500, length("x" made), "x" made;
                    side = mark;
                }
                mark++; t += 60; made++;
                printf "commit refs/heads/main\nmark :%d\n", mark;
                printf "author Maintainer <maint@example.org> %d +0000\n", t;
                printf "committer GitHub <noreply@github.com> %d +0000\n", t;
                msg = sprintf("Merge pull request #%d from dev%d/topic-%d\n\nTopic %d\n", pr, pr % 97, pr, pr);
                printf "data %d\n%s\n", length(msg), msg;
                printf "from :%d\nmerge :%d\n", main, side;
                main = mark;
            } else {
                mark++; t += 60; made++;
                a = made % 131;
                printf "commit refs/heads/main\nmark :%d\n", mark;
                printf "author Author %d <author%d@example.org> %d +0000\n", a, a, t;
                printf "committer Author %d <author%d@example.org> %d +0000\n", a, a, t;
                if (made % 3 == 0) {
                    pr++;
                    msg = sprintf("Change %d (#%d)\n\nSome text.\n\nReviewed-by: Reviewer %d <rev%d@example.org>\nSigned-off-by: Author %d <author%d@example.org>\n", made, pr, a % 7, a % 7, a, a);
                } else if (made % 3 == 1) {
                    msg = sprintf("fix: change %d\n\nSee https://example.org/%d for details.\n\nhttps://example.org/issue/%d\nfix: not a trailer\n", made, made, made);
                } else {
                    msg = sprintf("Change %d\n\nChange-Id: I%040d\nReviewed-on: https://review.example.org/c/%d\nReviewed-by: Reviewer %d <rev%d@example.org>\n", made, made, made, a % 7, a % 7);
                }
                if (made % 997 == 0) msg = msg sprintf("\nFixes RUSTSEC-2024-%04d and CVE-2024-%05d\n", made % 10000, made);
                printf "data %d\n%s\n", length(msg), msg;
                if (main > 0) printf "from :%d\n", main;
                printf "M 100644 inline src/file%d.rs\ndata %d\n%s\n", made % 1000, length("content " made), "content " made;
                if (made % 5000 == 0) printf "M 100644 inline docs/threat-model.md\ndata %d\n%s\n", length("model " made), "model " made;
                main = mark;
            }
            if (made % 2000 < 4 && made >= 2000 && made - last_tag >= 2000) {
                rel++; last_tag = made - made % 2000;
                printf "tag v0.%d.0\nfrom :%d\ntagger Release <release@example.org> %d +0000\n", rel, main, t;
                msg = sprintf("Release 0.%d.0\n", rel);
                printf "data %d\n%s\n", length(msg), msg;
            }
            if (made % 5000 < 4 && made - last_light >= 5000) {
                last_light = made - made % 5000;
                printf "reset refs/tags/snapshot-%d\nfrom :%d\n\n", made, main;
            }
        }
    }' | git -C "$dir" fast-import --quiet
    git -C "$dir" update-ref -d refs/heads/topic 2>/dev/null || true
    git -C "$dir" gc --quiet
}

if [[ $# -ge 1 ]]; then
    repo="$1"
else
    repo="$here/target/bench-git/repo-$commits.git"
    if [[ ! -d "$repo" ]]; then
        echo "generating $commits commits in $repo" >&2
        generate "$repo" "$commits"
    fi
fi

# Wall seconds and peak RSS (KiB) of a command; stdout discarded.
measure() {
    if [[ -x /usr/bin/time ]]; then
        local tmp
        tmp="$(mktemp)"
        /usr/bin/time -f '%e %M' -o "$tmp" "$@" >/dev/null 2>&1 || true
        tail -n 1 "$tmp"
        rm -f "$tmp"
    else
        local start end
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1 &
        local pid=$! peak=0 rss
        while kill -0 "$pid" 2>/dev/null; do
            rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
            [[ -n "$rss" && "$rss" -gt "$peak" ]] && peak=$rss
            sleep 0.01
        done
        wait "$pid" || true
        end=$(date +%s.%N)
        awk -v s="$start" -v e="$end" -v p="$peak" 'BEGIN { printf "%.2f %d\n", e - s, p }'
    fi
}

best() {
    local best_t="" best_m="" t m
    for _ in $(seq "$runs"); do
        read -r t m < <(measure "$@")
        if [[ -z "$best_t" ]] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then
            best_t="$t"; best_m="$m"
        fi
    done
    echo "$best_t $best_m"
}

count="$(git -C "$repo" rev-list --count HEAD)"
echo "repository: $repo ($count commits, $(git -C "$repo" tag | wc -l) tags), best of $runs"
read -r gt gm < <(best git -C "$repo" log --format='%H %P %an %ae %at %ct%n%(trailers)')
read -r ct cm < <(best "$collector" --no-progress --document docs/threat-model.md "$repo")
awk -v gt="$gt" -v gm="$gm" -v ct="$ct" -v cm="$cm" 'BEGIN {
    printf "%-10s %8.2f s %8.1f MB peak RSS\n", "git log", gt, gm / 1024
    printf "%-10s %8.2f s %8.1f MB peak RSS\n", "collector", ct, cm / 1024
    printf "ratio collector / git log: %.2f\n", (gt > 0 ? ct / gt : 0)
}'
