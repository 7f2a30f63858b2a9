//! Builds the browser pages (`web/`: the GraphiQL playground in `web/playground/` and the
//! graph explorer in `web/explorer/`, one npm package) into `$OUT_DIR/playground`, and writes
//! `$OUT_DIR/assets.rs`, the list of served files that `src/http/assets.rs` includes: the
//! table [`ASSETS`] below is the one place that names them.
//!
//! Steps: `npm ci` when `web/node_modules` is missing or older than the lockfile, then
//! `node build.mjs $OUT_DIR/playground` (esbuild) when the bundle is missing or older than
//! its sources. Needs Node.js 18+ and npm on PATH, and the npm registry for the first
//! `npm ci`. `DIPLOGRAPH_SKIP_WEB=1` writes small placeholder pages instead, for quick
//! checks on a machine without Node.js. What it does is reported as `cargo:warning` lines
//! (cargo shows them when the script ends; while it runs, cargo's progress line names
//! `diplograph(build)`), and a failure is a message and exit status 1, not a panic.

use std::env;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

/// Every served file of the browser pages: (request path, file written by web/build.mjs,
/// content type). The playground's page first, then the explorer's.
const ASSETS: [(&str, &str, &str); 7] = [
    ("/", "index.html", "text/html; charset=utf-8"),
    ("/playground/playground.js", "playground.js", "text/javascript; charset=utf-8"),
    ("/playground/playground.css", "playground.css", "text/css; charset=utf-8"),
    ("/explore", "explore.html", "text/html; charset=utf-8"),
    ("/playground/explore.js", "explore.js", "text/javascript; charset=utf-8"),
    ("/playground/explore.css", "explore.css", "text/css; charset=utf-8"),
    ("/playground/LICENSES.txt", "LICENSES.txt", "text/plain; charset=utf-8"),
];

/// Present in the output folder when it holds the placeholder rather than a real bundle.
const PLACEHOLDER_MARK: &str = ".placeholder";

/// What the bundle is built from (relative to `web`): one folder per page, the build
/// script and the npm package, and the shared client queries the playground offers.
const SOURCES: [&str; 7] = [
    "playground",
    "explorer",
    "package.json",
    "package-lock.json",
    "build.mjs",
    "../queries/meetings-with-agreements.graphql",
    "../queries/dashboard.graphql",
];

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    let out_dir = out.join("playground");
    let web = manifest_dir.join("web");

    // Folders: cargo reruns this script when anything under them changes.
    for input in SOURCES {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DIPLOGRAPH_SKIP_WEB");

    if let Err(e) = write_asset_list(&out.join("assets.rs"), &out_dir) {
        fail(&format!("cannot write the list of assets in {}: {e}", out.display()));
    }
    if env::var_os("DIPLOGRAPH_SKIP_WEB").is_some_and(|v| !v.is_empty() && v != "0") {
        println!("cargo:warning=DIPLOGRAPH_SKIP_WEB is set: the playground at / and the explorer are placeholders");
        write_placeholder(&out_dir).unwrap_or_else(|e| {
            fail(&format!("cannot write the placeholder playground in {}: {e}", out_dir.display()))
        });
        return;
    }

    if let Err(message) = build(&web, &out_dir) {
        fail(&message);
    }
}

/// Writes the Rust expression `[Asset { .. }, ..]` listing [`ASSETS`], each embedding its
/// file of `out_dir`, for `src/http/assets.rs` to include.
fn write_asset_list(list: &Path, out_dir: &Path) -> io::Result<()> {
    let mut text = String::from("// Written by build.rs from its ASSETS table.\n[\n");
    for (path, file, content_type) in ASSETS {
        let file = out_dir.join(file);
        text.push_str(&format!(
            "    Asset {{ path: {path:?}, content_type: {content_type:?}, body: include_bytes!({:?}) }},\n",
            file.display().to_string()
        ));
    }
    text.push_str("]\n");
    // Unchanged contents keep the file's time, so the crate is not rebuilt for nothing.
    if fs::read_to_string(list).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs::write(list, text)
}

/// Brings the bundle in `out_dir` up to date with the sources in `web`.
fn build(web: &Path, out_dir: &Path) -> Result<(), String> {
    let sources = newest_mtime(&SOURCES.map(|s| web.join(s)))
        .map_err(|e| format!("cannot read the browser pages' sources in {}: {e}", web.display()))?;
    if bundle_is_fresh(out_dir, sources) {
        return Ok(());
    }

    check_tool("node", "Node.js 18 or newer")?;
    check_tool(npm(), "npm (it comes with Node.js)")?;

    let lock = web.join("package-lock.json");
    let installed = web.join("node_modules").join(".package-lock.json");
    if is_older(&installed, &lock) {
        let took = run(
            Command::new(npm()).args(["ci", "--no-audit", "--no-fund"]).current_dir(web),
            "npm ci --no-audit --no-fund",
        )?;
        println!(
            "cargo:warning=installed the browser pages' npm packages into web/node_modules (`npm ci`, {took}; \
             once, and again when web/package-lock.json changes; DIPLOGRAPH_SKIP_WEB=1 builds without the pages)"
        );
    }

    let took = run(Command::new("node").arg("build.mjs").arg(out_dir).current_dir(web), "node build.mjs")?;
    println!("cargo:warning=bundled the playground and the explorer from web/ (esbuild, {took})");
    for (_, name, _) in ASSETS {
        if !out_dir.join(name).is_file() {
            return Err(format!("node build.mjs finished but did not write {}", out_dir.join(name).display()));
        }
    }
    Ok(())
}

