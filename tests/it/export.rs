//! Exports (issue 18): CSV read back and compared with the API, GraphML parsed with an XML
//! reader (counts equal the graph's), JSON-LD, GDELT rows, files never left half-written,
//! and the HTTP routes (streamed body, ETag, 404 with the list).

use crate::http::{base, client, send};
use crate::support::{data, graph};
use diplograph::export::{write_file, ExportFile, Table};
use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The export `file` of the bundled seed, as text.
fn export(file: ExportFile) -> String {
    let mut out = Vec::new();
    file.write(&graph(), &mut out).expect("export writes");
    String::from_utf8(out).expect("utf-8")
}

/// A CSV table read back with the `csv` crate: header, then rows as column -> value.
fn table(t: Table) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let text = export(ExportFile::Csv(t));
    assert!(text.ends_with("\r\n"), "RFC 4180 line ends");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().expect("header").iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.expect("record");
            assert_eq!(rec.len(), header.len());
            header.iter().cloned().zip(rec.iter().map(str::to_owned)).collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn csv_tables_have_their_documented_columns() {
    for &t in Table::ALL {
        let (header, _) = table(t);
        assert_eq!(header, t.columns(), "{}", t.as_str());
    }
    assert_eq!(
        Table::Events.columns(),
        [
            "id",
            "title",
            "kind",
            "mode",
            "status",
            "when",
            "start",
            "end",
            "place",
            "part_of",
            "topics",
            "summary",
            "plover_type",
            "plover_mode",
            "cameo",
            "sources"
        ]
    );
}

#[test]
fn csv_events_read_back_equal_the_api() {
    let (_, rows) = table(Table::Events);
    let api = data(
        "{ events(first: 100) { nodes { id title kind status summary cameo plover { type mode } place { id }
            sources { id } when { text } } } }",
        json!({}),
    );
    let nodes = api["events"]["nodes"].as_array().expect("events");
    assert_eq!(rows.len(), nodes.len());
    for (row, n) in rows.iter().zip(nodes) {
        assert_eq!(row["id"], n["id"].as_str().unwrap());
        assert_eq!(row["title"], n["title"].as_str().unwrap());
        assert_eq!(row["kind"].to_uppercase(), n["kind"].as_str().unwrap());
        assert_eq!(row["summary"], n["summary"].as_str().unwrap());
        assert_eq!(row["cameo"], n["cameo"].as_str().unwrap());
        assert_eq!(row["plover_type"], n["plover"]["type"].as_str().unwrap_or(""));
        assert_eq!(row["plover_mode"], n["plover"]["mode"].as_str().unwrap_or(""));
        assert_eq!(row["place"], n["place"]["id"].as_str().unwrap_or(""));
        assert_eq!(row["when"], n["when"]["text"].as_str().unwrap());
        let sources: Vec<&str> = n["sources"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(row["sources"], sources.join(";"));
    }
}

#[test]
fn csv_participations_and_actors_read_back_equal_the_api() {
    let (_, parts) = table(Table::Participations);
    let api = data("{ events(first: 100) { nodes { id participants { actor { id } role } } } }", json!({}));
    let mut expected = Vec::new();
    for n in api["events"]["nodes"].as_array().unwrap() {
        for p in n["participants"].as_array().unwrap() {
            expected.push((
                n["id"].as_str().unwrap().to_owned(),
                p["actor"]["id"].as_str().unwrap().to_owned(),
                p["role"].as_str().unwrap().to_lowercase(),
            ));
        }
    }
    let got: Vec<_> = parts.iter().map(|r| (r["event"].clone(), r["actor"].clone(), r["role"].clone())).collect();
    assert_eq!(got, expected);

    let (_, actors) = table(Table::Actors);
    let api = data("{ actors(first: 100) { nodes { id name country { id } } } }", json!({}));
    let nodes = api["actors"]["nodes"].as_array().unwrap();
    assert_eq!(actors.len(), nodes.len());
    for (row, n) in actors.iter().zip(nodes) {
        assert_eq!(
            (row["id"].as_str(), row["name"].as_str()),
            (n["id"].as_str().unwrap(), n["name"].as_str().unwrap())
        );
        assert_eq!(row["country"], n["country"]["id"].as_str().unwrap_or(""));
    }
}

#[test]
fn graphml_has_a_node_per_entity_and_an_edge_per_relation() {
    let text = export(ExportFile::Graphml);
    let doc = roxmltree::Document::parse(&text).expect("well-formed GraphML");
    let g = graph();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "graphml");
    let gr = root.children().find(|n| n.has_tag_name("graph")).expect("graph");
    assert_eq!(gr.attribute("edgedefault"), Some("directed"));
    let snapshot = gr.children().find(|n| n.has_tag_name("data")).and_then(|d| d.text());
    assert_eq!(snapshot, Some(g.snapshot().hash.as_str()));

    let nodes: Vec<_> = gr.children().filter(|n| n.has_tag_name("node")).collect();
    let edges: Vec<_> = gr.children().filter(|n| n.has_tag_name("edge")).collect();
    let (_, relations, citations) = g.counts();
    assert_eq!(nodes.len(), g.node_count());
    assert_eq!(edges.len(), relations + citations);

    let data_of = |n: &roxmltree::Node, key: &str| {
        n.children().find(|d| d.attribute("key") == Some(key)).and_then(|d| d.text()).map(str::to_owned)
    };
    let ids: std::collections::HashSet<&str> = nodes.iter().filter_map(|n| n.attribute("id")).collect();
    assert_eq!(ids.len(), nodes.len(), "node ids are unique");
    for e in &edges {
        assert!(ids.contains(e.attribute("source").unwrap()) && ids.contains(e.attribute("target").unwrap()));
        assert!(data_of(e, "e_kind").is_some());
    }
    let meeting = nodes.iter().find(|n| n.attribute("id") == Some("event:2021-06-08-harris-lopez-obrador")).unwrap();
    assert_eq!(data_of(meeting, "kind").as_deref(), Some("event"));
    assert_eq!(data_of(meeting, "cameo").as_deref(), Some("042"));
    assert_eq!(data_of(meeting, "plover").as_deref(), Some("CONSULT:visit"));

    // A participation edge carries the participation's own reports.
    let api = data(
        r#"{ event(id: "event:2021-06-08-harris-lopez-obrador") { participants { actor { id } sources { id } } } }"#,
        json!({}),
    );
    let harris = api["event"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["actor"]["id"] == "actor:kamala-harris")
        .unwrap();
    let want: Vec<&str> = harris["sources"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    let edge = edges
        .iter()
        .find(|e| {
            e.attribute("source") == Some("actor:kamala-harris")
                && e.attribute("target") == Some("event:2021-06-08-harris-lopez-obrador")
        })
        .expect("participation edge");
    assert_eq!(data_of(edge, "e_kind").as_deref(), Some("PARTICIPATED_IN"));
    assert_eq!(data_of(edge, "e_sources"), Some(want.join(" ")));
}

