//! The fast reader against `toml`: the same records and ids, or a refusal, on every bundled
//! and generated file and on randomly damaged ones.

use super::*;
use proptest::prelude::*;
use std::path::Path;

use crate::seed::load::ids_of;

/// What toml reads, as text with every span (None when toml refuses the file).
fn by_toml(text: &str) -> Option<String> {
    toml::from_str::<SeedFile>(text).ok().map(|s| format!("{s:?}"))
}

/// The fast reader must give what toml gives (records and ids), or nothing.
fn agrees(text: &str) -> Result<bool, String> {
    let Some(fast) = read(text) else { return Ok(false) };
    let fast = format!("{fast:?}");
    let Ok(slow) = toml::from_str::<SeedFile>(text) else {
        return Err(format!("toml refuses what the reader accepted: {fast}"));
    };
    if fast != format!("{slow:?}") {
        return Err(format!("differs:\nfast {fast}\ntoml {slow:?}"));
    }
    let (ids, expected) = (format!("{:?}", read_ids(text)), format!("{:?}", Some(ids_of(slow))));
    if ids != expected {
        return Err(format!("ids differ:\nfast {ids}\ntoml {expected}"));
    }
    Ok(true)
}

fn seed_texts(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("seed dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            seed_texts(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(std::fs::read_to_string(&path).expect("seed file"));
        }
    }
}

fn bundled() -> Vec<String> {
    let mut texts = Vec::new();
    seed_texts(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seed"), &mut texts);
    texts
}

#[test]
fn reads_every_bundled_and_generated_file_as_toml_does() {
    let mut texts = bundled();
    let dir = tempfile::tempdir().expect("tempdir");
    crate::generate::generate(&crate::generate::GenerateConfig { events: 300, seed: 7 }, dir.path()).expect("gen");
    seed_texts(dir.path(), &mut texts);
    assert!(texts.len() > 5);
    for text in &texts {
        // Every file we write is in the subset: the fast reader must take it.
        assert_eq!(agrees(text), Ok(true), "{}", &text[..text.len().min(300)]);
    }
}

#[test]
fn leaves_other_toml_and_broken_files_to_toml() {
    let event = "id = \"event:x\"\ntitle = \"T\"\nkind = \"meeting\"\nstatus = \"occurred\"\nwhen = \"2021-06-08\"\nsummary = \"S\"\n";
    let cases = [
        // Valid TOML outside the subset: toml reads them, the reader declines.
        format!("[[event]]\n{event}topics = [\"a\", ]\nsources = [\n  # why\n  \"source:a\",\n]\n"),
        format!("[[event]]\n{event}summary2 = '''x'''\n"),
        format!("[[ event ]]\n{event}"),
        format!("[[event]]\n{}", event.replace("title = \"T\"", "title = \"\"\"T\"\"\"")),
        format!("[[event]]\n{}", event.replace("id = ", "\"id\" = ")),
        format!("[[event]]\n{event}participant = [{{ actor = \"actor:a\", role = \"host\" }}]\n"),
        "[[agreement]]\nid = \"agreement:a\"\ntitle = \"T\"\nkind = \"funding\"\nstatus = \"signed\"\nsummary = \"S\"\namount = 1_000\n".to_owned(),
        "[[agreement]]\nid = \"agreement:a\"\ntitle = \"T\"\nkind = \"funding\"\nstatus = \"signed\"\nsummary = \"S\"\namount = 1.5e3\nduration_months = 12\n".to_owned(),
        // Broken: unknown key, duplicate key, wrong type, missing field, bad escape,
        // control character, a part before its record, a table that is not an array.
        format!("[[event]]\n{event}colour = \"red\"\n"),
        format!("[[event]]\n{event}title = \"again\"\n"),
        format!("[[event]]\n{event}topics = \"one\"\n"),
        format!("[[event]]\n{}", event.replace("summary = \"S\"\n", "")),
        format!("[[event]]\n{}", event.replace("\"T\"", "\"a\\qb\"")),
        format!("[[event]]\n{}", event.replace("\"T\"", "\"a\u{1}b\"")),
        format!("[[event.participant]]\nactor = \"actor:a\"\nrole = \"host\"\n[[event]]\n{event}"),
        format!("[event]\n{event}"),
        format!("[[event]]\n{event}[[event.participant]]\nactor = \"actor:a\"\nrole = \"host\"\nextra = 1\n"),
        "[[statement]]\nid = \"statement:a\"\nspeaker = \"actor:a\"\nwhen = 2021-06-08\nchannel = \"interview\"\ntext = \"t\"\n".to_owned(),
    ];
    for (i, text) in cases.iter().enumerate() {
        let fast = agrees(text).unwrap_or_else(|e| panic!("case {i}: {e}"));
        // Each case that the reader takes must match toml; the broken ones it declines.
        if i >= 8 {
            assert!(!fast, "case {i} is broken and must go to toml:\n{text}");
            assert!(by_toml(text).is_none(), "case {i} should be refused by toml too");
        }
    }
}

#[test]
fn escapes_numbers_and_crlf_read_as_toml_reads_them() {
    let text = "# c\r\n[[agreement]] # after\r\nid = \"agreement:a\\u00e9\\t\\\"q\\\"\\\\\"\r\ntitle = 'lit \\n eral'\r\nkind = \"funding\"\r\nstatus = \"signed\"\r\nsummary = \"S \\U0001F600\"\r\namount = -12.5e-1\r\nduration_months = +36\r\nparties = [ \"actor:a\" , 'actor:b' ]\r\n\r\n[[agreement.note]]\r\ntext = \"n\"\r\n[[statement]]\nid = \"statement:s\"\nspeaker = \"actor:a\"\nwhen = \"2021\"\nchannel = \"x\"\ntext = \"t\"\nquote = true\n";
    assert_eq!(agrees(text), Ok(true));
}

/// Bytes that make interesting damage in a TOML file.
const TOKENS: &[&str] = &[
    "\"", "'", "[", "]", "[[", "]]", "=", "\n", "\r\n", "\r", "#", ",", "\\", "\\u00e9", "1.5", "-0", "1e999", "true",
    "\t", "é", "\u{0}", "{", "}", ".", " ",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// Random damage to a bundled seed file: whatever the reader accepts, toml reads the same.
    #[test]
    fn damaged_files_are_read_as_toml_reads_them_or_left_to_it(
        file in 0usize..64,
        edits in proptest::collection::vec((any::<usize>(), 0..TOKENS.len(), 0usize..3), 1..6),
    ) {
        let texts = bundled();
        let mut text = texts[file % texts.len()].clone();
        for (at, token, what) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match what {
                0 => text.insert_str(at, TOKENS[token]),
                1 => {
                    let mut end = (at + 1 + token).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                }
                _ => {
                    let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
                    let line = text[at..line_end].to_owned();
                    text.insert_str(line_end, &line);
                }
            }
        }
        prop_assert_eq!(agrees(&text).map(|_| ()), Ok(()));
    }
}
