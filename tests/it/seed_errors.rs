//! Every validation error the loader reports, as golden files: each case in
//! `tests/seed_errors/` is a small bad seed and the `.txt` beside it is what loading it says.
//!
//! A case `NNNN_name.toml` is loaded as `extra.toml` beside the minimal valid seed in
//! `tests/seed_errors/base/`; a case folder `NNNN_name/` is a whole seed on its own. The
//! expected text is the errors as `diplograph check` prints them, with the temporary seed
//! directory left out of paths. `UPDATE_EXPECT=1 cargo test --test it seed_errors` rewrites
//! every `.txt` from what the loader says now (review the diff before committing).

use crate::support::root;
use diplograph::seed;
use std::path::{Path, PathBuf};

/// The directory of cases.
fn cases_dir() -> PathBuf {
    root().join("tests/seed_errors")
}

/// Copies every file below `from` into `to`, keeping relative paths.
fn copy_into(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_into(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// What loading the seed of `case` says, as the expected files hold it.
fn outcome(case: &Path) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    if case.is_dir() {
        copy_into(case, dir.path());
    } else {
        copy_into(&cases_dir().join("base"), dir.path());
        std::fs::copy(case, dir.path().join("extra.toml")).expect("copy case");
    }
    let text = match seed::load(dir.path()) {
        Ok(g) => format!("valid: {} entities", g.node_count()),
        Err(errors) => errors.to_string(),
    };
    let prefix = format!("{}{}", dir.path().display(), std::path::MAIN_SEPARATOR);
    format!("{}\n", text.replace(&prefix, ""))
}

#[test]
fn every_case_says_what_its_expected_file_says() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| !v.is_empty() && v != "0");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/seed_errors")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.as_bytes()[0].is_ascii_digit()))
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 14, "the cases are missing: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let got = outcome(case);
        let expected_path = case.with_extension("txt");
        let expected = std::fs::read_to_string(&expected_path).ok();
        if expected.as_deref() == Some(got.as_str()) {
            continue;
        }
        if update || expected.is_none() {
            std::fs::write(&expected_path, &got).expect("write expected");
        }
        let name = case.file_name().unwrap_or_default().to_string_lossy();
        match expected {
            None => failures.push(format!("{name}: no expected file; written, review it and rerun\n{got}")),
            Some(_) if update => eprintln!("{name}: expected file rewritten"),
            Some(expected) => failures.push(format!("{name}:\n--- expected\n{expected}--- got\n{got}")),
        }
    }
    assert!(failures.is_empty(), "{}\n(UPDATE_EXPECT=1 rewrites the expected files)", failures.join("\n"));
}

#[test]
fn an_empty_or_missing_directory_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let e = seed::load(dir.path()).expect_err("empty seed");
    assert!(e.to_string().contains("no `*.toml` seed files"), "{e}");
    let e = seed::load(&dir.path().join("nope")).expect_err("missing dir");
    assert!(e.to_string().contains("cannot read the seed directory"), "{e}");
}

#[test]
fn one_syntax_error_in_the_bundled_actors_gives_one_problem_and_a_count_of_unchecked_references() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_into(&root().join("seed"), dir.path());
    let actors = dir.path().join("actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors.toml");
    // Drop the closing quote of the first name.
    let at = text.find("name = \"").expect("a name") + "name = \"".len();
    let close = at + text[at..].find('"').expect("closing quote");
    std::fs::write(&actors, format!("{}{}", &text[..close], &text[close + 1..])).expect("write");
    let errors = seed::load(dir.path()).expect_err("a broken actors.toml").0;
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 2, "{lines:#?}");
    assert!(errors[0].message.starts_with("string not closed"), "{lines:#?}");
    let count: usize = errors[1]
        .message
        .strip_suffix(" references into actors.toml not checked")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(count > 20, "the bundled seed refers to its actors many times: {count}");
}
