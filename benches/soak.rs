//! Soak: many concurrent clients sending the contract queries for a bounded time, plus slow
//! clients (slowloris: headers dribbled a byte at a time) and clients that disconnect
//! mid-response. Reports requests, failures, latency percentiles and the server's memory
//! before and after; exits non-zero on any failed request or when memory grew by more than
//! 64 MiB.
//!
//! Two modes:
//! - `--url http://HOST:PORT [--pid PID]`: soak a running server from outside (what CI does
//!   with the release server it started). The memory is read from `/proc/PID/status` when
//!   `--pid` names the server, and not checked otherwise.
//! - no `--url`: load `--seed` (default `seed`) and serve it in this process on an ephemeral
//!   loopback port, and read this process's memory.
//!
//! `cargo bench --bench soak -- --url http://127.0.0.1:8000 --seconds 30 --clients 64 --slow 16 --drop 8`

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    seconds: u64,
    clients: usize,
    slow: usize,
    drop: usize,
    seed: String,
    /// A running server's base URL; `None` serves `seed` in process.
    url: Option<String>,
    /// The running server's process id, for its memory.
    pid: Option<u32>,
}

fn args() -> Args {
    let mut a = Args { seconds: 10, clients: 32, slow: 8, drop: 4, seed: "seed".into(), url: None, pid: None };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < v.len() {
        // `cargo bench` adds `--bench`; it takes no value.
        if v[i] == "--bench" {
            i += 1;
            continue;
        }
        let n = v.get(i + 1).cloned().unwrap_or_default();
        match v[i].as_str() {
            "--seconds" => a.seconds = n.parse().expect("--seconds N"),
            "--clients" => a.clients = n.parse().expect("--clients N"),
            "--slow" => a.slow = n.parse().expect("--slow N"),
            "--drop" => a.drop = n.parse().expect("--drop N"),
            "--seed" => a.seed = n,
            "--url" => a.url = Some(n.trim_end_matches('/').to_owned()),
            "--pid" => a.pid = Some(n.parse().expect("--pid PID")),
            other => panic!(
                "unknown flag {other} (flags: --url URL --pid PID --seed DIR --seconds N --clients N --slow N --drop N)"
            ),
        }
        i += 2;
    }
    a
}

