//! The news reports the bundled seed cites are in the repository: every `Source.document`
//! names a file of `seed/reports/`, and every file there is cited.

use crate::support::{data, root};
use serde_json::json;

#[test]
fn every_source_document_is_a_file_of_seed_reports() {
    let d = data("{ sources(first: 100) { totalCount nodes { id document } } }", json!({}));
    let nodes = d["sources"]["nodes"].as_array().expect("sources");
    assert_eq!(d["sources"]["totalCount"], nodes.len(), "one page holds them all");
    let reports = root().join("seed/reports");
    let mut cited: Vec<String> = Vec::new();
    for s in nodes {
        let document = s["document"].as_str().expect("document");
        let file = reports.join(document);
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {}: {e}", s["id"], file.display()));
        assert!(!text.trim().is_empty(), "{} is empty", file.display());
        cited.push(document.to_owned());
    }
    let mut present: Vec<String> = std::fs::read_dir(&reports)
        .expect("seed/reports")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    cited.sort();
    assert_eq!(present, cited, "every report in seed/reports/ is cited by one source");
}
