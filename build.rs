//! Builds the browser pages (`web/`: the GraphiQL playground in `web/playground/` and the
//! graph explorer in `web/explorer/`, one npm package) into `$OUT_DIR/playground`, and writes
//! `$OUT_DIR/assets.rs`, the list of served files that `src/http/assets.rs` includes: every
//! file the web build writes is served (see [`served_path`] for where).
//!
//! Steps: `npm ci` when `web/node_modules` is missing or older than the lockfile, then
//! `node build.mjs $OUT_DIR/playground` (esbuild) when the bundle is missing or older than
//! its sources. Needs Node.js 18+ and npm on PATH, and the npm registry for the first
//! `npm ci`. `DIPLOGRAPH_SKIP_WEB=1` writes small placeholder pages instead, for quick
//! checks on a machine without Node.js. What it does is reported as `cargo:warning` lines
//! (cargo shows them when the script ends; while it runs, cargo's progress line names
//! `diplograph(build)`), and a failure is a message and exit status 1, not a panic.
//!
//! Then, for the wire: each file gets a content hash (SHA-256, its first 12 hex digits);
//! scripts, styles and texts are also served at a hashed name (`playground.<hash>.js`) that
//! the HTML pages link instead, so browsers may keep them forever (the explorer's page holds
//! its own script and styles, put there by `build.mjs`); each file is compressed
//! once here with gzip (level 9) and brotli (quality 11), kept when smaller, and cached in
//! `$OUT_DIR/compressed/` by hash so an unchanged file is not compressed again.

use std::env;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

/// The files `web/build.mjs` must write: (file, what it is). It may write more; every file
/// it writes is served.
/// The explorer's script and styles are not among them: `build.mjs` puts them in its page.
const REQUIRED: [(&str, &str); 5] = [
    ("index.html", "the playground's page"),
    ("playground.js", "the playground's script"),
    ("playground.css", "the playground's styles"),
    ("explore.html", "the explorer's page, its script and styles inline"),
    ("LICENSES.txt", "the licences of bundled code"),
];

/// Files smaller than this are not compressed (the headers would outweigh the saving).
const MIN_COMPRESSED: usize = 1024;

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

    if env::var_os("DIPLOGRAPH_SKIP_WEB").is_some_and(|v| !v.is_empty() && v != "0") {
        println!("cargo:warning=DIPLOGRAPH_SKIP_WEB is set: the playground at / and the explorer are placeholders");
        write_placeholder(&out_dir).unwrap_or_else(|e| {
            fail(&format!("cannot write the placeholder playground in {}: {e}", out_dir.display()))
        });
    } else if let Err(message) = build(&web, &out_dir) {
        fail(&message);
    }
    if let Err(e) = write_asset_list(&out, &out_dir) {
        fail(&format!("cannot write the list of assets in {}: {e}", out.display()));
    }
}

/// One file of the bundle as it will be served.
struct Served {
    /// The file's name in the bundle.
    name: String,
    /// Its request path (see [`served_path`]).
    path: String,
    /// Its hashed request path; `None` for an HTML page (linked by its plain path).
    hashed: Option<String>,
    /// The bytes served (an HTML page with its links to hashed names).
    body: Vec<u8>,
    /// The content hash of `body`.
    hash: String,
}

/// Where a file of the bundle is served: `index.html` at `/`, any other page `x.html` at
/// `/x`, everything else at `/playground/<name>`.
fn served_path(name: &str) -> String {
    match name.strip_suffix(".html") {
        Some("index") => "/".to_owned(),
        Some(page) => format!("/{page}"),
        None => format!("/playground/{name}"),
    }
}

/// The `Content-Type` of a file, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The first 12 hex digits of the SHA-256 of `bytes`.
fn content_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// Reads every file of `out_dir`, gives the non-HTML ones hashed names and links the pages
/// to those names. Sorted by name, pages last, so that the list is stable.
fn served_files(out_dir: &Path) -> io::Result<Vec<Served>> {
    let mut names: Vec<String> = fs::read_dir(out_dir)?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort_by_key(|n| (n.ends_with(".html"), n.clone()));
    let mut files: Vec<Served> = Vec::new();
    for name in names {
        let mut body = fs::read(out_dir.join(&name))?;
        let path = served_path(&name);
        let hashed = if name.ends_with(".html") {
            // Link the hashed names of the files listed so far (all but the pages).
            let mut text = String::from_utf8_lossy(&body).into_owned();
            for f in &files {
                if let Some(h) = &f.hashed {
                    for q in ['"', '\''] {
                        text = text.replace(&format!("{q}{}{q}", f.path), &format!("{q}{h}{q}"));
                    }
                }
            }
            body = text.into_bytes();
            None
        } else {
            let hash = content_hash(&body);
            Some(match name.rsplit_once('.') {
                Some((stem, ext)) => format!("/playground/{stem}.{hash}.{ext}"),
                None => format!("/playground/{name}.{hash}"),
            })
        };
        let hash = content_hash(&body);
        files.push(Served { name, path, hashed, body, hash });
    }
    Ok(files)
}

