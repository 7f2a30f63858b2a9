//! TOML parser messages in plain words: what is wrong with the text and how to write it,
//! instead of the grammar's names ("invalid basic string").

/// `message`, as toml words an error at byte `offset` of `text`, said plainly.
pub(super) fn toml_message(message: &str, text: &str, offset: usize) -> String {
    let message = message.trim();
    let (first, expected) = message.split_once('\n').unwrap_or((message, ""));
    let at = text.as_bytes().get(offset).copied();
    let at_line_end = matches!(at, None | Some(b'\n' | b'\r'));
    let plain = match first {
        "invalid basic string" | "invalid literal string" if at_line_end => {
            let quote = if first == "invalid basic string" { '"' } else { '\'' };
            format!("string not closed: a `{quote}` is missing at the end of the line")
        }
        "invalid basic string" | "invalid literal string" => {
            "a control character in a string: write it as an escape (`\\t`, `\\n`, `\\u0001`)".to_owned()
        }
        "invalid multiline basic string" => "multi-line string not closed: a `\"\"\"` is missing".to_owned(),
        "invalid multiline literal string" => "multi-line string not closed: a `'''` is missing".to_owned(),
        "invalid table header" if expected.contains("`]]`") => {
            "table header not closed: a `]]` is missing (headers read `[[kind]]`)".to_owned()
        }
        "invalid string" => "a value is missing or not quoted: write text in quotes, as in `name = \"...\"`".to_owned(),
        "invalid array" => {
            "list not closed or items not separated: a `,` between items or the closing `]` is missing".to_owned()
        }
        "invalid inline table" => "inline table not closed: a `}` is missing".to_owned(),
        "invalid escape sequence" => {
            "unknown escape after `\\`: write `\\\\` for a backslash (or use one of \\b \\f \\n \\r \\t \\\" \\uXXXX)"
                .to_owned()
        }
        "expected newline, `#`" => "more after the value: write one `key = value` a line".to_owned(),
        "expected `.`, `=`" => {
            "expected `key = value`: a key is one word (letters, digits, `_`, `-`) and an `=`".to_owned()
        }
        "" => "the file is not valid TOML here".to_owned(),
        _ if first.starts_with("duplicate key") => format!("{first}: a field is given twice"),
        _ if expected.is_empty() => first.to_owned(),
        _ => format!("{first} ({})", expected.replace('\n', "; ")),
    };
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_words_become_plain_words() {
        let unclosed = "name = \"Kamala\nkind = \"x\"\n";
        assert_eq!(
            toml_message("invalid basic string", unclosed, 14),
            "string not closed: a `\"` is missing at the end of the line"
        );
        assert!(toml_message("invalid basic string", "x = \"a\u{1}b\"", 6).starts_with("a control character"));
        assert_eq!(
            toml_message("invalid table header\nexpected `.`, `]]`", "[[event]\n", 7),
            "table header not closed: a `]]` is missing (headers read `[[kind]]`)"
        );
        assert_eq!(toml_message("something new\nexpected `x`", "", 0), "something new (expected `x`)");
    }
}