/// Resident memory of the process `pid` (`self` for this one), in KiB (Linux).
fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A named query, its variables, and a check of its `data`.
type Job = (&'static str, String, serde_json::Value, fn(&serde_json::Value) -> bool);

/// The contract queries and a check of each answer.
fn workload() -> Vec<Job> {
    let q = |name: &str| std::fs::read_to_string(format!("queries/{name}")).expect("queries");
    vec![
        ("mission", q("meetings-with-agreements.graphql"), serde_json::json!({}), |d| {
            d["actor"]["events"]["totalCount"] == 2
        }),
        ("agreements", q("agreements.graphql"), serde_json::json!({}), |d| d["agreements"]["totalCount"] == 8),
        ("timeline", q("timeline.graphql"), serde_json::json!({}), |d| d["events"]["totalCount"] == 18),
        ("search", "{ search(text: \"Giamattei\") { ... on Node { id } } }".into(), serde_json::json!({}), |d| {
            d["search"][0]["id"] == "actor:alejandro-giammattei"
        }),
        (
            "path",
            "{ path(from: \"actor:kamala-harris\", to: \"actor:alejandro-giammattei\") { hops } }".into(),
            serde_json::json!({}),
            |d| d["path"]["hops"] == 2,
        ),
        (
            "neighborhood",
            "{ neighborhood(id: \"place:palacio-nacional-mexico\", depth: 2) { nodes { id } } }".into(),
            serde_json::json!({}),
            |d| d["neighborhood"]["nodes"].as_array().is_some_and(|n| n.len() > 5),
        ),
    ]
}

/// The socket address of `http://HOST:PORT`, for the raw-socket clients.
fn socket_addr(url: &str) -> std::net::SocketAddr {
    use std::net::ToSocketAddrs;
    let authority = url.strip_prefix("http://").expect("--url http://HOST:PORT").split('/').next().unwrap_or_default();
    authority.to_socket_addrs().ok().and_then(|mut a| a.next()).unwrap_or_else(|| panic!("cannot resolve {authority}"))
}

fn main() {
    let a = args();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    // Whose memory is watched: the server's process, or this one when it serves in process.
    let (addr, watched) = match &a.url {
        Some(url) => (socket_addr(url), a.pid.map(|p| p.to_string())),
        None => {
            let graph =
                Arc::new(diplograph::seed::load(std::path::Path::new(&a.seed)).unwrap_or_else(|e| panic!("{e}")));
            let state = diplograph::http::AppState::new(diplograph::api::schema(), graph, Default::default());
            let addr = rt.block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let addr = listener.local_addr().expect("addr");
                tokio::spawn(diplograph::http::serve(listener, diplograph::http::app(state)));
                addr
            });
            (addr, Some("self".to_owned()))
        }
    };
    let rss = || watched.as_deref().map(rss_kib);
    let url = format!("{}/graphql", a.url.clone().unwrap_or_else(|| format!("http://{addr}")));
    let work = Arc::new(workload());
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(AtomicU64::new(0));
    let dropped = Arc::new(AtomicU64::new(0));

    // Warm up, then measure memory.
    rt.block_on(async {
        let c = reqwest::Client::new();
        for (_, q, v, _) in work.iter() {
            let _ = c.post(&url).json(&serde_json::json!({ "query": q, "variables": v })).send().await;
        }
    });
    let rss_before = rss();
    let started = Instant::now();

    // Slow clients: dribble a request's headers forever, a byte every 200 ms.
    let mut threads = Vec::new();
    for _ in 0..a.slow {
        let stop = stop.clone();
        threads.push(std::thread::spawn(move || {
            let Ok(mut s) = std::net::TcpStream::connect(addr) else { return };
            for b in
                b"POST /graphql HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\nX-Slow: ".iter().cycle()
            {
                if stop.load(Ordering::Relaxed) || s.write_all(&[*b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }));
    }
    // Clients that hang up after the first bytes of a large answer.
    for _ in 0..a.drop {
        let (stop, dropped) = (stop.clone(), dropped.clone());
        let body = serde_json::json!({ "query": std::fs::read_to_string("queries/introspection.graphql").expect("introspection") }).to_string();
        threads.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let Ok(mut s) = std::net::TcpStream::connect(addr) else { continue };
                let req = format!("POST /graphql HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
                let mut first = [0u8; 64];
                if s.write_all(req.as_bytes()).is_ok() && s.read(&mut first).is_ok() {
                    dropped.fetch_add(1, Ordering::Relaxed);
                }
                drop(s);
            }
        }));
    }

    // Well-behaved clients.
    let deadline = started + Duration::from_secs(a.seconds);
    let latencies = rt.block_on(async {
        let mut tasks = Vec::new();
        for i in 0..a.clients {
            let (url, work, failures) = (url.clone(), work.clone(), failures.clone());
            tasks.push(tokio::spawn(async move {
                let c = reqwest::Client::new();
                let mut lat = Vec::new();
                let mut k = i;
                while Instant::now() < deadline {
                    let (name, q, v, ok) = &work[k % work.len()];
                    k += 1;
                    let t = Instant::now();
                    let r = c.post(&url).json(&serde_json::json!({ "query": q, "variables": v })).send().await;
                    let good = match r {
                        Ok(r) if r.status().is_success() => match r.json::<serde_json::Value>().await {
                            Ok(body) => body.get("errors").is_none() && ok(&body["data"]),
                            Err(_) => false,
                        },
                        _ => false,
                    };
                    lat.push(t.elapsed());
                    if !good {
                        failures.fetch_add(1, Ordering::Relaxed);
                        eprintln!("failed: {name}");
                    }
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap_or_default());
        }
        all
    });
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let rss_after = rss();
    for t in threads {
        let _ = t.join();
    }
    let mut lat = latencies;
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).copied().unwrap_or_default()
    };
    let failed = failures.load(Ordering::Relaxed);
    let server = match &a.url {
        Some(u) => format!("the server at {u}"),
        None => format!("an in-process server on {addr} (seed {})", a.seed),
    };
    println!(
        "soak of {server}: {} s, {} clients, {} slow clients, {} disconnecting clients",
        a.seconds, a.clients, a.slow, a.drop
    );
    println!("requests    {} ({:.0}/s)", lat.len(), lat.len() as f64 / elapsed.as_secs_f64());
    println!("failed      {failed}");
    println!("hang-ups    {} answers abandoned mid-response", dropped.load(Ordering::Relaxed));
    println!("latency     p50 {:?}  p99 {:?}  max {:?}", pct(0.50), pct(0.99), lat.last().copied().unwrap_or_default());
    let grew = match (rss_before, rss_after) {
        (Some(before), Some(after)) => {
            println!("memory      {before} KiB before, {after} KiB after ({:+} KiB)", after as i64 - before as i64);
            after.saturating_sub(before) > 64 * 1024
        }
        _ => {
            println!("memory      not checked (give the server's --pid)");
            false
        }
    };
    if failed > 0 || lat.is_empty() || grew {
        println!("soak: FAILED");
        std::process::exit(1);
    }
    println!("soak: ok");
}
