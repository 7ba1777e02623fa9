//! Text from a repository or a package (commit messages, names, file names, statements) is
//! untrusted: it must never become a terminal control sequence, nor carry raw control
//! characters into a report file. One module decides how such characters are shown.
//!
//! - On the terminal, every C0 and C1 control (ESC and U+009B CSI included), DEL, and the
//!   Unicode bidirectional overrides (which can reorder what a reader sees) are written as
//!   visible escapes such as `\u{1b}`.
//! - In HTML and Markdown, the same characters become the same visible escapes, except line
//!   breaks and tabs, which those formats handle themselves.
//! - In JSON, serde already escapes C0; C1 characters are written as `\u009b`-style escapes,
//!   which keeps the value identical for any JSON reader while the file holds no raw control.
//! - File names with control characters are refused as evidence (see `repo_fs`) and in
//!   package manifests, so they never need encoding there.
//!
//! A leaf module.

/// True for the characters this module never lets through raw.
pub(crate) fn is_dangerous(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The Unicode bidirectional embedding, override and isolate controls.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

/// Text made safe for a terminal: no control character or bidi override passes raw.
pub fn terminal(text: &str) -> String {
    if !text.chars().any(is_dangerous) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Text made safe for a terminal, keeping its line breaks (multi-line messages such as error
/// chains): every line is sanitised on its own.
pub fn terminal_lines(text: &str) -> String {
    text.split('\n')
        .map(terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A rendered document (HTML, Markdown, CSV) with every dangerous character other than line
/// breaks and tabs replaced by its visible escape. Templates hold none of them, so whatever is
/// replaced came from the repository.
pub fn document(text: &str) -> String {
    if !text
        .chars()
        .any(|c| is_dangerous(c) && !matches!(c, '\n' | '\r' | '\t'))
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c) && !matches!(c, '\n' | '\r' | '\t') {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Serialised JSON with every remaining raw control or bidi character (serde escapes only C0)
/// written as a JSON `\uXXXX` escape. Such characters can only occur inside JSON strings, where
/// the escape denotes the same character, so every JSON reader sees the same value.
pub fn json(text: String) -> String {
    if !text.chars().any(is_dangerous) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c) && !matches!(c, '\n' | '\r' | '\t') {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "ok\u{1b}]0;pwned\u{7}\u{1b}[2Jcleared\u{9b}31m\r\nnext\u{202e}gnp.exe";

    #[test]
    fn terminal_text_cannot_carry_escape_sequences() {
        let safe = terminal(HOSTILE);
        assert!(!safe.chars().any(is_dangerous), "{safe:?}");
        assert!(safe.contains("\\u{1b}]0;pwned"), "{safe}");
        assert!(safe.contains("\\u{9b}31m"), "{safe}");
        assert!(safe.contains("\\u{202e}"), "{safe}");
        assert_eq!(terminal("plain text"), "plain text");
        let lines = terminal_lines("a\u{1b}\nb");
        assert_eq!(lines, "a\\u{1b}\nb");
    }

    #[test]
    fn documents_keep_line_breaks_and_lose_controls() {
        let d = document(HOSTILE);
        assert!(d.contains("\r\n"));
        assert!(!d.chars().any(|c| is_dangerous(c) && c != '\r' && c != '\n'));
    }

    #[test]
    fn json_escapes_keep_the_value() {
        let raw = serde_json::to_string(&serde_json::json!({ "s": HOSTILE })).unwrap();
        assert!(raw.contains('\u{9b}'));
        let safe = json(raw);
        assert!(!safe.chars().any(is_dangerous), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["s"], HOSTILE);
    }
}
