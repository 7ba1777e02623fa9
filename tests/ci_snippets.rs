//! The GitHub Action (`action.yml`) and the CI snippets in `docs/ci/` are what users copy into
//! their pipelines: they must parse, pin what they use, and run only commands cargo-sdl accepts.

use std::path::Path;

use clap::Parser;
use yaml_rust2::{Yaml, YamlLoader};

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn yaml(rel: &str) -> Yaml {
    YamlLoader::load_from_str(&read(rel))
        .unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"))
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{rel} is empty"))
}

/// The `cargo sdl …` command lines of a text, each checked against cargo-sdl's own CLI.
fn check_commands(rel: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let Some(at) = line.find("cargo sdl ") else {
            continue;
        };
        // Prose that names a command in backticks is not a command line.
        if line[..at].ends_with('`') {
            continue;
        }
        let command: String = line[at..]
            .trim_end_matches(['\'', '"', ';'])
            .replace(['"', '\''], "");
        let args: Vec<&str> = command
            .split_whitespace()
            // `$ARGS` is the user's extra options, split by the shell: none here.
            .filter(|a| *a != "$ARGS")
            .map(|a| if a.starts_with('$') { "value" } else { a })
            .collect();
        if let Err(e) = cargo_sdl::cli::Cli::try_parse_from(&args) {
            panic!("{rel}: `{command}` is not a cargo-sdl command line: {e}");
        }
        found.push(command);
    }
    found
}

#[test]
fn the_action_declares_validates_and_pins_what_it_uses() {
    let action = yaml("action.yml");
    assert!(action["name"].as_str().is_some() && action["description"].as_str().is_some());
    let inputs = action["inputs"].as_hash().expect("inputs");
    let declared: Vec<&str> = inputs.keys().filter_map(Yaml::as_str).collect();
    for (name, input) in inputs {
        let name = name.as_str().unwrap();
        assert!(
            input["description"].as_str().is_some(),
            "input {name} has no description"
        );
        assert!(
            input["default"].as_str().is_some(),
            "input {name} has no default"
        );
    }
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_vec().expect("steps");
    let mut ids = Vec::new();
    for step in steps {
        if let Some(id) = step["id"].as_str() {
            ids.push(id.to_string());
        }
        if let Some(uses) = step["uses"].as_str() {
            let sha = uses.rsplit_once('@').map(|(_, s)| s).unwrap_or("");
            assert!(
                sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                "`{uses}` is not pinned to a commit"
            );
        }
        if step["run"].as_str().is_some() {
            assert!(
                step["shell"].as_str().is_some(),
                "a run step needs a shell: {step:?}"
            );
        }
    }
    // Every input a step reads is declared; every output reads a step that exists.
    let text = read("action.yml");
    let mut rest = text.as_str();
    while let Some(at) = rest.find("inputs.") {
        rest = &rest[at + "inputs.".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-')
            .collect();
        assert!(
            declared.contains(&name.as_str()),
            "action.yml reads undeclared input {name}"
        );
    }
    for (name, output) in action["outputs"].as_hash().expect("outputs") {
        let value = output["value"].as_str().unwrap();
        if let Some(step) = value.split("steps.").nth(1) {
            let step: String = step.chars().take_while(|c| *c != '.').collect();
            assert!(
                ids.contains(&step),
                "output {name:?} reads step {step}, which does not exist"
            );
        }
    }
    // It fetches the database, writes the package with the gate, and uploads both results.
    let commands = check_commands("action.yml", &text);
    assert!(commands.iter().any(|c| c.starts_with("cargo sdl fetch")));
    assert!(
        text.contains("report --out \"$OUT\" --force $ARGS"),
        "the report step runs cargo sdl report"
    );
    assert!(text.contains("upload-sarif@") && text.contains("upload-artifact@"));
}

#[test]
fn the_ci_snippets_parse_and_run_what_cargo_sdl_accepts() {
    for rel in ["docs/ci/gitlab-ci.yml", "docs/ci/azure-pipelines.yml"] {
        let doc = yaml(rel);
        assert!(!doc.is_badvalue() && !doc.is_null(), "{rel}");
        let commands = check_commands(rel, &read(rel));
        assert!(
            commands.iter().any(|c| c == "cargo sdl fetch"),
            "{rel} fetches the database"
        );
        assert!(
            commands
                .iter()
                .any(|c| c.starts_with("cargo sdl report --out target/sdl-evidence")),
            "{rel} writes the package: {commands:?}"
        );
    }
    let jenkins = read("docs/ci/Jenkinsfile");
    assert!(
        jenkins.matches('{').count() == jenkins.matches('}').count(),
        "balanced braces"
    );
    let commands = check_commands("docs/ci/Jenkinsfile", &jenkins);
    assert!(commands.iter().any(|c| c.starts_with("cargo sdl report")));
    // The README shows the GitHub Action.
    assert!(read("README.md").contains("action.yml"));
}

/// The fenced blocks of one language in a Markdown file, in order.
fn fenced<'a>(text: &'a str, language: &str) -> Vec<&'a str> {
    let open = format!("```{language}\n");
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&open) {
        let body = &rest[at + open.len()..];
        let end = body.find("\n```").expect("a closed block");
        blocks.push(&body[..end + 1]);
        rest = &body[end + 4..];
    }
    blocks
}

