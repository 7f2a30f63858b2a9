//! Every validation error the loader reports, each from a small bad seed: the message names
//! the file and the line, and a bad seed never yields a graph.

use crate::support::seed_dir;
use diplograph::seed;

/// A minimal valid seed, to which each case adds one mistake.
const SOURCES: &str = r#"
[[source]]
id = "source:a"
outlet = "Outlet"
title = "A report"
published = "2021-06-08"
document = "a.txt"
"#;

const PLACES: &str = r#"
[[place]]
id = "place:mexico"
name = "Mexico"
kind = "country"
code = "MEX"
sources = ["source:a"]

[[place]]
id = "place:mexico-city"
name = "Mexico City"
kind = "city"
within = "place:mexico"
sources = ["source:a"]
"#;

const ACTORS: &str = r#"
[[actor]]
id = "actor:kamala-harris"
name = "Kamala Harris"
kind = "person"
sources = ["source:a"]
"#;

/// Loads the minimal seed plus `extra` as `extra.toml`; returns the error lines.
fn errors_with(extra: &str) -> Vec<String> {
    let dir =
        seed_dir(&[("sources.toml", SOURCES), ("places.toml", PLACES), ("actors.toml", ACTORS), ("extra.toml", extra)]);
    match seed::load(dir.path()) {
        Ok(_) => Vec::new(),
        Err(e) => {
            e.0.iter()
                .map(|e| {
                    format!("{}:{}:{}: {}", e.file.file_name().unwrap().to_string_lossy(), e.line, e.column, e.message)
                })
                .collect()
        }
    }
}

/// Asserts that loading with `extra` fails with exactly `expected` (file:line:col: message).
fn check(extra: &str, expected: &[&str]) {
    let got = errors_with(extra);
    assert_eq!(got, expected, "\nseed:\n{extra}");
}

#[test]
fn the_minimal_seed_is_valid() {
    check("", &[]);
}

#[test]
fn syntax_error_names_file_line_and_column() {
    check("[[event]\nid = 1\n", &["extra.toml:1:8: invalid table header\nexpected `.`, `]]`"]);
}

#[test]
fn unknown_reference_suggests_the_closest_id() {
    let extra = r#"
[[event]]
id = "event:x"
title = "A meeting"
kind = "meeting"
status = "occurred"
when = "2021-06-08"
place = "place:mexico-cty"
summary = "They met."
sources = ["source:a"]
"#;
    check(extra, &["extra.toml:8:9: unknown place `place:mexico-cty` (did you mean `place:mexico-city`?)"]);
}

#[test]
fn reference_to_the_wrong_kind() {
    let extra = r#"
[[event]]
id = "event:x"
title = "A meeting"
kind = "meeting"
status = "occurred"
when = "2021-06-08"
place = "actor:kamala-harris"
summary = "They met."
sources = ["source:a"]
"#;
    check(extra, &["extra.toml:8:9: `actor:kamala-harris` is an actor, but a place is expected here"]);
}

#[test]
fn duplicate_ids_name_the_first_definition() {
    let extra =
        "[[actor]]\nid = \"actor:kamala-harris\"\nname = \"K. Harris\"\nkind = \"person\"\nsources = [\"source:a\"]\n";
    let got = errors_with(extra);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("extra.toml:2:6: duplicate id: it is already defined at "), "{got:?}");
    assert!(got[0].ends_with("actors.toml:3"), "{got:?}");
}

#[test]
fn impossible_dates_and_spans_that_end_before_they_start() {
    let extra = r#"
[[event]]
id = "event:x"
title = "A meeting"
kind = "meeting"
status = "occurred"
when = "2021-02-30"
summary = "They met."
sources = ["source:a"]

[[event]]
id = "event:y"
title = "A trip"
kind = "trip"
status = "occurred"
when = "2021-06-08/2021-06-06"
summary = "They went."
sources = ["source:a"]

[[event]]
id = "event:z"
title = "A call"
kind = "call"
status = "occurred"
when = "June"
summary = "They spoke."
sources = ["source:a"]
"#;
    check(
        extra,
        &[
            "extra.toml:7:8: `2021-02-30` is not a day of the calendar",
            "extra.toml:16:8: the span `2021-06-08/2021-06-06` ends before it starts",
            "extra.toml:25:8: `June` is not a date: write YYYY-MM-DD, YYYY-MM, YYYY or START/END",
        ],
    );
}

#[test]
fn unknown_enum_values_list_the_accepted_ones() {
    let extra = r#"
[[event]]
id = "event:x"
title = "A meeting"
kind = "summit"
mode = "telepathy"
status = "occurred"
when = "2021-06-08"
summary = "They met."
sources = ["source:a"]
"#;
    check(
        extra,
        &[
            "extra.toml:5:8: unknown event kind `summit`: expected one of meeting, call, visit, trip, signing, roundtable, press_conference, ceremony, tour, announcement",
            "extra.toml:6:8: unknown event mode `telepathy`: expected one of in_person, virtual, phone, unknown",
        ],
    );
}

