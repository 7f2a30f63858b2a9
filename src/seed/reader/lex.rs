//! The reader's lexing: blanks, comments, keys, headers and values of the TOML subset, one
//! byte at a time, declining (`None`) at anything outside it.

use super::{Pair, Table, Value};
use crate::seed::records::Text;
use std::borrow::Cow;
use toml::Spanned;

/// A cursor over one file's text.
pub(super) struct Reader<'a> {
    pub s: &'a str,
    pub b: &'a [u8],
    pub i: usize,
    /// False when only ids are wanted: arrays are checked but not kept.
    pub keep: bool,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Spaces and tabs.
    fn spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// A comment, if one starts here, up to (not including) the end of its line.
    fn comment(&mut self) -> Option<()> {
        if self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                match c {
                    b'\n' => break,
                    b'\r' if self.b.get(self.i + 1) == Some(&b'\n') => break,
                    // Control characters are not allowed in comments: let toml say so.
                    0..=8 | 0x0a..=0x1f | 0x7f => return None,
                    _ => self.i += 1,
                }
            }
        }
        Some(())
    }

    /// The end of a line: spaces, a comment, then a newline or the end of the text.
    fn end_of_line(&mut self) -> Option<()> {
        self.spaces();
        self.comment()?;
        match self.peek() {
            None => {}
            Some(b'\n') => self.i += 1,
            Some(b'\r') if self.b.get(self.i + 1) == Some(&b'\n') => self.i += 2,
            Some(_) => return None,
        }
        Some(())
    }

    /// Blank and comment lines, and the spaces before the next item.
    pub fn blank(&mut self) {
        loop {
            self.spaces();
            let at = self.i;
            match self.peek() {
                Some(b'#' | b'\n' | b'\r') if self.end_of_line().is_some() => {}
                _ => {
                    self.i = at;
                    return;
                }
            }
        }
    }

    /// A bare key.
    fn key(&mut self) -> Option<&'a str> {
        let start = self.i;
        while matches!(self.peek(), Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }

    /// `[[name]]` or `[[name.part]]`, alone on its line.
    pub fn header(&mut self) -> Option<Table<'a>> {
        let start = self.i;
        if !self.b[self.i..].starts_with(b"[[") {
            return None;
        }
        self.i += 2;
        let name_start = self.i;
        self.key()?;
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.key()?;
        }
        let header = &self.s[name_start..self.i];
        if !self.b[self.i..].starts_with(b"]]") {
            return None;
        }
        self.i += 2;
        let span = start..self.i;
        self.end_of_line()?;
        Some(Table { header, span, pairs: Vec::new() })
    }

    /// `key = value`, alone on its line.
    pub fn pair(&mut self) -> Option<Pair<'a>> {
        let key = self.key()?;
        self.spaces();
        if self.peek() != Some(b'=') {
            return None;
        }
        self.i += 1;
        self.spaces();
        let start = self.i;
        let value = self.value()?;
        let span = start..self.i;
        self.end_of_line()?;
        Some(Pair { key, value, span })
    }

    fn value(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' | b'\'' => self.string().map(Value::Str),
            b'[' => self.strings().map(Value::Strings),
            b't' | b'f' => {
                let word = self.word();
                match word {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ => None,
                }
            }
            b'0'..=b'9' | b'+' | b'-' => number(self.word()),
            _ => None,
        }
    }

    /// The characters up to the next space, comma, bracket, comment or line end.
    fn word(&mut self) -> &'a str {
        let start = self.i;
        while let Some(c) = self.peek() {
            if matches!(c, b' ' | b'\t' | b',' | b']' | b'#' | b'\n' | b'\r') {
                break;
            }
            self.i += 1;
        }
        &self.s[start..self.i]
    }

    /// A one-line basic (`"..."`) or literal (`'...'`) string.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let quote = self.b[self.i];
        if self.b[self.i..].starts_with(&[quote; 3]) {
            return None; // a multi-line string
        }
        self.i += 1;
        let start = self.i;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let c = self.peek()?;
            match c {
                _ if c == quote => break,
                b'\\' if quote == b'"' => {
                    let buf = owned.get_or_insert_with(String::new);
                    buf.push_str(&self.s[run..self.i]);
                    self.i += 1;
                    let (ch, len) = match self.peek()? {
                        b'b' => ('\u{8}', 1),
                        b't' => ('\t', 1),
                        b'n' => ('\n', 1),
                        b'f' => ('\u{c}', 1),
                        b'r' => ('\r', 1),
                        b'"' => ('"', 1),
                        b'\\' => ('\\', 1),
                        b'u' => (self.unicode(4)?, 5),
                        b'U' => (self.unicode(8)?, 9),
                        _ => return None,
                    };
                    buf.push(ch);
                    self.i += len;
                    run = self.i;
                }
                b'\t' => self.i += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.i += 1,
            }
        }
        let out = match owned {
            Some(mut buf) => {
                buf.push_str(&self.s[run..self.i]);
                Cow::Owned(buf)
            }
            None => Cow::Borrowed(&self.s[start..self.i]),
        };
        self.i += 1;
        Some(out)
    }

    /// The character of a `\u`/`\U` escape with `digits` hex digits after the letter.
    fn unicode(&self, digits: usize) -> Option<char> {
        let hex = self.s.get(self.i + 1..self.i + 1 + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    /// An array of strings, possibly over several lines with comments.
    fn strings(&mut self) -> Option<Vec<Text>> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            self.blank();
            match self.peek()? {
                b']' => break,
                b'"' | b'\'' => {
                    let start = self.i;
                    let s = self.string()?;
                    if self.keep {
                        out.push(Spanned::new(start..self.i, s.into_owned()));
                    }
                }
                _ => return None,
            }
            self.blank();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.i += 1;
        Some(out)
    }
}

/// A decimal integer or float as TOML writes them (no underscores, no leading zeros, no
/// `inf`/`nan`); anything else, dates included, is left to toml.
fn number(word: &str) -> Option<Value<'static>> {
    let digits = word.strip_prefix(['+', '-']).unwrap_or(word);
    let int_len = digits.bytes().take_while(u8::is_ascii_digit).count();
    let (int, rest) = digits.split_at(int_len);
    if int.is_empty() || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    if rest.is_empty() {
        return word.parse().ok().map(Value::Int);
    }
    let mut tail = rest;
    if let Some(frac) = tail.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        tail = &frac[n..];
    }
    if let Some(exp) = tail.strip_prefix(['e', 'E']) {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if exp.is_empty() || !exp.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        tail = "";
    }
    if !tail.is_empty() {
        return None;
    }
    word.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float)
}
