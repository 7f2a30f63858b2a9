//! The `diplograph` command: serve the API, check a seed, print the schema.

use clap::{Args, Parser, Subcommand};
use diplograph::api::Limits;
use diplograph::reload::Reloader;
use diplograph::{api, http, journal, replica, seed, write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Diplograph: a GraphQL knowledge graph of facts from news reports.
///
/// Without a command it serves (`diplograph --addr 8080` is `diplograph serve --addr 8080`).
#[derive(Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The flags of `serve`, the default command.
    #[command(flatten)]
    serve: ServeArgs,
    /// How logs are written to stderr: `text` for people, `json` (one object per line) for
    /// log collectors.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "DIPLOGRAPH_LOG_FORMAT")]
    log_format: LogFormat,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the GraphQL API and the playground (the default).
    Serve(ServeArgs),
    /// Validate a seed directory and print what it holds.
    Check {
        /// The seed directory.
        #[arg(default_value = "seed")]
        dir: PathBuf,
    },
    /// Print the served GraphQL schema (SDL).
    Schema,
    /// Write a deterministic synthetic seed, for scale benchmarks.
    Generate {
        /// How many events.
        #[arg(long, default_value_t = 10_000)]
        events: usize,
        /// Where to write it (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// The random seed: the same number gives the same files.
        #[arg(long, default_value_t = 42)]
        random_seed: u64,
    },
    /// Write the change log's changes into the seed's TOML files and empty the log.
    Compact {
        /// The seed directory (its files are edited in place).
        #[arg(long)]
        seed: PathBuf,
        /// The change log [default: `changes.journal` beside the seed directory].
        #[arg(long)]
        journal: Option<PathBuf>,
    },
    /// Export the graph for other tools: graphml, jsonld, csv (one file per table) or gdelt.
    Export {
        /// graphml, jsonld, csv or gdelt.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["graphml", "jsonld", "csv", "gdelt"]))]
        format: String,
        /// The seed directory to load [default: ./seed if it exists, else the built-in seed].
        #[arg(long, env = "DIPLOGRAPH_SEED")]
        seed: Option<PathBuf>,
        /// The file to write (a directory for csv); standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on: HOST:PORT (`127.0.0.1:8000`, `localhost:8000`, `[::1]:8000`,
    /// `0.0.0.0:8000` for every interface), `:PORT` (every interface, as in Go) or PORT
    /// alone (loopback only, 127.0.0.1).
    #[arg(long, default_value = "127.0.0.1:8000", env = "DIPLOGRAPH_ADDR", value_parser = listen::parse)]
    addr: listen::ListenAddr,
    /// The seed directory to load [default: ./seed if it exists, else the built-in seed].
    #[arg(long, env = "DIPLOGRAPH_SEED")]
    seed: Option<PathBuf>,
    /// Origins allowed to call the API from browsers (repeat, or `*` for any).
    #[arg(long = "cors-origin", default_value = "*")]
    cors_origins: Vec<String>,
    /// Seconds a request may take before it is cut off.
    #[arg(long, default_value_t = 10)]
    timeout_secs: u64,
    /// Reload the seed when its files change (SIGHUP reloads it in any case).
    #[arg(long)]
    watch: bool,
    /// Turn off introspection (the playground needs it).
    #[arg(long)]
    no_introspection: bool,
    /// Turn off "did you mean ...?" suggestions in validation errors.
    #[arg(long)]
    no_suggestions: bool,
    /// Run every query through async-graphql, without compiled plans for known documents.
    #[arg(long, env = "DIPLOGRAPH_NO_PLANS")]
    no_plans: bool,
    /// The highest cost a query may have (fields times list sizes).
    #[arg(long, default_value_t = Limits::default().max_cost)]
    max_cost: u64,
    /// The deepest nesting of selections.
    #[arg(long, default_value_t = Limits::default().max_depth)]
    max_depth: usize,
    /// The most aliases in one query.
    #[arg(long, default_value_t = Limits::default().max_aliases)]
    max_aliases: usize,
    /// The longest query text, in bytes.
    #[arg(long, default_value_t = Limits::default().max_query_bytes)]
    max_query_bytes: usize,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = http::HttpConfig::default().max_body_bytes)]
    max_body_bytes: usize,
    /// The most operations in one batched request.
    #[arg(long, default_value_t = http::HttpConfig::default().max_batch)]
    max_batch: usize,
    /// Turn off the response cache (for measuring and debugging).
    #[arg(long)]
    no_response_cache: bool,
    /// Accept writes from the tokens of this file: one `NAME ROLE SHA256_HEX` per line
    /// (ROLE `read` or `write`, the token's SHA-256 in hex; `#` comments). Without it,
    /// every mutation is refused.
    #[arg(long, value_name = "FILE")]
    tokens: Option<PathBuf>,
    /// The change log: every applied change is appended here (fsynced before the mutation
    /// answers) and replayed on the seed at start and on reload. Default: `changes.journal`
    /// beside the seed directory (in the current directory for the built-in seed), created on
    /// the first write. A `postgres://USER@HOST:PORT/DATABASE` URL keeps it in PostgreSQL
    /// instead, shared by every server given the same URL and seed (replicas).
    #[arg(long, value_name = "FILE|URL")]
    journal: Option<PathBuf>,
    /// With a `postgres://` journal: seconds this replica may stay behind the log before
    /// `/health` answers 503 (for load balancers that take it out).
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    max_lag_seconds: u64,
    /// The largest body of a request holding a mutation, in bytes.
    #[arg(long, default_value_t = http::HttpConfig::default().max_write_bytes)]
    max_write_bytes: usize,
    /// The most mutation fields (`applyChange`, `retract`, each alias one) one token may run
    /// per minute (0: no limit).
    #[arg(long, default_value_t = http::HttpConfig::default().writes_per_minute)]
    writes_per_minute: u32,
    /// Turn off counting and timing operations for `/metrics` (for measuring its cost).
    #[arg(long)]
    no_metrics: bool,
    /// Log operations that take longer than this many milliseconds (operation, cost, time).
    #[arg(long, value_name = "MS")]
    slow_query_ms: Option<u64>,
}

