//! Seed problems, each with the file, line and column it was found at.

use std::fmt;
use std::path::PathBuf;

/// One problem in a seed directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    pub file: PathBuf,
    /// 1-based line, 0 when the problem concerns the whole file or directory.
    pub line: usize,
    /// 1-based column (in bytes), 0 when unknown.
    pub column: usize,
    pub message: String,
    /// The text of the line, shown under the message with a caret at the column.
    pub source_line: Option<String>,
}

impl SeedError {
    /// A problem with the whole file or directory `file`.
    pub fn whole(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        SeedError { file: file.into(), line: 0, column: 0, message: message.into(), source_line: None }
    }

    /// A problem at byte `offset` of `text`, the content of `file`, located through `lines`
    /// (an index of `text`).
    pub fn at(
        file: impl Into<PathBuf>,
        text: &str,
        lines: &LineIndex,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = lines.locate(offset);
        let source_line = lines.line_text(text, line).map(str::to_owned);
        SeedError { file: file.into(), line, column, message: message.into(), source_line }
    }
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file.display(), self.message),
            (l, 0) => write!(f, "{}:{l}: {}", self.file.display(), self.message),
            (l, c) => write!(f, "{}:{l}:{c}: {}", self.file.display(), self.message),
        }?;
        // The line and a caret under the column, as rustc shows them.
        if let (Some(text), true) = (&self.source_line, self.line > 0) {
            let number = self.line.to_string();
            let gutter = " ".repeat(number.len());
            let before = text.get(..self.column.saturating_sub(1)).unwrap_or(text);
            // Tabs stay tabs so that the caret lines up however they are shown.
            let pad: String = before.chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            write!(f, "\n{gutter} |\n{number} | {text}\n{gutter} | {pad}^")?;
        }
        Ok(())
    }
}

/// Every problem found in a seed directory; a seed with any of them yields no graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SeedErrors(pub Vec<SeedError>);

impl fmt::Display for SeedErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} in the seed", if n == 1 { "" } else { "s" })
    }
}

/// Turns byte offsets of one file into 1-based line and column numbers.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { starts }
    }

    /// The 1-based (line, column) of byte `offset`.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        (line.max(1), offset.saturating_sub(start) + 1)
    }

    /// The text of 1-based `line` of `text` (the text this index was built from), without
    /// its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).map_or(text.len(), |&next| next - 1);
        let raw = text.get(start..end.max(start))?;
        Some(raw.strip_suffix('\r').unwrap_or(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.locate(0), (1, 1));
        assert_eq!(idx.locate(1), (1, 2));
        assert_eq!(idx.locate(3), (2, 1));
        assert_eq!(idx.locate(7), (4, 1));
        let text = "ab\r\ncd\n\nef";
        let idx = LineIndex::new(text);
        assert_eq!(
            (1..=5).map(|l| idx.line_text(text, l)).collect::<Vec<_>>(),
            [Some("ab"), Some("cd"), Some(""), Some("ef"), None]
        );
    }
}
