//! Parse errors worded as graphql-js words them: one line, `Syntax Error: Expected Name,
//! found "}".`, with the location of the offending token (async-graphql's parser gives pest's
//! multi-line drawing of the query instead).

use super::error::Code;
use async_graphql::parser::Error as ParseError;
use async_graphql::{Pos, ServerError};

/// The error to answer for a document that failed to parse (or failed async-graphql's checks that run with parsing: directives per field, nesting of fragments); `error` is what async-graphql reported for `query`.
pub fn describe(query: &str, error: ServerError) -> ServerError {
    let (message, pos, code) = match async_graphql::parser::parse_query(query) {
        // The text parses: the error came from the checks that run with parsing.
        Ok(_) => (error.message, error.locations.first().copied(), Code::GraphqlValidationFailed),
        Err(ParseError::Syntax { message, start, .. }) => {
            let (message, pos) = syntax(query, &message, start);
            (message, Some(pos), Code::GraphqlParseFailed)
        }
        Err(ParseError::MultipleOperations { anonymous, .. }) => (
            "This anonymous operation must be the only defined operation.".to_owned(),
            Some(anonymous),
            Code::GraphqlValidationFailed,
        ),
        Err(ParseError::OperationDuplicated { operation, second, .. }) => (
            format!(r#"There can be only one operation named "{operation}"."#),
            Some(second),
            Code::GraphqlValidationFailed,
        ),
        Err(ParseError::FragmentDuplicated { fragment, second, .. }) => (
            format!(r#"There can be only one fragment named "{fragment}"."#),
            Some(second),
            Code::GraphqlValidationFailed,
        ),
        Err(ParseError::MissingOperation) => {
            ("Must provide an operation.".to_owned(), None, Code::GraphqlValidationFailed)
        }
        Err(ParseError::RecursionLimitExceeded) => (
            "Syntax Error: selections are nested too deeply (at most 64 levels).".to_owned(),
            error.locations.first().copied(),
            Code::GraphqlParseFailed,
        ),
        Err(other) => (other.to_string(), other.positions().next(), Code::GraphqlParseFailed),
    };
    let mut e = ServerError::new(message, pos);
    e.extensions.get_or_insert_with(Default::default).set("code", code);
    e
}

/// The one-line message and location of a syntax error that pest reported at `at` with `drawing` (whose last line says what was expected).
fn syntax(query: &str, drawing: &str, at: Pos) -> (String, Pos) {
    let offset = offset_of(query, at);
    let start = skip_ignored(query, offset);
    let pos = pos_of(query, start);
    let token = match token_at(&query[start..]) {
        Ok(t) => t,
        Err(lexical) => return (format!("Syntax Error: {lexical}"), pos),
    };
    let expected = drawing.lines().last().and_then(|l| l.trim().strip_prefix("= expected ")).unwrap_or_default();
    let wanted = match expected {
        "name" | "selection" | "type_" | "alias" => Some("Name"),
        "selection_set" => Some(r#""{""#),
        "variable" => Some(r#""$""#),
        "type_condition" => Some(r#""on""#),
        _ => None,
    };
    let message = match wanted {
        Some(w) => format!("Syntax Error: Expected {w}, found {token}."),
        None => format!("Syntax Error: Unexpected {token}."),
    };
    (message, pos)
}

/// The byte offset of `pos` (1-based line and character column) in `text`.
fn offset_of(text: &str, pos: Pos) -> usize {
    let mut line = 1;
    let mut line_start = 0;
    if pos.line > 1 {
        for (i, c) in text.char_indices() {
            if c == '\n' {
                line += 1;
                if line == pos.line {
                    line_start = i + 1;
                    break;
                }
            }
        }
    }
    let rest = &text[line_start..];
    rest.char_indices().nth(pos.column.saturating_sub(1)).map_or(text.len(), |(i, _)| line_start + i)
}

/// The line and column of byte `offset` in `text`.
fn pos_of(text: &str, offset: usize) -> Pos {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, column }
}

/// The offset of the first token at or after `offset`: whitespace, commas and comments are skipped.
fn skip_ignored(text: &str, mut offset: usize) -> usize {
    let bytes = text.as_bytes();
    while offset < bytes.len() {
        match bytes[offset] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => offset += 1,
            b'#' => {
                while offset < bytes.len() && bytes[offset] != b'\n' && bytes[offset] != b'\r' {
                    offset += 1;
                }
            }
            _ if text[offset..].starts_with('\u{feff}') => offset += '\u{feff}'.len_utf8(),
            _ => break,
        }
    }
    offset
}

/// The token `rest` starts with, described as graphql-js does (`<EOF>`, `"}"`, `Name "x"`), or the lexical error there (`Unterminated string.`).
fn token_at(rest: &str) -> Result<String, String> {
    let Some(c) = rest.chars().next() else { return Ok("<EOF>".to_owned()) };
    if rest.starts_with("...") {
        return Ok(r#""...""#.to_owned());
    }
    if "!$&()]:=@[{|}".contains(c) {
        return Ok(format!(r#""{c}""#));
    }
    if c == '_' || c.is_ascii_alphabetic() {
        let end = rest.find(|c: char| !(c == '_' || c.is_ascii_alphanumeric())).unwrap_or(rest.len());
        return Ok(format!(r#"Name "{}""#, clip(&rest[..end])));
    }
    if c == '-' || c.is_ascii_digit() {
        let end =
            rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c))).map_or(rest.len(), |e| e + 1);
        let number = &rest[..end];
        let kind = if number.contains(['.', 'e', 'E']) { "Float" } else { "Int" };
        return Ok(format!(r#"{kind} "{}""#, clip(number)));
    }
    if let Some(body) = rest.strip_prefix(r#"""""#) {
        return match body.find(r#"""""#) {
            Some(end) => Ok(format!(r#"BlockString "{}""#, clip(&body[..end]))),
            None => Err("Unterminated string.".to_owned()),
        };
    }
    if let Some(body) = rest.strip_prefix('"') {
        let mut escaped = false;
        for (i, ch) in body.char_indices() {
            match ch {
                '\n' | '\r' => break,
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return Ok(format!(r#"String "{}""#, clip(&body[..i]))),
                _ => escaped = false,
            }
        }
        return Err("Unterminated string.".to_owned());
    }
    let shown = if (' '..='~').contains(&c) { format!(r#""{c}""#) } else { format!("U+{:04X}", c as u32) };
    Err(format!("Unexpected character: {shown}."))
}

/// At most 40 characters of the client's text, for messages.
fn clip(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(query: &str) -> (String, Pos) {
        let e = describe(query, ServerError::new("", None));
        (e.message, e.locations[0])
    }

    #[test]
    fn syntax_errors_read_as_graphql_js_words_them() {
        let at = |line, column| Pos { line, column };
        assert_eq!(message("{ actor("), ("Syntax Error: Expected Name, found <EOF>.".into(), at(1, 9)));
        assert_eq!(
            message("query {\n  actor(name: ) { id } }"),
            (r#"Syntax Error: Unexpected ")"."#.into(), at(2, 15))
        );
        assert_eq!(message("{ a }}"), (r#"Syntax Error: Unexpected "}"."#.into(), at(1, 6)));
        assert_eq!(message("{ }"), (r#"Syntax Error: Expected Name, found "}"."#.into(), at(1, 3)));
        assert_eq!(message("{ a \"x"), ("Syntax Error: Unterminated string.".into(), at(1, 5)));
        assert_eq!(message("{ a % }"), (r#"Syntax Error: Unexpected character: "%"."#.into(), at(1, 5)));
        assert_eq!(message("{ é }"), ("Syntax Error: Unexpected character: U+00E9.".into(), at(1, 3)));
    }
}
