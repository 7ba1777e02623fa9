//! TOML diagnostics in the one form every configuration, catalogue and record error uses:
//! `line L, column C (`the offending line`): message`. A leaf module.

/// A TOML error as `line L, column C: message`, the form every config error uses.
pub fn describe(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            // The offending line names the key, which the parser's message often does not.
            let source = text.lines().nth(line - 1).unwrap_or("").trim();
            if source.is_empty() {
                format!("line {line}, column {col}: {message}")
            } else {
                let source: String = source.chars().take(80).collect();
                format!("line {line}, column {col} (`{source}`): {message}")
            }
        }
        None => message,
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    // The offset comes from the parser: never cut inside a character, whatever it says.
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser's offset is trusted to fall between characters; if it ever does not, the
    /// message is still written (slicing there panicked).
    #[test]
    fn line_and_column_never_cut_a_character() {
        assert_eq!(line_col("a\nbé = 1", 4), (2, 2));
        assert_eq!(line_col("a\nbé = 1", 5), (2, 3));
        assert_eq!(line_col("ſ", 1), (1, 1));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