/// Whether every output exists, none is a placeholder, and all are newer than `sources`.
fn bundle_is_fresh(out_dir: &Path, sources: SystemTime) -> bool {
    if out_dir.join(PLACEHOLDER_MARK).exists() {
        return false;
    }
    ASSETS.iter().all(|(_, name, _)| match fs::metadata(out_dir.join(name)).and_then(|m| m.modified()) {
        Ok(built) => built >= sources,
        Err(_) => false,
    })
}

/// The latest modification time of the given files and of everything under the given folders.
fn newest_mtime(paths: &[PathBuf]) -> io::Result<SystemTime> {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        let meta = fs::metadata(&path)?;
        newest = newest.max(meta.modified()?);
        if meta.is_dir() {
            for entry in fs::read_dir(&path)? {
                stack.push(entry?.path());
            }
        }
    }
    Ok(newest)
}

/// Whether `file` is missing or was modified before `than`.
fn is_older(file: &Path, than: &Path) -> bool {
    let mtime = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (mtime(file), mtime(than)) {
        (Some(a), Some(b)) => a < b,
        _ => true,
    }
}

/// The npm executable's name on this platform.
fn npm() -> &'static str {
    if cfg!(windows) {
        "npm.cmd"
    } else {
        "npm"
    }
}

/// Checks that `program --version` runs, naming what to install when it does not.
fn check_tool(program: &str, what: &str) -> Result<(), String> {
    match Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{program} --version` failed ({status}): the playground needs {what} on PATH")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(format!("`{program}` was not found on PATH: the playground needs {what}"))
        }
        Err(e) => Err(format!("cannot run `{program}`: {e}; the playground needs {what}")),
    }
}

/// Runs a command, its output going to the build log, and fails unless it succeeds; says
/// how long it took.
fn run(command: &mut Command, what: &str) -> Result<String, String> {
    let started = Instant::now();
    // Keep the child's stdout off ours: cargo reads our stdout for `cargo:` lines.
    let status =
        command.stdout(Stdio::from(io::stderr())).status().map_err(|e| format!("cannot start `{what}`: {e}"))?;
    if status.success() {
        Ok(format!("{:.1} s", started.elapsed().as_secs_f64()))
    } else {
        Err(format!("`{what}` failed ({status}); its output is above"))
    }
}

/// Writes pages that say the playground and the explorer were not built, and marks the
/// folder as such.
fn write_placeholder(out_dir: &Path) -> io::Result<()> {
    fs::create_dir_all(out_dir)?;
    let page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Diplograph</title>\
                <link rel=\"stylesheet\" href=\"/playground/playground.css\"></head>\n<body><p>The playground \
                was not built (DIPLOGRAPH_SKIP_WEB). Send GraphQL queries as POST requests to /graphql.</p>\
                <script src=\"/playground/playground.js\"></script></body></html>\n";
    fs::write(out_dir.join("index.html"), page)?;
    fs::write(out_dir.join("playground.js"), "/* placeholder: DIPLOGRAPH_SKIP_WEB */\n")?;
    fs::write(out_dir.join("playground.css"), "/* placeholder: DIPLOGRAPH_SKIP_WEB */\n")?;
    let explore = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Diplograph</title>\
                   <link rel=\"stylesheet\" href=\"/playground/explore.css\"></head>\n<body><p>The graph explorer \
                   was not built (DIPLOGRAPH_SKIP_WEB).</p><script src=\"/playground/explore.js\"></script>\
                   </body></html>\n";
    fs::write(out_dir.join("explore.html"), explore)?;
    fs::write(out_dir.join("explore.js"), "/* placeholder: DIPLOGRAPH_SKIP_WEB */\n")?;
    fs::write(out_dir.join("explore.css"), "/* placeholder: DIPLOGRAPH_SKIP_WEB */\n")?;
    fs::write(
        out_dir.join("LICENSES.txt"),
        "The browser pages were not built (DIPLOGRAPH_SKIP_WEB): no third-party code.\n",
    )?;
    fs::write(out_dir.join(PLACEHOLDER_MARK), "")
}

/// Stops the build with a message that says what went wrong and how to get past it: as
/// `cargo:warning` lines (shown in cargo's summary) and on stderr (shown under "failed to run
/// custom build command"), then exit status 1, without a panic's backtrace.
fn fail(message: &str) -> ! {
    let text = format!(
        "building the browser pages (web/) failed: {message}\n\
         Install Node.js 18+ and npm (Debian: apt-get install nodejs npm), make sure the npm \
         registry is reachable for the first `npm ci`, or set DIPLOGRAPH_SKIP_WEB=1 to build \
         with placeholder pages."
    );
    for line in text.lines() {
        println!("cargo:warning={line}");
    }
    eprintln!("{text}");
    std::process::exit(1);
}
