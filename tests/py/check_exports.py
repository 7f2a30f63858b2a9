#!/usr/bin/env python3
"""Checks a running Diplograph server's exports with the tools analysts use (issue 18).

    python3 tests/py/check_exports.py [BASE_URL] [--binary PATH --seed DIR]

- GraphML is read with networkx.read_graphml: one node per entity (the API's snapshot count)
  and, when --binary and --seed are given, one edge per relation and citation that
  `diplograph check` counts.
- JSON-LD is expanded and turned into triples with pyld, offline (a document loader that
  refuses every URL proves no remote context is needed: the context is inline, @vocab
  schema.org), and a few known facts are looked for among the triples.
- events.csv is read with Python's csv module and compared with the GraphQL API.
- events.gdelt.tsv has the GDELT 2.0 codebook's 61 columns on every row.
- Every export carries the snapshot hash as its ETag.

Needs: pip install networkx pyld
"""

import argparse
import csv
import io
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request

import networkx
from pyld import jsonld

SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return r.read().decode("utf-8"), r.headers


def graphql(base, query):
    req = urllib.request.Request(
        base + "/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json", "accept": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        body = json.load(r)
    assert "errors" not in body, body
    return body["data"]


def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)
    print("ok:", what)


def no_remote_documents(url, options=None):
    raise RuntimeError(f"the export needed a remote document: {url}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    ap.add_argument("--binary", help="the diplograph binary, to count relations with `check`")
    ap.add_argument("--seed", help="the seed directory the server loaded")
    args = ap.parse_args()
    base = args.base.rstrip("/")

    snap = graphql(base, "{ snapshot { hash entities } }")["snapshot"]
    etag = f'"{snap["hash"]}"'

    # GraphML, as networkx (and so Gephi/Cytoscape-style readers) sees it.
    text, headers = get(base, "/export/graph.graphml")
    check(headers["ETag"] == etag, "graph.graphml has the snapshot as ETag")
    g = networkx.read_graphml(io.BytesIO(text.encode("utf-8")))
    check(g.number_of_nodes() == snap["entities"], f"GraphML nodes = entities ({snap['entities']})")
    check(g.graph.get("snapshot") == snap["hash"], "GraphML names the snapshot")
    meeting = g.nodes["event:2021-06-08-harris-lopez-obrador"]
    check(meeting["kind"] == "event" and meeting["cameo"] == "042", "a known event node with its CAMEO code")
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    check({"PARTICIPATED_IN", "CITES", "HELD_AT"} <= kinds, "edges carry their kinds")
    if args.binary and args.seed:
        out = subprocess.run([args.binary, "check", args.seed], capture_output=True, text=True, check=True).stdout
        counts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+)\s+(\d+)$", out, re.M)}
        want = counts["relations"] + counts["citations"]
        check(g.number_of_edges() == want, f"GraphML edges = relations + citations ({want})")

    # JSON-LD, expanded to triples offline.
    text, headers = get(base, "/export/graph.jsonld")
    check(headers["ETag"] == etag, "graph.jsonld has the snapshot as ETag")
    doc = json.loads(text)
    quads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": no_remote_documents})
    triples = set(quads.splitlines())

    def has(s, p, o):
        line = f"<{s}> <{p}> <{o}> ."
        return line in triples

    ev = "event:2021-06-08-harris-lopez-obrador"
    check(has(ev, RDF_TYPE, SCHEMA + "Event"), "the meeting is a schema:Event")
    check(has(ev, SCHEMA + "organizer", "actor:andres-manuel-lopez-obrador"), "López Obrador organised it")
    check(has(ev, SCHEMA + "eventStatus", SCHEMA + "EventScheduled"), "eventStatus is a schema.org status")
    check(has("actor:kamala-harris", RDF_TYPE, SCHEMA + "Person"), "Harris is a schema:Person")
    check(has("place:mexico", RDF_TYPE, SCHEMA + "Country"), "Mexico is a schema:Country")
    check(any(f"<{SCHEMA}NewsArticle>" in t and RDF_TYPE in t for t in triples), "sources are schema:NewsArticle")
    check(any(t.startswith(f"<{ev}> <{SCHEMA}citation> <source:") for t in triples), "the meeting cites its reports")
    check(any(f"<{SCHEMA}containedInPlace>" in t for t in triples), "places are contained in places")

    # CSV, compared with the API.
    text, headers = get(base, "/export/events.csv")
    check(headers["ETag"] == etag, "events.csv has the snapshot as ETag")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    api = graphql(base, "{ events(first: 100) { nodes { id title cameo } } }")["events"]["nodes"]
    check(
        [(r["id"], r["title"], r["cameo"]) for r in rows] == [(n["id"], n["title"], n["cameo"]) for n in api],
        f"events.csv reads back as the API's events ({len(rows)})",
    )
    for table in ["participations", "agreements", "statements", "sources", "places", "actors"]:
        text, _ = get(base, f"/export/{table}.csv")
        check(len(list(csv.reader(io.StringIO(text, newline="")))) >= 2, f"{table}.csv has a header and rows")

    # GDELT 2.0 rows.
    text, headers = get(base, "/export/events.gdelt.tsv")
    check(headers["ETag"] == etag, "events.gdelt.tsv has the snapshot as ETag")
    lines = text.splitlines()
    check(lines and all(len(l.split("\t")) == 61 for l in lines), f"every GDELT row has 61 columns ({len(lines)} rows)")

    # A missing export is a 404 that lists the exports.
    try:
        get(base, "/export/graph.gexf")
        check(False, "unknown export answers 404")
    except urllib.error.HTTPError as e:
        check(e.code == 404 and "/export/graph.graphml" in e.read().decode(), "unknown export is a 404 with the list")
    print("all export checks passed")


if __name__ == "__main__":
    main()
