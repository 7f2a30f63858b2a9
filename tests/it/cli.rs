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