/// How logs are written.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    /// Human-readable lines, coloured only when stderr is a terminal and `NO_COLOR` is unset.
    Text,
    /// One JSON object per line (time, level, target, message and fields), for log collectors.
    Json,
}

fn main() -> ExitCode {
    diplograph::allocator::configure();
    let cli = Cli::parse();
    init_logs(cli.log_format);
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(args) => serve(args),
        Command::Check { dir } => check(&dir),
        Command::Schema => {
            print!("{}", api::sdl());
            ExitCode::SUCCESS
        }
        Command::Export { format, seed, out } => export(&format, seed, out.as_deref()),
        Command::Compact { seed, journal } => {
            let journal = journal.unwrap_or_else(|| default_journal(&seed::SeedSource::Dir(seed.clone())));
            compact(&seed, &journal)
        }
        Command::Generate { events, out, random_seed } => {
            let config = diplograph::generate::GenerateConfig { events, seed: random_seed };
            match diplograph::generate::generate(&config, &out) {
                Ok(s) => {
                    println!(
                        "{}: {} events, {} actors, {} places, {} agreements, {} statements, {} sources in {} files ({} bytes)",
                        out.display(),
                        s.events,
                        s.actors,
                        s.places,
                        s.agreements,
                        s.statements,
                        s.sources,
                        s.files,
                        s.bytes
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cannot write {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default: `info`), in the format asked for.
fn init_logs(format: LogFormat) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=info".into());
    // A log line that cannot be written (stderr's reader gone) is dropped: reporting it
    // with `eprintln!`, tracing's default, would panic the request that logged.
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).log_internal_errors(false);
    match format {
        LogFormat::Text => builder.with_ansi(colour_logs()).init(),
        // Fields flattened to the top level, so that collectors index `addr` and `snapshot`.
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

/// Colour only on a terminal, and never when `NO_COLOR` is set to anything (no-color.org).
fn colour_logs() -> bool {
    use std::io::IsTerminal;
    colour(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR").as_deref())
}

/// Whether to colour logs, given whether stderr is a terminal and the value of `NO_COLOR`.
fn colour(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// `diplograph export`: loads the seed and writes `format` to `out` (or stdout).
/// The seed is chosen as `serve` chooses it (`--seed`, else `./seed`, else the built-in one).
fn export(format: &str, seed: Option<PathBuf>, out: Option<&std::path::Path>) -> ExitCode {
    let Some(format) = diplograph::export::Format::parse(format) else {
        eprintln!("unknown format `{format}`: expected one of {}", diplograph::export::Format::spellings());
        return ExitCode::from(2);
    };
    let g = match seed::load_from(&seed::SeedSource::find(seed)) {
        Ok(g) => g,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    let result = diplograph::export::export(&g, format, out);
    // The process ends here: freeing a large graph piece by piece would only cost time.
    std::mem::forget(g);
    match result {
        Ok(files) => {
            files.iter().for_each(|f| eprintln!("wrote {}", f.display()));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn logs_are_coloured_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some(OsStr::new(""))), "an empty NO_COLOR does not count (no-color.org)");
        assert!(!colour(true, Some(OsStr::new("1"))));
        assert!(!colour(false, None), "a file or a pipe gets no escape codes");
    }

    #[test]
    fn serve_flags_work_without_naming_serve() {
        let cli = Cli::try_parse_from(["diplograph", "--addr", "9000", "--seed", "elsewhere"]).expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(
            (cli.serve.addr.to_string(), cli.serve.seed),
            ("127.0.0.1:9000".into(), Some(PathBuf::from("elsewhere")))
        );
        let cli = Cli::try_parse_from(["diplograph", "serve", "--addr", ":9000"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Serve(a)) if a.addr.to_string() == "0.0.0.0:9000"));
        assert!(
            Cli::try_parse_from(["diplograph", "--addr", "9000", "check"]).is_err(),
            "serve flags with another command"
        );
    }

    #[test]
    fn generate_takes_a_random_seed_not_a_folder_flag() {
        let cli = Cli::try_parse_from(["diplograph", "generate", "--out", "x", "--random-seed", "7"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Generate { random_seed: 7, .. })));
        assert!(Cli::try_parse_from(["diplograph", "generate", "--out", "x", "--seed", "7"]).is_err());
    }

    #[test]
    fn log_format_is_global() {
        for args in [&["diplograph", "--log-format", "json"][..], &["diplograph", "check", "--log-format", "json"]] {
            assert!(Cli::try_parse_from(args).is_ok_and(|c| c.log_format == LogFormat::Json), "{args:?}");
        }
    }
}

fn check(dir: &std::path::Path) -> ExitCode {
    use std::io::Write;
    let started = std::time::Instant::now();
    match seed::load(dir) {
        Ok(g) => {
            let (kinds, relations, citations) = g.counts();
            // Write errors (a closed pipe) are not the seed's problem: ignore them.
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}: valid (loaded in {:.2?})", dir.display(), started.elapsed());
            for (kind, n) in kinds {
                let _ = writeln!(out, "  {:<11} {n}", format!("{}s", kind.as_str()));
            }
            let _ = writeln!(out, "  {:<11} {relations}", "relations");
            let _ = writeln!(out, "  {:<11} {citations}", "citations");
            let _ = writeln!(out, "  snapshot    {}", g.snapshot().hash);
            // The process ends here: freeing a large graph piece by piece would only cost time.
            std::mem::forget(g);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            ExitCode::FAILURE
        }
    }
}

fn compact(seed: &std::path::Path, journal: &std::path::Path) -> ExitCode {
    match diplograph::compact::compact(seed, journal) {
        Ok(s) => {
            if s.finished_interrupted {
                println!("finished an interrupted compaction");
            }
            println!(
                "{}: {} changes written into {} ({} records written, {} removed; files: {}); the journal counts on from {}",
                journal.display(),
                s.changes,
                seed.display(),
                s.written,
                s.removed,
                if s.files.is_empty() { "none".to_owned() } else { s.files.join(", ") },
                s.last_seq
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let hint = if e.code() == "JOURNAL_LOCKED" { " (stop the server that holds it first)" } else { "" };
            if diplograph::compact::pending(journal) {
                eprintln!("{}: {e}\nthe compaction is committed but not finished: run it again", e.code());
            } else {
                eprintln!("{}: {e}\nnothing was compacted{hint}", e.code());
            }
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    // Bind first: a busy port is reported at once, not after a long load.
    let listener = match args.addr.bind() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let source = seed::SeedSource::find(args.seed.clone());
    let journal_path = args.journal.clone().unwrap_or_else(|| default_journal(&source));
    if diplograph::compact::pending(&journal_path) {
        eprintln!(
            "{}: a compaction was interrupted; finish it with `diplograph compact --seed DIR --journal {}`\nthe server did not start",
            journal_path.display(),
            journal_path.display()
        );
        return ExitCode::FAILURE;
    }
    let graph = match seed::load_from(&source) {
        Ok(g) => Arc::new(g),
        Err(errors) => {
            eprintln!("{errors}\nthe server did not start: fix the seed and try again");
            return ExitCode::FAILURE;
        }
    };
    let limits = Limits {
        max_cost: args.max_cost,
        max_depth: args.max_depth,
        max_aliases: args.max_aliases,
        max_query_bytes: args.max_query_bytes,
        introspection: !args.no_introspection,
        suggestions: !args.no_suggestions,
        plans: !args.no_plans,
        ..Limits::default()
    };
    let config = http::HttpConfig {
        cors_origins: args.cors_origins,
        timeout: Duration::from_secs(args.timeout_secs),
        max_body_bytes: args.max_body_bytes,
        max_batch: args.max_batch,
        response_cache_bytes: if args.no_response_cache { 0 } else { http::HttpConfig::default().response_cache_bytes },
        max_write_bytes: args.max_write_bytes,
        writes_per_minute: args.writes_per_minute,
        metrics: !args.no_metrics,
        slow_query: args.slow_query_ms.map(Duration::from_millis),
    };
    let tokens = match &args.tokens {
        None => http::tokens::Tokens::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the token file: {e}", path.display()))
            .and_then(|text| http::tokens::Tokens::parse(&path.display().to_string(), &text).map_err(|e| e.to_string()))
        {
            Ok(tokens) => tokens,
            Err(e) => {
                eprintln!("{e}\nthe server did not start: fix the token file and try again");
                return ExitCode::FAILURE;
            }
        },
    };
    if let Some(url) = args.journal.as_deref().and_then(|p| p.to_str()).filter(|p| replica::Target::is_url(p)) {
        let replica = ReplicaArgs {
            url: url.to_owned(),
            watch: args.watch,
            max_lag: Duration::from_secs(args.max_lag_seconds),
            addr: args.addr.clone(),
        };
        return serve_replica(replica, listener, graph, limits, config, tokens);
    }
    // Held until the server stops: one writing server per journal (see `journal::hold`).
    let _hold = match journal::hold(&journal_path, !tokens.is_empty()) {
        Ok(hold) => hold,
        Err(e) => {
            eprintln!("{e}\nthe server did not start");
            return ExitCode::FAILURE;
        }
    };
    let (journal, entries) = match journal::Journal::open(&journal_path) {
        Ok(opened) => opened,
        Err(e) => {
            eprintln!("{}: {e}\nthe server did not start: the change log cannot be read", journal_path.display());
            return ExitCode::FAILURE;
        }
    };
    let replayed = entries.len();
    // The seed's graph is given up as the replayed one is built (none to build without changes).
    let replay = |graph: Arc<_>| -> Result<_, write::ReplayError> {
        if entries.is_empty() {
            return Ok((graph, Vec::new()));
        }
        let (g, history) = write::replay(&graph, entries.into_iter().map(|e| (e.seq, e.payload)))?;
        Ok((Arc::new(g), history))
    };
    let (graph, history) = match replay(graph) {
        Ok(replayed) => replayed,
        Err(e) => {
            eprintln!(
                "{}: {e}\nthe server did not start: the change log does not apply to this seed",
                journal_path.display()
            );
            return ExitCode::FAILURE;
        }
    };
    if replayed > 0 {
        tracing::info!(changes = replayed, journal = %journal_path.display(), "replayed the change log");
    }
    let mut state = http::AppState::new(api::schema_with(&limits), graph, config);
    // Without tokens the writer still serves the replayed changes (`changes`, reloads);
    // every mutation is refused because no token may write.
    let writer = Arc::new(write::Writer::new(state.graph.clone(), Arc::new(journal), history));
    state = state.with_writes(writer.clone(), tokens);
    let writer = Some(writer);
    let mut reloader = Reloader::new(source.clone(), state.graph.clone());
    if let Some(w) = writer {
        reloader = reloader.with_writer(w);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on {}: {e}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        let local = listener.local_addr().map_or_else(|_| args.addr.to_string(), |a| a.to_string());
        #[cfg(unix)]
        tokio::spawn(reloader.clone().on_sighup());
        if args.watch {
            tokio::spawn(reloader.watch(Duration::from_secs(1)));
        }
        let g = state.snapshot();
        if source == seed::SeedSource::BuiltIn {
            tracing::info!("no --seed given and no ./seed directory here: serving the built-in seed");
        }
        tracing::info!(addr = %local, seed = %source, entities = g.entity_count(), snapshot = %g.snapshot().hash, "serving http://{local}/ (GraphQL at /graphql)");
        match http::serve(listener, http::app(state)).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("server error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// The `--addr` flag: the forms people type, and binding to what they name.
mod listen {
    use std::net::{SocketAddr, TcpListener, ToSocketAddrs};

    /// What the accepted forms are, said in every parse error.
    const FORMS: &str = "expected HOST:PORT (127.0.0.1:8000, localhost:8000, [::1]:8000, 0.0.0.0:8000), \
                         :PORT (every interface) or PORT (loopback only)";

    /// An address to listen on, as written: a host (an IP or a name, resolved when bound) and
    /// a port.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ListenAddr {
        host: String,
        port: u16,
    }

    impl std::fmt::Display for ListenAddr {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            if self.host.contains(':') {
                write!(f, "[{}]:{}", self.host, self.port)
            } else {
                write!(f, "{}:{}", self.host, self.port)
            }
        }
    }

    /// Reads `--addr`: `HOST:PORT`, `[IPV6]:PORT`, `:PORT` (0.0.0.0, every interface, as Go's
    /// `net.Listen` reads it) or `PORT` (127.0.0.1, like the default).
    pub fn parse(text: &str) -> Result<ListenAddr, String> {
        let text = text.trim();
        let port = |p: &str| p.parse::<u16>().map_err(|_| format!("`{p}` is not a port (0 to 65535); {FORMS}"));
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(ListenAddr { host: "127.0.0.1".into(), port: port(text)? });
        }
        if let Some(p) = text.strip_prefix(':') {
            return Ok(ListenAddr { host: "0.0.0.0".into(), port: port(p)? });
        }
        if let Ok(a) = text.parse::<SocketAddr>() {
            return Ok(ListenAddr { host: a.ip().to_string(), port: a.port() });
        }
        let Some((host, p)) = text.rsplit_once(':') else {
            return Err(format!("`{text}` has no port; {FORMS}"));
        };
        if host.contains(':') || host.starts_with('[') {
            return Err(format!("`{text}` is not an address: write an IPv6 address in brackets; {FORMS}"));
        }
        let name_ok = host.split('.').all(|label| {
            !label.is_empty()
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
        if !name_ok {
            return Err(format!("`{host}` is not a host name or IP address; {FORMS}"));
        }
        Ok(ListenAddr { host: host.to_ascii_lowercase(), port: port(p)? })
    }

    impl ListenAddr {
        /// The socket addresses the host resolves to, IPv4 first (so `localhost` is
        /// 127.0.0.1 where the system lists both it and ::1).
        pub fn resolve(&self) -> std::io::Result<Vec<SocketAddr>> {
            let mut addrs: Vec<SocketAddr> = (self.host.as_str(), self.port).to_socket_addrs()?.collect();
            addrs.sort_by_key(SocketAddr::is_ipv6);
            addrs.dedup();
            Ok(addrs)
        }

        /// Binds the first resolved address that accepts (non-blocking, ready for tokio).
        pub fn bind(&self) -> std::io::Result<TcpListener> {
            let mut last = None;
            for addr in self.resolve()? {
                match TcpListener::bind(addr) {
                    Ok(l) => {
                        l.set_nonblocking(true)?;
                        return Ok(l);
                    }
                    Err(e) => last = Some(e),
                }
            }
            Err(last.unwrap_or_else(|| std::io::Error::other("the host name resolves to no address")))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn ok(text: &str) -> String {
            parse(text).unwrap_or_else(|e| panic!("{text}: {e}")).to_string()
        }

        #[test]
        fn accepts_what_people_type() {
            assert_eq!(ok("127.0.0.1:8000"), "127.0.0.1:8000");
            assert_eq!(ok("0.0.0.0:8080"), "0.0.0.0:8080");
            assert_eq!(ok("[::1]:8000"), "[::1]:8000");
            assert_eq!(ok("localhost:8000"), "localhost:8000");
            assert_eq!(ok("LocalHost:8000"), "localhost:8000");
            assert_eq!(ok("api.example.org:443"), "api.example.org:443");
            assert_eq!(ok(":8000"), "0.0.0.0:8000");
            assert_eq!(ok("8000"), "127.0.0.1:8000");
            assert_eq!(ok(" 8000 "), "127.0.0.1:8000");
        }

        #[test]
        fn refusals_say_the_accepted_forms() {
            for bad in ["", "localhost", ":", "8000000", "localhost:http", "::1:8000", "[::1]", "bad host:80", "-x:80"]
            {
                let e = parse(bad).expect_err(bad);
                assert!(e.contains("HOST:PORT") && e.contains(":PORT"), "{bad}: {e}");
            }
        }

        #[test]
        fn localhost_resolves_to_loopback_ipv4_first() {
            let addrs = parse("localhost:8000").and_then(|a| a.resolve().map_err(|e| e.to_string())).expect("resolves");
            assert!(!addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 8000), "{addrs:?}");
            if addrs.iter().any(SocketAddr::is_ipv4) {
                assert!(addrs[0].is_ipv4(), "{addrs:?}");
            }
        }
    }
}

/// Where the change log lives when `--journal` is not given: `changes.journal` beside the
/// seed directory, or in the current directory for the built-in seed.
fn default_journal(source: &seed::SeedSource) -> PathBuf {
    match source {
        seed::SeedSource::Dir(dir) => {
            let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
            dir.parent().map_or_else(|| PathBuf::from("changes.journal"), |p| p.join("changes.journal"))
        }
        seed::SeedSource::BuiltIn => PathBuf::from("changes.journal"),
    }
}

/// The flags of `serve` that a replica uses beyond the server's own settings.
struct ReplicaArgs {
    /// The `postgres://` URL of the change log.
    url: String,
    watch: bool,
    max_lag: Duration,
    addr: listen::ListenAddr,
}

/// `serve --journal postgres://...`: one replica of a change log kept in PostgreSQL. The log
/// is opened (tables created, the seed checked, every record replayed) before the server
/// answers anything; a log that cannot be reached or read stops it here.
fn serve_replica(
    args: ReplicaArgs,
    listener: std::net::TcpListener,
    seed_graph: Arc<diplograph::graph::KnowledgeGraph>,
    limits: Limits,
    config: http::HttpConfig,
    tokens: http::tokens::Tokens,
) -> ExitCode {
    if args.watch {
        eprintln!(
            "--watch reloads the seed, and the replicas of one change log serve the seed it was written against: \
             leave --watch out with a postgres:// journal\nthe server did not start"
        );
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let opened = match replica::open(&args.url, seed_graph).await {
            Ok(opened) => opened,
            Err(e) => {
                eprintln!("{e}\nthe server did not start");
                return ExitCode::FAILURE;
            }
        };
        let mut state = http::AppState::new(api::schema_with(&limits), opened.graph.clone(), config);
        tracing::info!(changes = opened.replayed(), "replayed the change log from PostgreSQL");
        let replica = replica::Replica::new(opened, state.graph.clone(), args.max_lag);
        let health = replica.clone();
        state = state.with_writes(Arc::new(replica.clone()), tokens).with_log_health(move || {
            let h = health.health();
            http::LogHealth {
                applied: h.applied,
                latest: h.latest,
                lag: h.lag,
                max_lag: h.max_lag,
                reachable: h.reachable,
                stuck: h.stuck,
            }
        });
        tokio::spawn(replica.follow());
        #[cfg(unix)]
        tokio::spawn(async {
            // SIGHUP reloads the seed of a server with a file journal; here it would end the
            // process, so it is caught and declined.
            use tokio::signal::unix::{signal, SignalKind};
            if let Ok(mut hup) = signal(SignalKind::hangup()) {
                while hup.recv().await.is_some() {
                    tracing::warn!("SIGHUP: a replica of a postgres:// change log does not reload its seed");
                }
            }
        });
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on {}: {e}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        let local = listener.local_addr().map_or_else(|_| args.addr.to_string(), |a| a.to_string());
        let g = state.snapshot();
        tracing::info!(addr = %local, entities = g.entity_count(), snapshot = %g.snapshot().hash, "serving http://{local}/ (GraphQL at /graphql), a replica of the change log in PostgreSQL");
        match http::serve(listener, http::app(state)).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("server error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
