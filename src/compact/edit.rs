//! Seed files edited as text, record by record, so that everything around an edited record
//! (comments, blank lines, the order of the file) stays as it was written.
//!
//! A record is a `[[kind]]` header (one of the six kinds, no dot), the comment lines right
//! above it (no blank line between), and every line after it up to its last line that is
//! neither blank nor a comment before the next record. Blank lines and comments between two
//! records (section rulers) belong to neither. This reads the TOML the seed files are
//! written in (README: headers, `key = value` lines, one-line strings); a file outside it may
//! be cut wrongly, which the compaction's check (the edited seed loaded and compared with the
//! replayed graph) catches before anything is written.

use std::collections::HashMap;

/// The record kinds, as their `[[kind]]` headers name them.
const KINDS: [&str; 6] = ["source", "actor", "place", "event", "agreement", "statement"];

/// Where one record is in a file's text (byte offsets, each at a line start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub kind: String,
    pub id: String,
    /// The first line of its comment block above the header, or the header.
    pub start: usize,
    /// The header line.
    pub header: usize,
    /// Past the newline of its last line.
    pub end: usize,
}

/// What a line is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    Blank,
    Comment,
    /// `[[name]]` (or `[name]`).
    Header(&'a str),
    /// A key, a value's continuation, or a line inside a multi-line string.
    Other,
}

fn classify(line: &str) -> Line<'_> {
    let t = line.trim();
    if t.is_empty() {
        Line::Blank
    } else if t.starts_with('#') {
        Line::Comment
    } else if let Some(rest) = t.strip_prefix('[') {
        let name = rest.trim_start_matches('[');
        let name = name.split(']').next().unwrap_or("").trim();
        Line::Header(name)
    } else {
        Line::Other
    }
}

/// Each line's start offset and kind; lines inside a multi-line string are `Other`.
fn lines(text: &str) -> Vec<(usize, Line<'_>)> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut in_string = false;
    for line in text.split_inclusive('\n') {
        let quotes = line.matches("\"\"\"").count() + line.matches("'''").count();
        out.push((at, if in_string { Line::Other } else { classify(line) }));
        if quotes % 2 == 1 {
            in_string = !in_string;
        }
        at += line.len();
    }
    out
}

/// The records of `text`, in file order (a record whose `id` line is missing has id "").
pub fn records(text: &str) -> Vec<Record> {
    let lines = lines(text);
    let is_record = |l: &Line| matches!(l, Line::Header(name) if KINDS.contains(name));
    let headers: Vec<usize> = (0..lines.len()).filter(|&i| is_record(&lines[i].1)).collect();
    let mut starts = Vec::with_capacity(headers.len());
    let mut floor = 0;
    for &h in &headers {
        // The comment block right above the header, never reaching the header before.
        let mut s = h;
        while s > floor && lines[s - 1].1 == Line::Comment {
            s -= 1;
        }
        starts.push(s);
        floor = h + 1;
    }
    let offset = |i: usize| lines.get(i).map_or(text.len(), |l| l.0);
    headers
        .iter()
        .enumerate()
        .map(|(n, &h)| {
            let next = starts.get(n + 1).copied().unwrap_or(lines.len());
            let last = (h..next).rev().find(|&i| matches!(lines[i].1, Line::Other | Line::Header(_))).unwrap_or(h);
            let kind = match lines[h].1 {
                Line::Header(name) => name.to_owned(),
                _ => String::new(),
            };
            let first_sub = (h + 1..=last).find(|&i| matches!(lines[i].1, Line::Header(_))).unwrap_or(last + 1);
            let id = (h + 1..first_sub).find_map(|i| id_of(&text[offset(i)..offset(i + 1)])).unwrap_or_default();
            Record { kind, id, start: offset(starts[n]), header: offset(h), end: offset(last + 1) }
        })
        .collect()
}

/// The id of an `id = "..."` line.
fn id_of(line: &str) -> Option<String> {
    let (key, _) = line.split_once('=')?;
    if key.trim() != "id" {
        return None;
    }
    let table: toml::Table = toml::from_str(line).ok()?;
    table.get("id")?.as_str().map(str::to_owned)
}

