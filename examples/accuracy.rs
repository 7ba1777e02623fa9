//! Compare `cargo sdl check --format json` results with the accuracy corpus's labels and print
//! per-rule precision and recall for `pass`, the confusion matrix of expected against actual
//! outcomes, the total accuracy, every mismatch and, loudly, every false pass. Run by
//! `scripts/accuracy.sh`; by hand:
//!
//! `cargo run --release --example accuracy -- tests/accuracy/labels.tsv RESULTS_DIR`
//!
//! RESULTS_DIR holds one report per repository, `owner+name.json`, or `owner+name.error` with the
//! error output when cargo-sdl could not assess it (its labels then count as wrong, as outcome
//! `missing`). Exit status: 0 when no label expecting something else was answered `pass`, 1 when
//! one was (a false pass), 2 when the labels are malformed or a result is missing without an
//! error file, unreadable or for another commit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

#[path = "../tests/accuracy/labels.rs"]
mod labels;

use labels::{Label, OUTCOMES};

/// What the tool answered for one rule of one repository.
#[derive(Debug, Clone)]
struct Actual {
    outcome: String,
    message: String,
    evidence: Vec<String>,
}

/// The actual outcome when a repository has no usable result.
const MISSING: &str = "missing";

/// One repository's findings by rule, or why there are none.
fn read_result(dir: &Path, label: &Label) -> Result<BTreeMap<String, Actual>, String> {
    let path = dir.join(format!("{}.json", label.slug()));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let report: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let assessed = report
        .pointer("/assessed/commit")
        .and_then(Value::as_str)
        .unwrap_or("");
    if assessed != label.commit {
        return Err(format!(
            "{}: assessed commit {assessed:?}, but the labels are for {}",
            path.display(),
            label.commit
        ));
    }
    let findings = report
        .get("findings")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{}: no findings array", path.display()))?;
    let mut out = BTreeMap::new();
    for f in findings {
        let (Some(rule), Some(outcome)) = (
            f.get("rule").and_then(Value::as_str),
            f.get("outcome").and_then(Value::as_str),
        ) else {
            continue;
        };
        let evidence = f
            .get("evidence")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|e| {
                let at = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
                match (at("path"), e.get("line").and_then(Value::as_u64)) {
                    ("", _) => format!("{} {}", at("kind"), at("id")).trim().to_string(),
                    (p, Some(line)) => format!("{p}:{line}"),
                    (p, None) => p.to_string(),
                }
            })
            .collect();
        out.insert(
            rule.to_string(),
            Actual {
                outcome: outcome.to_string(),
                message: f
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                evidence,
            },
        );
    }
    Ok(out)
}

fn ratio(n: usize, d: usize) -> String {
    if d == 0 {
        "-".to_string()
    } else {
        format!("{:.2}", n as f64 / d as f64)
    }
}

fn one_line(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s,
    }
}

