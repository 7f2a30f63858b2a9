//! The `diplograph` command: serve the API, check a seed, print the schema.

use clap::{Parser, Subcommand};
use diplograph::api::Limits;
use diplograph::reload::Reloader;
use diplograph::{api, http, seed};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Diplograph: a GraphQL knowledge graph of facts from news reports.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
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
        seed: u64,
    },
    /// Export the graph for other tools: graphml, jsonld, csv (one file per table) or gdelt.
    Export {
        /// graphml, jsonld, csv or gdelt.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["graphml", "jsonld", "csv", "gdelt"]))]
        format: String,
        /// The seed directory to load.
        #[arg(long, default_value = "seed", env = "DIPLOGRAPH_SEED")]
        seed: PathBuf,
        /// The file to write (a directory for csv); standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Parser)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8000", env = "DIPLOGRAPH_ADDR")]
    addr: SocketAddr,
    /// The seed directory to load.
    #[arg(long, default_value = "seed", env = "DIPLOGRAPH_SEED")]
    seed: PathBuf,
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
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs::parse_from(["serve"])
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or_else(|| Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(args),
        Command::Check { dir } => check(&dir),
        Command::Schema => {
            print!("{}", api::sdl());
            ExitCode::SUCCESS
        }
        Command::Export { format, seed, out } => export(&format, &seed, out.as_deref()),
        Command::Generate { events, out, seed } => {
            match diplograph::generate::generate(&diplograph::generate::GenerateConfig { events, seed }, &out) {
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

/// `diplograph export`: loads the seed and writes `format` to `out` (or stdout).
fn export(format: &str, dir: &std::path::Path, out: Option<&std::path::Path>) -> ExitCode {
    let Some(format) = diplograph::export::Format::parse(format) else {
        eprintln!("unknown format `{format}`: expected one of {}", diplograph::export::Format::spellings());
        return ExitCode::from(2);
    };
    let g = match seed::load(dir) {
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

fn serve(args: ServeArgs) -> ExitCode {
    let graph = match seed::load(&args.seed) {
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
        ..Limits::default()
    };
    let config = http::HttpConfig {
        cors_origins: args.cors_origins,
        timeout: Duration::from_secs(args.timeout_secs),
        max_body_bytes: args.max_body_bytes,
        max_batch: args.max_batch,
        response_cache_bytes: if args.no_response_cache { 0 } else { http::HttpConfig::default().response_cache_bytes },
    };
    let state = http::AppState::new(api::schema_with(&limits), graph, config);
    let reloader = Reloader::new(&args.seed, state.graph.clone());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on {}: {e}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        #[cfg(unix)]
        tokio::spawn(reloader.clone().on_sighup());
        if args.watch {
            tokio::spawn(reloader.watch(Duration::from_secs(1)));
        }
        let g = state.snapshot();
        tracing::info!(addr = %args.addr, entities = g.node_count(), snapshot = %g.snapshot().hash, "serving http://{}/ (GraphQL at /graphql)", args.addr);
        match http::serve(listener, http::app(state)).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("server error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