#[test]
fn the_portfolio_pipelines_parse_and_merge_what_the_matrix_reports() {
    let rel = "docs/ci/portfolio.md";
    let text = read(rel);
    let blocks = fenced(&text, "yaml");
    assert_eq!(blocks.len(), 2, "a GitHub Actions and a GitLab CI example");
    let parse = |block: &str| {
        YamlLoader::load_from_str(block)
            .unwrap_or_else(|e| panic!("{rel}: not YAML: {e}"))
            .remove(0)
    };
    // Every `cargo sdl` line of both runs cargo-sdl's CLI as it parses today.
    let commands = check_commands(rel, &text);
    let portfolio: Vec<&String> = commands
        .iter()
        .filter(|c| c.starts_with("cargo sdl portfolio "))
        .collect();
    assert_eq!(portfolio.len(), 2, "{commands:?}");
    for c in &portfolio {
        assert!(c.contains("--organisation ") && c.contains("--out "), "{c}");
    }

    // GitHub: a matrix of report jobs keeps each package; the portfolio job needs them,
    // downloads them and merges the same files.
    let github = parse(blocks[0]);
    let jobs = &github["jobs"];
    let report = &jobs["report"];
    assert!(
        report["strategy"]["matrix"]["repository"]
            .as_vec()
            .is_some_and(|r| r.len() >= 2)
    );
    let steps = |job: &Yaml| -> Vec<Yaml> { job["steps"].as_vec().expect("steps").clone() };
    let uses = |job: &Yaml| -> Vec<String> {
        steps(job)
            .iter()
            .filter_map(|s| s["uses"].as_str().map(str::to_string))
            .collect()
    };
    for u in uses(report).iter().chain(uses(&jobs["portfolio"]).iter()) {
        let sha = u.rsplit_once('@').map(|(_, s)| s).unwrap_or("");
        assert!(
            sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
            "`{u}` is not pinned to a commit"
        );
    }
    let runs = |job: &Yaml| -> String {
        steps(job)
            .iter()
            .filter_map(|s| s["run"].as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(runs(report).contains("cargo sdl report --out target/sdl-evidence"));
    assert!(
        steps(report)
            .iter()
            .filter(|s| s["run"].as_str().is_some())
            .all(|s| s["shell"].as_str().is_some())
    );
    // The step of `job` that uses an action whose name contains `action`.
    let using = |job: &Yaml, action: &str| -> Yaml {
        steps(job)
            .into_iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.contains(action)))
            .unwrap_or_else(|| panic!("no step uses {action}"))
    };
    let upload = using(report, "upload-artifact");
    let kept = upload["with"]["path"].as_str().unwrap();
    assert!(runs(report).contains(&format!("--archive {kept}")));
    assert_eq!(jobs["portfolio"]["needs"].as_str(), Some("report"));
    let download = using(&jobs["portfolio"], "download-artifact");
    let folder = download["with"]["path"].as_str().unwrap();
    assert!(
        runs(&jobs["portfolio"]).contains(&format!("cargo sdl portfolio {folder}/*/{kept} ")),
        "the portfolio merges the downloaded packages"
    );

    // GitLab: parallel:matrix report jobs keep their packages as artifacts; the portfolio job
    // needs them and merges that folder.
    let gitlab = parse(blocks[1]);
    let report = &gitlab["sdl-report"];
    assert!(
        report["parallel"]["matrix"][0]["PRODUCT"]
            .as_vec()
            .is_some_and(|r| r.len() >= 2)
    );
    let kept = report["artifacts"]["paths"][0].as_str().unwrap();
    let script = |job: &Yaml| -> String {
        job["script"]
            .as_vec()
            .unwrap()
            .iter()
            .filter_map(|l| l.as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        script(report).contains(&format!("/{kept}")),
        "the archive goes to {kept}"
    );
    let merge = &gitlab["sdl-portfolio"];
    assert_eq!(merge["needs"][0].as_str(), Some("sdl-report"));
    assert!(script(merge).contains(&format!("cargo sdl portfolio {kept}*.tar.gz ")));
    assert_eq!(
        gitlab[".cargo-sdl"]["before_script"][0]
            .as_str()
            .map(|s| s.starts_with("cargo install --locked")),
        Some(true)
    );
}
