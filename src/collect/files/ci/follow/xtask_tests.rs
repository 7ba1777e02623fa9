use super::*;

fn source(text: &str) -> Sources {
    let (code, skeleton) = blank(text);
    Sources {
        files: vec![Source {
            file: 0,
            code,
            skeleton,
            path: "xtask/src/main.rs".into(),
        }],
    }
}

#[test]
fn blanks_comments_and_strings_keeping_offsets() {
    let text = "let a = \"x // y\"; // c\n/* a /* b */ c */ let c = '\"'; let r = r#\"q\"#;\nfn f<'a>() {}";
    let (code, skel) = blank(text);
    assert_eq!(code.len(), text.len());
    assert_eq!(skel.len(), text.len());
    assert!(code.contains("\"x // y\"") && !code.contains("// c"));
    assert!(!code.contains("/* a"));
    assert!(!skel.contains("x // y") && skel.contains("let c = ' ';"));
    assert!(skel.contains("fn f<'a>() {}"));
}

#[test]
fn spawns_of_each_form() {
    let text = r#"
fn ci(sh: &Shell) -> Result<()> {
cmd!(sh, "cargo clippy --workspace -- -D warnings").run()?;
let status = Command::new("cargo")
    .args(["test", "--workspace"])
    .arg("--locked")
    .status()?;
duct::cmd!("cargo", "deny", "check").run()?;
Command::new(env::var("CARGO").unwrap()).arg("fuzz").args(&extra).status()?;
Ok(())
}
"#;
    let s = source(text);
    let body = definitions(&s, "ci")[0].2.clone();
    let got: Vec<(String, bool)> = spawns(&s.files[0], body)
        .into_iter()
        .map(|s| (s.command, s.computed))
        .collect();
    assert_eq!(
        got,
        [
            ("cargo clippy --workspace -- -D warnings".to_string(), false),
            ("cargo test --workspace --locked".to_string(), false),
            ("cargo deny check".to_string(), false),
            ("cargo fuzz".to_string(), true),
        ]
    );
}

#[test]
fn entries_by_string_variant_or_name() {
    let s = source(
        "match args.next().as_deref() {\n    Some(\"ci\") => ci(&sh),\n    _ => help(),\n}\n",
    );
    let (_, at, variant) = entry(&s, "ci").unwrap();
    assert_eq!((s.files[0].line_of(at), variant), (2, None));
    let s = source(
        "enum Cmd { Ci, ClippyAll }\nfn main() {\n    match cmd {\n        Cmd::ClippyAll => clippy(),\n        Cmd::Ci => ci(),\n    }\n}\n",
    );
    let (_, at, variant) = entry(&s, "clippy-all").unwrap();
    assert_eq!(
        (s.files[0].line_of(at), variant.as_deref()),
        (4, Some("ClippyAll"))
    );
    let s = source(
        "enum Cmd {\n    #[command(name = \"check-all\")]\n    Everything,\n}\nfn main() { match c { Cmd::Everything => all(), } }\n",
    );
    let (_, at, _) = entry(&s, "check-all").unwrap();
    assert_eq!(s.files[0].line_of(at), 5);
    assert!(entry(&s, "nope").is_none());
}

#[test]
fn ambiguous_calls_are_told_apart_or_refused() {
    let s = source(
        "struct Ci; struct Fmt;\nimpl Ci { fn run(&self) { cmd!(sh, \"cargo test\"); } }\nimpl Fmt { fn run(&self) { cmd!(sh, \"cargo fmt\"); } }\n",
    );
    let (_, at, _) = resolve(&s, None, "run", &["Ci".into()]).unwrap().unwrap();
    assert_eq!(s.files[0].line_of(at), 2);
    assert_eq!(resolve(&s, None, "run", &["Other".into()]), Err(2));
}