#[derive(Default)]
struct RuleStats {
    labels: usize,
    correct: usize,
    /// Expected pass, answered pass.
    tp: usize,
    /// Answered pass, expected something else: a false pass.
    fp: usize,
    /// Expected pass, answered something else.
    fn_: usize,
}

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [labels_path, results] = &args[..] else {
        eprintln!("usage: accuracy LABELS.tsv RESULTS_DIR");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(labels_path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", labels_path.display());
            return ExitCode::from(2);
        }
    };
    let labels = match labels::parse(&text) {
        Ok(l) => l,
        Err(errors) => {
            eprintln!("{} is malformed:", labels_path.display());
            for e in errors {
                eprintln!("  {e}");
            }
            return ExitCode::from(2);
        }
    };

    let mut errors = Vec::new();
    let mut by_repo: BTreeMap<String, BTreeMap<String, Actual>> = BTreeMap::new();
    // Repositories cargo-sdl could not assess (it exited with an error; the script kept why in
    // owner+name.error): a measured failure of the tool, so their labels count as wrong without
    // making the comparison itself fail.
    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    for (repo, _) in labels::repositories(&labels) {
        let first = labels
            .iter()
            .find(|l| l.repository == repo)
            .expect("listed");
        let error_file = results.join(format!("{}.error", first.slug()));
        match read_result(results, first) {
            Ok(found) => {
                by_repo.insert(repo, found);
            }
            Err(_) if error_file.is_file() => {
                let why = std::fs::read_to_string(&error_file).unwrap_or_default();
                let why = why
                    .lines()
                    .map(str::trim)
                    .rfind(|l| !l.is_empty())
                    .unwrap_or("no reason recorded")
                    .to_string();
                failed.insert(repo, format!("cargo sdl failed on this repository: {why}"));
            }
            Err(e) => errors.push(e),
        }
    }

    let columns: Vec<&str> = OUTCOMES.iter().copied().chain([MISSING]).collect();
    let mut matrix: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut rules: BTreeMap<String, RuleStats> = BTreeMap::new();
    let mut rule_order: Vec<String> = Vec::new();
    let mut false_passes = Vec::new();
    let mut mismatches = Vec::new();
    let mut correct = 0;
    for l in &labels {
        let actual = by_repo
            .get(&l.repository)
            .map(|found| {
                found.get(&l.rule).cloned().unwrap_or_else(|| Actual {
                    outcome: MISSING.to_string(),
                    message: "the report has no finding for this rule".to_string(),
                    evidence: Vec::new(),
                })
            })
            .unwrap_or_else(|| Actual {
                outcome: MISSING.to_string(),
                message: failed
                    .get(&l.repository)
                    .cloned()
                    .unwrap_or_else(|| "no result for this repository".to_string()),
                evidence: Vec::new(),
            });
        if !rule_order.contains(&l.rule) {
            rule_order.push(l.rule.clone());
        }
        *matrix
            .entry((l.expected.clone(), actual.outcome.clone()))
            .or_default() += 1;
        let s = rules.entry(l.rule.clone()).or_default();
        s.labels += 1;
        let right = actual.outcome == l.expected;
        if right {
            s.correct += 1;
            correct += 1;
        } else {
            mismatches.push((l, actual.clone()));
        }
        match (l.expected == "pass", actual.outcome == "pass") {
            (true, true) => s.tp += 1,
            (false, true) => {
                s.fp += 1;
                false_passes.push((l, actual));
            }
            (true, false) => s.fn_ += 1,
            (false, false) => {}
        }
    }

    let repos = labels::repositories(&labels);
    println!(
        "# Accuracy: {} labels, {} repositories, {} rules\n",
        labels.len(),
        repos.len(),
        rule_order.len()
    );
    println!("## Per rule (positive class: pass)\n");
    println!(
        "| rule | labels | correct | pass expected | pass answered | false passes | precision | recall |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for rule in &rule_order {
        let s = &rules[rule];
        println!(
            "| {rule} | {} | {} | {} | {} | {} | {} | {} |",
            s.labels,
            s.correct,
            s.tp + s.fn_,
            s.tp + s.fp,
            s.fp,
            ratio(s.tp, s.tp + s.fp),
            ratio(s.tp, s.tp + s.fn_)
        );
    }
    let (tp, fp, fn_) = rules
        .values()
        .fold((0, 0, 0), |(a, b, c), s| (a + s.tp, b + s.fp, c + s.fn_));
    println!(
        "| **all** | {} | {correct} | {} | {} | {fp} | {} | {} |",
        labels.len(),
        tp + fn_,
        tp + fp,
        ratio(tp, tp + fp),
        ratio(tp, tp + fn_)
    );

    println!("\n## Confusion matrix (rows: expected, columns: actual)\n");
    println!("| expected \\ actual | {} | total |", columns.join(" | "));
    println!("|---|{}---:|", "---:|".repeat(columns.len()));
    for e in OUTCOMES {
        let row: Vec<usize> = columns
            .iter()
            .map(|a| {
                matrix
                    .get(&(e.to_string(), a.to_string()))
                    .copied()
                    .unwrap_or(0)
            })
            .collect();
        let cells: Vec<String> = row.iter().map(usize::to_string).collect();
        println!(
            "| {e} | {} | {} |",
            cells.join(" | "),
            row.iter().sum::<usize>()
        );
    }

    println!("\n## Per repository\n");
    println!("| repository | commit | labels | correct | false passes | result |");
    println!("|---|---|---:|---:|---:|---|");
    for (repo, commit) in &repos {
        let of_repo = |l: &&Label| l.repository == *repo;
        let n = labels.iter().filter(of_repo).count();
        let wrong = mismatches
            .iter()
            .filter(|(l, _)| l.repository == *repo)
            .count();
        let fps = false_passes
            .iter()
            .filter(|(l, _)| l.repository == *repo)
            .count();
        let result = if by_repo.contains_key(repo) {
            "read"
        } else if failed.contains_key(repo) {
            "cargo sdl failed"
        } else {
            "no usable result"
        };
        println!(
            "| {repo} | `{commit}` | {n} | {} | {fps} | {result} |",
            n - wrong
        );
    }

    println!("\n## Mismatch kinds per rule (expected → actual: count)\n");
    println!("| rule | mismatches |");
    println!("|---|---|");
    for rule in &rule_order {
        let mut kinds: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (l, a) in mismatches.iter().filter(|(l, _)| l.rule == *rule) {
            *kinds
                .entry((l.expected.clone(), a.outcome.clone()))
                .or_default() += 1;
        }
        if kinds.is_empty() {
            continue;
        }
        let mut kinds: Vec<_> = kinds.into_iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let cells: Vec<String> = kinds
            .iter()
            .map(|((e, a), n)| format!("{e} → {a}: {n}"))
            .collect();
        println!("| {rule} | {} |", cells.join(", "));
    }

    let ambiguous = |l: &Label| l.why.starts_with("ambiguous:");
    let n_ambiguous = labels.iter().filter(|l| ambiguous(l)).count();
    let wrong_ambiguous = mismatches.iter().filter(|(l, _)| ambiguous(l)).count();
    let unusable = labels
        .iter()
        .filter(|l| !by_repo.contains_key(&l.repository))
        .count();
    println!(
        "\n## Total\n\naccuracy {correct}/{} = {:.1}%, false passes {}",
        labels.len(),
        100.0 * correct as f64 / labels.len().max(1) as f64,
        false_passes.len()
    );
    println!(
        "\n{n_ambiguous} labels are marked ambiguous (a judgement call), {wrong_ambiguous} of them \
         mismatched; {unusable} labels belong to repositories without a usable result and count as \
         wrong."
    );
    if unusable > 0 {
        let assessed = labels.len() - unusable;
        println!(
            "\nOver the {} repositories with a result: accuracy {correct}/{assessed} = {:.1}%.",
            repos.len()
                - repos
                    .iter()
                    .filter(|(r, _)| !by_repo.contains_key(r))
                    .count(),
            100.0 * correct as f64 / assessed.max(1) as f64
        );
    }
    for (repo, why) in &failed {
        println!("\n{repo}: {why}");
    }

    println!("\n## Mismatches ({})\n", mismatches.len());
    for (l, a) in &mismatches {
        println!(
            "- {} {}: expected {}, actual {}: {}",
            l.repository,
            l.rule,
            l.expected,
            a.outcome,
            one_line(&a.message, 160)
        );
    }

    if !false_passes.is_empty() {
        println!("\n## FALSE PASSES ({})\n", false_passes.len());
        eprintln!(
            "\nFALSE PASS: {} label(s) expecting another outcome were answered pass:",
            false_passes.len()
        );
        for (l, a) in &false_passes {
            let cited = if a.evidence.is_empty() {
                String::new()
            } else {
                format!(" [cited: {}]", a.evidence.join(", "))
            };
            let line = format!(
                "- {} {} (labels.tsv:{}): expected {} ({}); the tool said: {}{cited}",
                l.repository,
                l.rule,
                l.line,
                l.expected,
                l.why,
                one_line(&a.message, 240)
            );
            println!("{line}");
            eprintln!("FALSE PASS {line}");
        }
    }

    if !errors.is_empty() {
        eprintln!("\nresults that could not be used (their labels count as wrong):");
        for e in &errors {
            eprintln!("  {e}");
        }
        return ExitCode::from(2);
    }
    if false_passes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
