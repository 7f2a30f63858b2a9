//! Write access: the tokens of `serve --tokens FILE`, checked by their SHA-256 digest in
//! constant time, and a per-token write rate limit. A token is never logged or kept: only
//! its digest is.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Reads only (reads need no token; a read token may not write).
    Read,
    /// Reads and writes.
    Write,
}

/// One line of the token file.
#[derive(Clone, Debug)]
pub struct Token {
    /// The name changes are signed with.
    pub name: String,
    pub role: Role,
    digest: [u8; 32],
}

/// A bad line of a token file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}:{line}: {message}")]
pub struct TokenFileError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The tokens a server accepts.
#[derive(Debug, Default)]
pub struct Tokens(Vec<Token>);

impl Tokens {
    /// Reads a token file's `text` (`file` names it in errors): one `NAME ROLE SHA256_HEX`
    /// per line, ROLE `read` or `write`; blank lines and `#` comments skipped.
    pub fn parse(file: &str, text: &str) -> Result<Tokens, TokenFileError> {
        let mut out = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let err = |message: String| TokenFileError { file: file.to_owned(), line: i + 1, message };
            let line = raw.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [name, role, hex] = parts[..] else {
                return Err(err(format!("expected `NAME ROLE SHA256_HEX`, found {} fields", parts.len())));
            };
            let role = match role {
                "read" => Role::Read,
                "write" => Role::Write,
                other => return Err(err(format!("unknown role `{other}`: expected `read` or `write`"))),
            };
            let digest = parse_hex(hex).ok_or_else(|| err("the digest is not 64 hex digits (SHA-256)".into()))?;
            if out.iter().any(|t: &Token| t.name == name) {
                return Err(err(format!("the name `{name}` is given twice")));
            }
            out.push(Token { name: name.to_owned(), role, digest });
        }
        Ok(Tokens(out))
    }

    /// No token at all: every write is refused as disabled.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The token `presented` is, if any: compared by digest, in constant time, against
    /// every token (no early exit).
    pub fn check(&self, presented: &str) -> Option<&Token> {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        for t in &self.0 {
            if bool::from(t.digest.ct_eq(&digest)) {
                found = Some(t);
            }
        }
        found
    }
}

fn parse_hex(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// At most `per_minute` writes (mutation fields) per token name in any minute-long window
/// (a fixed window).
#[derive(Debug)]
pub struct RateLimit {
    per_minute: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimit {
    /// A limit of `per_minute` writes per token; 0 means no limit.
    pub fn new(per_minute: u32) -> Self {
        RateLimit { per_minute, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts `n` writes of `name` when they fit in what is left of its window; false (and
    /// nothing counted) when they do not.
    pub fn allow(&self, name: &str, n: u32) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let Ok(mut windows) = self.windows.lock() else { return false };
        let now = Instant::now();
        let w = windows.entry(name.to_owned()).or_insert((now, 0));
        if now.duration_since(w.0) >= Duration::from_secs(60) {
            *w = (now, 0);
        }
        if w.1.saturating_add(n) > self.per_minute {
            return false;
        }
        w.1 += n;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn a_token_file_gives_names_roles_and_digests_and_bad_lines_their_line() {
        let t = Tokens::parse("t", &format!("# editors\n\nalice write {ABC}  # laptop\nbob read {}\n", "0".repeat(64)))
            .expect("parses");
        assert_eq!(t.check("abc").map(|t| (t.name.as_str(), t.role)), Some(("alice", Role::Write)));
        assert!(t.check("abd").is_none());
        let e = Tokens::parse("tokens.txt", &format!("alice admin {ABC}")).expect_err("bad role");
        assert_eq!((e.file.as_str(), e.line), ("tokens.txt", 1));
        assert!(e.to_string().starts_with("tokens.txt:1: unknown role `admin`"), "{e}");
        let e = Tokens::parse("t", "\nalice write abc").expect_err("short digest");
        assert_eq!(e.line, 2);
        assert!(Tokens::parse("t", "alice write").is_err());
        assert!(Tokens::parse("t", &format!("a write {ABC}\na read {ABC}")).is_err(), "a name twice");
    }

    #[test]
    fn the_rate_limit_counts_per_token() {
        let limit = RateLimit::new(3);
        assert!(limit.allow("a", 1) && limit.allow("a", 1));
        assert!(!limit.allow("a", 2), "two more do not fit");
        assert!(limit.allow("a", 1), "a refusal counts nothing");
        assert!(!limit.allow("a", 1));
        assert!(!limit.allow("b", 4), "more than a minute's worth at once");
        assert!(limit.allow("b", 3));
        assert!(RateLimit::new(0).allow("a", u32::MAX));
    }
}
