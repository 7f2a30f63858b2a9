//! The `diplograph` command as people run it: the built binary, its flags and its logs.

use crate::support::root;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

/// The built binary, run from the repository's root (where `seed/` is).
fn diplograph(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_diplograph"));
    c.args(args).current_dir(root()).env_remove("RUST_LOG").env_remove("DIPLOGRAPH_ADDR");
    c
}

/// A server process, killed when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `diplograph ARGS` and reads its stderr up to the "serving" line; returns the
/// server, the lines read and the URL it serves.
fn start(args: &[&str]) -> (Server, Vec<String>, String) {
    let child = diplograph(args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn diplograph");
    let mut server = Server(child);
    let mut stderr = BufReader::new(server.0.stderr.take().expect("stderr"));
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let n = stderr.read_line(&mut line).expect("read stderr");
        assert!(n > 0, "the server stopped before serving:\n{}", lines.join(""));
        lines.push(line.clone());
        if let Some(at) = line.find("serving http://") {
            let url = line[at + "serving ".len()..].split('/').take(3).collect::<Vec<_>>().join("/");
            return (server, lines, url);
        }
    }
}

/// `GET /health` with a plain socket: the status line.
fn health(url: &str) -> String {
    use std::io::Write;
    let host = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).expect("connect");
    write!(s, "GET /health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    answer.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn serve_flags_work_without_serve_and_localhost_resolves() {
    let (_server, lines, url) = start(&["--addr", "localhost:0"]);
    assert!(url.starts_with("http://127.0.0.1:"), "localhost is bound as 127.0.0.1: {url}");
    assert_eq!(health(&url), "HTTP/1.1 200 OK");
    let text = lines.concat();
    assert!(!text.contains('\x1b'), "logs to a pipe carry no colour codes: {text:?}");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let (_server, lines, url) = start(&["serve", "--addr", "0", "--log-format", "json"]);
    assert!(url.starts_with("http://127.0.0.1:"), "a bare port listens on loopback: {url}");
    for line in &lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v["level"].is_string() && v["message"].is_string(), "{v}");
    }
    let last: serde_json::Value = serde_json::from_str(lines.last().expect("a line")).expect("json");
    assert_eq!(format!("http://{}", last["addr"].as_str().unwrap_or_default()), url, "fields are top-level: {last}");
}

#[test]
fn a_busy_port_is_reported_before_the_seed_is_read() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = busy.local_addr().expect("addr").to_string();
    let out = diplograph(&["--addr", &addr, "--seed", "no/such/seed"]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.starts_with(&format!("cannot listen on {addr}:")), "{stderr}");
    assert!(!stderr.contains("no/such/seed"), "the seed is not read when the port is busy: {stderr}");
}

#[test]
fn a_bad_addr_is_refused_with_the_accepted_forms() {
    let out = diplograph(&["--addr", "localhost"]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("HOST:PORT") && stderr.contains("localhost:8000"), "{stderr}");
}

#[test]
fn generate_takes_random_seed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_string_lossy().into_owned();
    let run = diplograph(&["generate", "--events", "20", "--out", &out, "--random-seed", "7"]).output().expect("run");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(diplograph(&["check", &out]).output().expect("run").status.success());
}

/// `POST /graphql` of `body` with a bearer `token`, over a plain socket: the answer's body,
/// or `None` when the server is gone (killed mid-request).
fn post(url: &str, token: &str, body: &str) -> Option<String> {
    use std::io::Write;
    let host = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).ok()?;
    write!(
        s,
        "POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200").then(|| body.to_owned())
}

/// The ids of the events a server lists whose id starts with `prefix`, and the seqs of its change log.
fn journaled(url: &str, prefix: &str) -> (Vec<String>, Vec<u64>) {
    let q = r#"{"query":"{ events(first: 100, filter: { from: \"2030-01-01\" }) { nodes { id } } changes(first: 100) { nodes { seq } } }"}"#;
    let body = post(url, "-", q).expect("a read answers");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let ids = v["data"]["events"]["nodes"].as_array().expect("events").iter();
    let ids = ids.filter_map(|n| n["id"].as_str()).filter(|id| id.starts_with(prefix)).map(str::to_owned).collect();
    let seqs = v["data"]["changes"]["nodes"].as_array().expect("changes").iter().filter_map(|n| n["seq"].as_u64());
    (ids, seqs.collect())
}

#[test]
fn acknowledged_changes_survive_kill_9_and_the_log_has_no_gap() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed = crate::reload::seed_copy();
    let journal = dir.path().join("changes.journal");
    let tokens = dir.path().join("tokens");
    // sha256("secret")
    std::fs::write(&tokens, "desk write 2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b\n")
        .expect("token file");
    let args = |s: &str, j: &str, t: &str| -> Vec<String> {
        ["--addr", "127.0.0.1:0", "--seed", s, "--journal", j, "--tokens", t, "--writes-per-minute", "0"]
            .map(str::to_owned)
            .to_vec()
    };
    let args =
        args(seed.path().to_str().expect("utf-8"), journal.to_str().expect("utf-8"), tokens.to_str().expect("utf-8"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..5u32 {
        let (server, _, url) = start(&args);
        let (ids, seqs) = journaled(&url, "event:2030-01-01-");
        // Every acknowledged change is there, nothing else half there, and no gap.
        for id in &acknowledged {
            assert!(ids.contains(id), "round {round}: acknowledged {id} is lost; served {ids:?}");
        }
        assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "round {round}: the log's seqs have a gap");
        assert_eq!(ids.len(), seqs.len(), "round {round}: one event per change");
        let writer = {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut acked = Vec::new();
                for i in 0.. {
                    let id = format!("event:2030-01-01-r{round}-{i}");
                    let body = format!(
                        r#"{{"query":"mutation($c: ChangeInput!) {{ applyChange(change: $c) {{ seq }} }}","variables":{{"c":{{"events":[{{"id":"{id}","title":"A call","summary":"They spoke.","kind":"CALL","status":"OCCURRED","when":"2030-01-01","sources":["source:report-000-2021-06-08"]}}]}}}}}}"#
                    );
                    match post(&url, "secret", &body) {
                        Some(answer) if answer.contains("\"seq\"") => acked.push(id),
                        Some(answer) => panic!("a write was refused: {answer}"),
                        None => break,
                    }
                }
                acked
            })
        };
        // Kill at a moment that varies from round to round, mid-write most of the time.
        std::thread::sleep(std::time::Duration::from_millis(150 + 97 * u64::from(round % 4)));
        drop(server);
        acknowledged.extend(writer.join().expect("the writer thread"));
    }
    assert!(acknowledged.len() >= 5, "the writes went through: {}", acknowledged.len());
}