#[test]
fn jsonld_types_entities_with_schema_org() {
    let doc: Value = serde_json::from_str(&export(ExportFile::Jsonld)).expect("JSON");
    let g = graph();
    assert_eq!(doc["@context"], json!({ "@vocab": "https://schema.org/" }));
    let nodes = doc["@graph"].as_array().unwrap();
    assert_eq!(nodes.len(), g.node_count() + 1);
    assert_eq!(nodes[0]["version"], g.snapshot().hash.as_str());
    let by_id = |id: &str| nodes.iter().find(|n| n["@id"] == id).unwrap_or_else(|| panic!("{id}"));
    let meeting = by_id("event:2021-06-08-harris-lopez-obrador");
    assert_eq!(meeting["@type"], "Event");
    assert_eq!(meeting["startDate"], "2021-06-08");
    assert_eq!(meeting["organizer"], json!([{ "@id": "actor:andres-manuel-lopez-obrador" }]));
    assert_eq!(by_id("actor:kamala-harris")["@type"], "Person");
    assert_eq!(by_id("place:mexico")["@type"], "Country");
    let source = nodes.iter().find(|n| n["@type"] == "NewsArticle").expect("a news article");
    assert!(source["headline"].is_string());
    assert!(meeting["citation"].as_array().is_some_and(|c| !c.is_empty()));
}

#[test]
fn gdelt_rows_have_the_61_codebook_columns_one_per_dyad() {
    let text = export(ExportFile::Gdelt);
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 61));
    let api = data("{ events(first: 100) { nodes { dyads { cameo } } } }", json!({}));
    let dyads: usize =
        api["events"]["nodes"].as_array().unwrap().iter().map(|n| n["dyads"].as_array().unwrap().len()).sum();
    assert_eq!(rows.len(), dyads);
    let hash = graph().snapshot().hash.clone();
    let visit = rows
        .iter()
        .find(|r| r[60].contains("/event:2021-06-08-harris-lopez-obrador?") && r[26] == "042")
        .expect("the visit row");
    // SQLDATE, Actor1Name, Actor1CountryCode, Actor2Name, Actor2CountryCode, root, quad, Goldstein.
    assert_eq!(
        [visit[1], visit[6], visit[7], visit[16], visit[17], visit[28], visit[29], visit[30]],
        ["20210608", "KAMALA HARRIS", "USA", "ANDRÉS MANUEL LÓPEZ OBRADOR", "MEX", "04", "1", "1.9"]
    );
    assert!(visit[60].starts_with(&format!("diplograph://{hash}/")));
}

#[test]
fn a_failed_write_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.graphml");
    let err = write_file(&path, |w| {
        w.write_all(b"<graphml>")?;
        Err(std::io::Error::other("disk full"))
    })
    .expect_err("fails");
    assert!(err.to_string().contains("graph.graphml"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no partial or temporary file");

    let missing = dir.path().join("no/such/dir/graph.graphml");
    let err = diplograph::export::export(&graph(), diplograph::export::Format::Graphml, Some(&missing)).unwrap_err();
    assert!(err.to_string().contains("no/such/dir/graph.graphml"), "{err}");
}

#[test]
fn http_exports_stream_with_the_snapshot_as_etag() {
    let hash = graph().snapshot().hash.clone();
    for file in ExportFile::all() {
        let r = send(client().get(format!("{}/export/{}", base(), file.name())));
        assert_eq!(r.status, StatusCode::OK, "{}", file.name());
        assert_eq!(r.content_type, file.content_type());
        assert_eq!(r.headers[ETAG], format!("\"{hash}\"").as_str());
        let body = match r.body {
            Value::String(s) => s,
            other => other.to_string(),
        };
        if file == ExportFile::Jsonld {
            assert_eq!(
                serde_json::from_str::<Value>(&body).unwrap(),
                serde_json::from_str::<Value>(&export(file)).unwrap()
            );
        } else {
            assert_eq!(body, export(file), "{}", file.name());
        }
    }
    let r = send(client().get(format!("{}/export/events.csv", base())).header(IF_NONE_MATCH, format!("\"{hash}\"")));
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
}

#[test]
fn http_unknown_export_is_a_404_listing_the_exports() {
    let r = send(client().get(format!("{}/export/graph.gexf", base())));
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.headers[CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
    let text = r.body.as_str().unwrap();
    for file in ExportFile::all() {
        assert!(text.contains(&format!("/export/{}", file.name())), "{text}");
    }
}
