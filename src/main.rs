//! The `diplograph` command: serve the API, check a seed, print the schema.

use clap::{Parser, Subcommand};
use diplograph::{api, http, seed};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

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
    }
}

fn check(dir: &std::path::Path) -> ExitCode {
    match seed::load(dir) {
        Ok(g) => {
            let (kinds, relations, citations) = g.counts();
            println!("{}: valid", dir.display());
            for (kind, n) in kinds {
                println!("  {:<11} {n}", format!("{}s", kind.as_str()));
            }
            println!("  {:<11} {relations}", "relations");
            println!("  {:<11} {citations}", "citations");
            println!("  snapshot    {}", g.snapshot().hash);
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
    let config = http::HttpConfig {
        cors_origins: args.cors_origins,
        timeout: Duration::from_secs(args.timeout_secs),
        ..Default::default()
    };
    let state = http::AppState::new(api::schema(), graph, config);
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
