//! A validator for the subset of JSON Schema 2020-12 the project's schemas use
//! (`schema/*.schema.json`, and the subset schemas of CycloneDX and SARIF under
//! `tests/fixtures/schemas`).

use std::path::Path;

use serde_json::Value;

/// A validator for the subset of JSON Schema 2020-12 that schema/report.schema.json and the
/// subset schemas of CycloneDX and SARIF under tests/fixtures/schemas use. A keyword outside the
/// subset fails the test, so a schema cannot silently outgrow it.
pub(crate) struct Validator {
    root: Value,
}

const KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$defs",
    "$ref",
    "title",
    "description",
    "type",
    "enum",
    "const",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minimum",
    "maximum",
    "pattern",
    "oneOf",
    "anyOf",
    "uniqueItems",
    "minItems",
    "minLength",
];

impl Validator {
    pub(crate) fn errors(&self, value: &Value) -> Vec<String> {
        let mut errs = Vec::new();
        self.check(&self.root, value, "$", &mut errs);
        errs
    }

    fn check(&self, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
        let s = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => return errs.push(format!("{at}: not allowed")),
            Value::Object(s) => s,
            _ => panic!("{at}: a schema must be an object or a boolean"),
        };
        for k in s.keys() {
            assert!(
                KEYWORDS.contains(&k.as_str()),
                "unsupported keyword `{k}` at {at}"
            );
        }
        if let Some(r) = s.get("$ref") {
            let name = r
                .as_str()
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .unwrap_or_else(|| panic!("{at}: only #/$defs/ references are supported"));
            let target = &self.root["$defs"][name];
            assert!(!target.is_null(), "{at}: dangling $ref {name}");
            self.check(target, v, at, errs);
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(t) => vec![t],
                Value::Array(a) => a.iter().map(|x| x.as_str().unwrap()).collect(),
                _ => panic!("{at}: bad type"),
            };
            let ok = types.iter().any(|t| match *t {
                "object" => v.is_object(),
                "array" => v.is_array(),
                "string" => v.is_string(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                "null" => v.is_null(),
                other => panic!("{at}: unknown type {other}"),
            });
            if !ok {
                errs.push(format!("{at}: expected {types:?}, found {v}"));
                return;
            }
        }
        if let Some(e) = s.get("enum")
            && !e.as_array().unwrap().contains(v)
        {
            errs.push(format!("{at}: {v} is not one of {e}"));
        }
        if let Some(c) = s.get("const")
            && c != v
        {
            errs.push(format!("{at}: {v} is not {c}"));
        }
        if let Some(n) = v.as_f64() {
            if let Some(min) = s.get("minimum").and_then(Value::as_f64)
                && n < min
            {
                errs.push(format!("{at}: {n} < {min}"));
            }
            if let Some(max) = s.get("maximum").and_then(Value::as_f64)
                && n > max
            {
                errs.push(format!("{at}: {n} > {max}"));
            }
        }
        if let (Some(p), Some(text)) = (s.get("pattern").and_then(Value::as_str), v.as_str())
            && !regex::Regex::new(p).unwrap().is_match(text)
        {
            errs.push(format!("{at}: {text:?} does not match {p}"));
        }
        if let Some(obj) = v.as_object() {
            if let Some(req) = s.get("required") {
                for k in req.as_array().unwrap() {
                    let k = k.as_str().unwrap();
                    if !obj.contains_key(k) {
                        errs.push(format!("{at}: missing `{k}`"));
                    }
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, x) in obj {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => self.check(ps, x, &format!("{at}.{k}"), errs),
                    None => {
                        if let Some(extra) = s.get("additionalProperties") {
                            match extra {
                                Value::Bool(false) => errs.push(format!("{at}: unexpected `{k}`")),
                                other => self.check(other, x, &format!("{at}.{k}"), errs),
                            }
                        }
                    }
                }
            }
        }
        if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
            for (i, x) in arr.iter().enumerate() {
                self.check(items, x, &format!("{at}[{i}]"), errs);
            }
        }
        if let Some(arr) = v.as_array() {
            if s.get("uniqueItems") == Some(&Value::Bool(true)) {
                for (i, x) in arr.iter().enumerate() {
                    if arr[..i].contains(x) {
                        errs.push(format!("{at}[{i}]: a duplicate item"));
                    }
                }
            }
            if let Some(min) = s.get("minItems").and_then(Value::as_u64)
                && (arr.len() as u64) < min
            {
                errs.push(format!("{at}: fewer than {min} items"));
            }
        }
        if let (Some(min), Some(text)) = (s.get("minLength").and_then(Value::as_u64), v.as_str())
            && (text.chars().count() as u64) < min
        {
            errs.push(format!("{at}: shorter than {min} characters"));
        }
        for (key, exactly_one) in [("oneOf", true), ("anyOf", false)] {
            if let Some(alts) = s.get(key) {
                let passing = alts
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|alt| {
                        let mut e = Vec::new();
                        self.check(alt, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                let ok = if exactly_one {
                    passing == 1
                } else {
                    passing >= 1
                };
                if !ok {
                    errs.push(format!("{at}: {passing} alternatives of {key} match {v}"));
                }
            }
        }
    }
}

/// The validator of a schema file, by its path in the repository.
pub(crate) fn schema_validator(path: &str) -> Validator {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    Validator {
        root: serde_json::from_str(&text).expect("valid JSON"),
    }
}