#[test]
fn facts_and_relations_without_a_source() {
    let extra = r#"
[[event]]
id = "event:x"
title = "A meeting"
kind = "meeting"
status = "occurred"
when = "2021-06-08"
summary = "They met."

[[event.participant]]
actor = "actor:kamala-harris"
role = "guest"
"#;
    check(
        extra,
        &[
            "extra.toml:3:6: this event has no `sources`: every fact cites the reports it was read from",
            "extra.toml:10:1: a participant has no `sources`: every fact cites the reports it was read from",
        ],
    );
}

#[test]
fn all_problems_are_reported_at_once_across_files() {
    let dir = seed_dir(&[
        ("sources.toml", SOURCES),
        ("a.toml", "[[actor]]\nid = \"person:x\"\nname = \"X\"\nkind = \"human\"\nsources = [\"source:a\"]\n"),
        (
            "b.toml",
            "[[place]]\nid = \"place:y\"\nname = \"Y\"\nkind = \"city\"\ncode = \"yy\"\nsources = [\"source:zz\"]\n",
        ),
        ("c.toml", "not toml at all = = =\n"),
    ]);
    let errors = seed::load(dir.path()).expect_err("bad seed must not load").0;
    let text: Vec<String> = errors
        .iter()
        .map(|e| format!("{}:{}: {}", e.file.file_name().unwrap().to_string_lossy(), e.line, e.message))
        .collect();
    assert_eq!(errors.len(), 5, "{text:#?}");
    assert!(
        text.iter().any(|t| t.starts_with("a.toml:2: id `person:x` of an actor must start with `actor:`")),
        "{text:#?}"
    );
    assert!(text.iter().any(|t| t.starts_with("a.toml:4: unknown actor kind `human`")), "{text:#?}");
    assert!(
        text.iter().any(|t| t.starts_with("b.toml:5: only countries and airports have a standard `code`")),
        "{text:#?}"
    );
    assert!(text.iter().any(|t| t.starts_with("b.toml:6: unknown source `source:zz`")), "{text:#?}");
    assert!(text.iter().any(|t| t.starts_with("c.toml:1: ")), "{text:#?}");
}

#[test]
fn containment_cycles_are_rejected() {
    let extra = r#"
[[place]]
id = "place:a"
name = "A"
kind = "region"
within = "place:b"
sources = ["source:a"]

[[place]]
id = "place:b"
name = "B"
kind = "region"
within = "place:a"
sources = ["source:a"]
"#;
    check(
        extra,
        &[
            "extra.toml:3:6: `place:a` leads back to itself through `within`",
            "extra.toml:10:6: `place:b` leads back to itself through `within`",
        ],
    );
}

#[test]
fn money_needs_a_currency_code_and_quotes_stay_short() {
    let long = "word ".repeat(100);
    let extra = format!(
        r#"
[[agreement]]
id = "agreement:x"
title = "Funding"
kind = "funding"
status = "announced"
summary = "Money."
amount = 130000000
currency = "dollars"
sources = ["source:a"]

[[statement]]
id = "statement:x"
speaker = "actor:kamala-harris"
when = "2021-06-08"
channel = "press"
quote = true
text = "{long}"
sources = ["source:a"]
"#
    );
    check(
        &extra,
        &[
            "extra.toml:9:12: currency `dollars` is not an ISO 4217 code (three capital letters, e.g. USD)",
            "extra.toml:18:8: a quotation is at most 400 characters: quote a sentence, paraphrase the rest",
        ],
    );
}

#[test]
fn unknown_fields_and_missing_required_fields() {
    let got = errors_with(
        "[[actor]]\nid = \"actor:x\"\nname = \"X\"\nkind = \"person\"\nnationality = \"x\"\nsources = [\"source:a\"]\n",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("extra.toml:5:1: unknown field `nationality`"), "{got:?}");
    let got = errors_with("[[actor]]\nid = \"actor:x\"\nkind = \"person\"\nsources = [\"source:a\"]\n");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("missing field `name`"), "{got:?}");
}

#[test]
fn an_empty_or_missing_directory_is_an_error() {
    let dir = seed_dir(&[]);
    let e = seed::load(dir.path()).expect_err("empty seed");
    assert!(e.to_string().contains("no `*.toml` seed files"), "{e}");
    let e = seed::load(&dir.path().join("nope")).expect_err("missing dir");
    assert!(e.to_string().contains("cannot read the seed directory"), "{e}");
}

#[test]
fn invalid_utf8_is_located() {
    let dir = seed_dir(&[("sources.toml", SOURCES)]);
    std::fs::write(dir.path().join("bad.toml"), b"# ok\n# caf\xe9\n").expect("write");
    let e = seed::load(dir.path()).expect_err("bad utf-8");
    assert_eq!(e.0.len(), 1);
    assert_eq!((e.0[0].line, e.0[0].message.as_str()), (2, "the file is not valid UTF-8"));
}