/// A record's text as written into a seed file: its lines from the header on, a blank line
/// before each sub-table header (`[[event.participant]]`), ending with one newline.
pub fn tidy(record: &str) -> String {
    let mut out = String::with_capacity(record.len() + 64);
    for line in record.trim().lines() {
        if matches!(classify(line), Line::Header(_)) && !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `text` with each record whose id is in `edits` replaced by the given text (its comment
/// block above kept) or removed (`None`, with its comment block and the blank lines after
/// it), then `appended` records added at the end, a blank line before each.
pub fn edit(text: &str, edits: &HashMap<String, Option<String>>, appended: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + appended.iter().map(String::len).sum::<usize>() + 64);
    let mut at = 0;
    for r in records(text) {
        let Some(edit) = edits.get(&r.id) else { continue };
        match edit {
            Some(new) => {
                out.push_str(&text[at..r.header]);
                out.push_str(new);
                at = r.end;
            }
            None => {
                out.push_str(&text[at..r.start]);
                let rest = &text[r.end..];
                let blank: usize = rest
                    .split_inclusive('\n')
                    .take_while(|l| l.trim().is_empty() && l.ends_with('\n'))
                    .map(str::len)
                    .sum();
                at = r.end + blank;
            }
        }
    }
    out.push_str(&text[at..]);
    if !appended.is_empty() || out.len() != text.len() {
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        if !out.is_empty() {
            out.push('\n');
        }
    }
    for record in appended {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(record);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# A story.\n\n# ==== part one\n\n[[event]]\nid = \"event:a\"\n# why\nwhen = \"2021\"\n\n[[event.participant]]\nactor = \"actor:x\"\n\n# The second one.\n[[event]]\nid = \"event:b\"\n\n# ==== part two\n\n[[statement]]\nid = \"statement:c\"\n";

    #[test]
    fn records_take_their_comment_block_and_leave_rulers() {
        let rs = records(FILE);
        let ids: Vec<_> = rs.iter().map(|r| (r.kind.as_str(), r.id.as_str())).collect();
        assert_eq!(ids, [("event", "event:a"), ("event", "event:b"), ("statement", "statement:c")]);
        assert_eq!(
            &FILE[rs[0].start..rs[0].end],
            "[[event]]\nid = \"event:a\"\n# why\nwhen = \"2021\"\n\n[[event.participant]]\nactor = \"actor:x\"\n"
        );
        assert_eq!(&FILE[rs[1].start..rs[1].end], "# The second one.\n[[event]]\nid = \"event:b\"\n");
        assert!(FILE[rs[1].end..rs[2].start].contains("part two"));
    }

    #[test]
    fn a_removed_record_takes_its_comments_and_one_gap_with_it() {
        let edits = HashMap::from([("event:b".to_owned(), None)]);
        let out = edit(FILE, &edits, &[]);
        assert!(!out.contains("event:b") && !out.contains("The second one"), "{out}");
        assert!(out.contains("actor = \"actor:x\"\n\n# ==== part two\n\n[[statement]]"), "{out}");
    }

    #[test]
    fn a_replaced_record_keeps_its_place_and_the_comment_above() {
        let edits =
            HashMap::from([("event:b".to_owned(), Some("[[event]]\nid = \"event:b\"\nwhen = \"2022\"\n".to_owned()))]);
        let out = edit(FILE, &edits, &["[[actor]]\nid = \"actor:y\"\n".to_owned()]);
        assert!(
            out.contains("# The second one.\n[[event]]\nid = \"event:b\"\nwhen = \"2022\"\n\n# ==== part two"),
            "{out}"
        );
        assert!(out.ends_with("statement:c\"\n\n[[actor]]\nid = \"actor:y\"\n"), "{out}");
    }

    #[test]
    fn tidy_writes_a_blank_line_before_each_sub_table() {
        let text =
            "\n[[event]]\nid = \"event:a\"\n[[event.participant]]\nactor = \"actor:x\"\n[[event.note]]\ntext = \"t\"\n";
        assert_eq!(
            tidy(text),
            "[[event]]\nid = \"event:a\"\n\n[[event.participant]]\nactor = \"actor:x\"\n\n[[event.note]]\ntext = \"t\"\n"
        );
    }
}