/// `bytes` compressed with gzip (level 9) and brotli (quality 11), cached in `dir` under
/// `hash`; each only when at least [`MIN_COMPRESSED`] bytes long and smaller than `bytes`.
fn compressed(dir: &Path, hash: &str, bytes: &[u8]) -> io::Result<[Option<PathBuf>; 2]> {
    if bytes.len() < MIN_COMPRESSED {
        return Ok([None, None]);
    }
    let gz = dir.join(format!("{hash}.gz"));
    if !gz.exists() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        io::Write::write_all(&mut e, bytes)?;
        write_atomically(&gz, &e.finish()?)?;
    }
    let br = dir.join(format!("{hash}.br"));
    if !br.exists() {
        let mut out = Vec::new();
        let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
        brotli::BrotliCompress(&mut io::Cursor::new(bytes), &mut out, &params)?;
        write_atomically(&br, &out)?;
    }
    let smaller = |p: PathBuf| fs::metadata(&p).is_ok_and(|m| (m.len() as usize) < bytes.len()).then_some(p);
    Ok([smaller(gz), smaller(br)])
}

/// Writes `bytes` to `path` through a temporary file, so that an interrupted build never
/// leaves a truncated file that a later build would take as done.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, bytes)?;
    fs::rename(tmp, path)
}

/// Writes the Rust expression `[Asset { .. }, ..]` listing every file of `out_dir` (pages
/// rewritten into `out/pages`, compressed copies in `out/compressed`), for
/// `src/http/assets.rs` to include.
fn write_asset_list(out: &Path, out_dir: &Path) -> io::Result<()> {
    let pages = out.join("pages");
    let packed = out.join("compressed");
    fs::create_dir_all(&pages)?;
    fs::create_dir_all(&packed)?;
    let include = |p: &Path| format!("include_bytes!({:?})", p.display().to_string());
    let some_include =
        |p: &Option<PathBuf>| p.as_deref().map_or("None".to_owned(), |p| format!("Some({})", include(p)));
    let mut text = String::from("// Written by build.rs from the files of the web build.\n[\n");
    for f in served_files(out_dir)? {
        let body = if f.hashed.is_none() {
            let page = pages.join(&f.name);
            if fs::read(&page).ok().as_deref() != Some(&f.body[..]) {
                fs::write(&page, &f.body)?;
            }
            page
        } else {
            out_dir.join(&f.name)
        };
        let [gz, br] = compressed(&packed, &f.hash, &f.body)?;
        text.push_str(&format!(
            "    Asset {{ path: {:?}, hashed_path: {:?}, content_type: {:?}, etag: {:?}, body: {}, gzip: {}, brotli: {} }},\n",
            f.path,
            f.hashed,
            content_type(&f.name),
            format!("\"{}\"", f.hash),
            include(&body),
            some_include(&gz),
            some_include(&br),
        ));
    }
    text.push_str("]\n");
    let list = out.join("assets.rs");
    // Unchanged contents keep the file's time, so the crate is not rebuilt for nothing.
    if fs::read_to_string(&list).is_ok_and(|old| old == text) {
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
    for (name, what) in REQUIRED {
        if !out_dir.join(name).is_file() {
            return Err(format!("node build.mjs finished but did not write {what}, {}", out_dir.join(name).display()));
        }
    }
    Ok(())
}

/// Whether every output exists, none is a placeholder, and all are newer than `sources`.
fn bundle_is_fresh(out_dir: &Path, sources: SystemTime) -> bool {
    if out_dir.join(PLACEHOLDER_MARK).exists() {
        return false;
    }
    REQUIRED.iter().all(|(name, _)| match fs::metadata(out_dir.join(name)).and_then(|m| m.modified()) {
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
    // Nothing of an earlier build or placeholder is left to be served.
    if out_dir.exists() {
        fs::remove_dir_all(out_dir)?;
    }
    fs::create_dir_all(out_dir)?;
    let page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Diplograph</title>\
                <link rel=\"stylesheet\" href=\"/playground/playground.css\"></head>\n<body><p>The playground \
                was not built (DIPLOGRAPH_SKIP_WEB). Send GraphQL queries as POST requests to /graphql.</p>\
                <script src=\"/playground/playground.js\"></script></body></html>\n";
    fs::write(out_dir.join("index.html"), page)?;
    fs::write(out_dir.join("playground.js"), "/* placeholder: DIPLOGRAPH_SKIP_WEB */\n")?;
    fs::write(out_dir.join("playground.css"), "/* placeholder: DIPLOGRAPH_SKIP_WEB */\n")?;
    // Like the built explorer, its script and styles inline, allowed by their hashes.
    let (script, style) = ("/* placeholder: DIPLOGRAPH_SKIP_WEB */", "/* placeholder: DIPLOGRAPH_SKIP_WEB */");
    let explore = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' {}; \
         style-src 'self' {}; object-src 'none'; base-uri 'none'\"><title>Diplograph</title>\
         <style>{style}</style></head>\n<body><p>The graph explorer was not built (DIPLOGRAPH_SKIP_WEB).</p>\
         <script type=\"module\">{script}</script></body></html>\n",
        csp_hash(script),
        csp_hash(style),
    );
    fs::write(out_dir.join("explore.html"), explore)?;
    fs::write(
        out_dir.join("LICENSES.txt"),
        "The browser pages were not built (DIPLOGRAPH_SKIP_WEB): no third-party code.\n",
    )?;
    fs::write(out_dir.join(PLACEHOLDER_MARK), "")
}

/// The Content-Security-Policy source that allows an inline script or style of exactly `text`.
fn csp_hash(text: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text)))
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
