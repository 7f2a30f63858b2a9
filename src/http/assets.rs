//! The browser pages as static files built into the binary: the playground (GraphiQL) at `/`
//! and the graph explorer at `/explore`.
//!
//! `build.rs` bundles `web/` (one folder per page) into `$OUT_DIR/playground`, gives each
//! script, style and text a content-hashed name that the pages link, and compresses every
//! file once (gzip and brotli); this module embeds the result and maps request paths to
//! files. It knows nothing of HTTP servers: the router answers a GET for [`Asset::path`] or
//! [`Asset::hashed_path`] with the [`Asset::encoded`] body the client accepts.
//! The pages load only these files and post queries to `/graphql` on the same origin.

/// A static file of the browser pages, built into the binary.
#[derive(Debug)]
pub struct Asset {
    /// The request path it is served at, such as `/` or `/playground/playground.js`.
    pub path: &'static str,
    /// The content-hashed path it is also served at (`/playground/playground.<hash>.js`),
    /// which the pages link and which may be cached forever; `None` for the pages.
    pub hashed_path: Option<&'static str>,
    /// The value for the `Content-Type` header.
    pub content_type: &'static str,
    /// The strong entity tag of the file's bytes (a quoted content hash).
    pub etag: &'static str,
    /// The file's bytes.
    pub body: &'static [u8],
    /// The file compressed with gzip, when that is smaller.
    pub gzip: Option<&'static [u8]>,
    /// The file compressed with brotli, when that is smaller.
    pub brotli: Option<&'static [u8]>,
}

/// A content coding of an asset's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// The `Content-Encoding` value; `None` for identity.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }

    /// The codings an `Accept-Encoding` value allows (a coding with `q=0` is refused;
    /// `*` allows both).
    pub fn accepted(accept_encoding: &str) -> impl Iterator<Item = Coding> + '_ {
        let allows = move |coding: &str| {
            accept_encoding.split(',').any(|item| {
                let mut parts = item.split(';').map(str::trim);
                let name = parts.next().unwrap_or_default();
                let refused = parts
                    .any(|p| p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)));
                (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
            })
        };
        [(Coding::Brotli, "br"), (Coding::Gzip, "gzip")].into_iter().filter(move |(_, n)| allows(n)).map(|(c, _)| c)
    }
}

impl Asset {
    /// The smallest stored form the client accepts (brotli, then gzip, else the bytes as built).
    pub fn encoded(&self, accept_encoding: &str) -> (Coding, &'static [u8]) {
        for coding in Coding::accepted(accept_encoding) {
            let body = match coding {
                Coding::Brotli => self.brotli,
                Coding::Gzip => self.gzip,
                Coding::Identity => None,
            };
            if let Some(body) = body {
                return (coding, body);
            }
        }
        (Coding::Identity, self.body)
    }
}

/// Every file of the browser pages: scripts, styles and texts by name, then the pages. The
/// list is written by `build.rs` from the files the web build wrote.
pub static ASSETS: &[Asset] = &include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The asset at `path` (e.g. "/", "/explore", "/playground/playground.js" or its hashed
/// name), if any, and whether `path` is its hashed name.
pub fn lookup(path: &str) -> Option<(&'static Asset, bool)> {
    ASSETS.iter().find_map(|a| {
        if a.path == path {
            Some((a, false))
        } else if a.hashed_path == Some(path) {
            Some((a, true))
        } else {
            None
        }
    })
}

/// The asset at `path`, by its plain or its hashed name.
pub fn asset(path: &str) -> Option<&'static Asset> {
    lookup(path).map(|(a, _)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_found_at_its_paths() {
        for a in ASSETS {
            assert_eq!(lookup(a.path).map(|(found, hashed)| (found.path, hashed)), Some((a.path, false)));
            if let Some(h) = a.hashed_path {
                assert_eq!(lookup(h).map(|(found, hashed)| (found.path, hashed)), Some((a.path, true)));
            }
        }
        assert!(asset("/playground/").is_none());
        assert!(asset("/index.html").is_none());
        assert!(asset("/explore/").is_none());
        assert!(asset("/playground/explore.html").is_none());
    }

    /// The text of the page at `path`.
    fn page(path: &str) -> String {
        String::from_utf8_lossy(asset(path).map_or(&[][..], |a| a.body)).into_owned()
    }

    /// The texts of the elements of `html` that open with `open` and close with `close`.
    fn inline<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
        html.split(open).skip(1).map(|rest| rest.split(close).next().unwrap_or_default()).collect()
    }

    #[test]
    fn each_page_links_its_files_by_their_hashed_paths() {
        // The playground links its script and styles.
        let html = page("/");
        for file in ["/playground/playground.js", "/playground/playground.css"] {
            let hashed = asset(file).and_then(|a| a.hashed_path);
            let hashed = hashed.unwrap_or_else(|| panic!("{file} is not served under a hashed name"));
            assert!(hashed.starts_with(file.trim_end_matches(".js").trim_end_matches(".css")));
            assert!(html.contains(&format!("\"{hashed}\"")), "/ does not link {hashed}: {html}");
            assert!(!html.contains(&format!("\"{file}\"")), "/ still links {file}: {html}");
        }
        // The explorer holds its script and styles (one request fewer before it runs: a
        // round trip is 562.5 ms on a Fast 3G network), served nowhere else, and links the
        // modules it fetches later (the map, the layout) by their hashed paths only.
        let html = page("/explore");
        assert_eq!(inline(&html, "<script type=\"module\">", "</script>").len(), 1, "{html}");
        assert_eq!(inline(&html, "<style>", "</style>").len(), 1, "{html}");
        assert!(!html.contains("<script src=") && !html.contains("<link rel=\"stylesheet\""), "{html}");
        for file in ["/playground/explore.js", "/playground/explore.css"] {
            assert!(asset(file).is_none(), "{file} is still served");
        }
        for quoted in html.split("\"/playground/").skip(1) {
            let linked = format!("/playground/{}", quoted.split('"').next().unwrap_or_default());
            assert!(lookup(&linked).is_some_and(|(_, hashed)| hashed), "/explore links {linked}, not a hashed path");
        }
    }

    #[test]
    fn the_explorer_allows_its_inline_script_and_styles_by_their_hashes_only() {
        use base64::Engine;
        use sha2::Digest;
        let hash = |text: &str| {
            format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text)))
        };
        let html = page("/explore");
        let policy = inline(&html, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\"");
        assert_eq!(policy.len(), 1, "/explore has no Content-Security-Policy: {html}");
        let directive = |name: &str| {
            policy[0]
                .split(';')
                .map(str::trim)
                .find_map(|d| d.strip_prefix(name).and_then(|v| v.strip_prefix(' ')))
                .unwrap_or_else(|| panic!("the policy has no {name}: {}", policy[0]))
                .split_whitespace()
                .collect::<Vec<_>>()
        };
        // The policy comes before the texts it governs.
        assert!(html.find("Content-Security-Policy") < html.find("<style>"), "{html}");
        for (name, texts) in [
            ("script-src", inline(&html, "<script type=\"module\">", "</script>")),
            ("style-src", inline(&html, "<style>", "</style>")),
        ] {
            let sources = directive(name);
            for text in texts {
                let h = hash(text);
                assert!(sources.contains(&h.as_str()), "{name} does not allow the page's text ({h}): {sources:?}");
            }
            for loose in ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"] {
                assert!(!sources.contains(&loose), "{name} allows {loose}");
            }
        }
        assert_eq!(directive("default-src"), ["'self'"]);
        assert_eq!(directive("object-src"), ["'none'"]);
        assert_eq!(directive("base-uri"), ["'none'"]);
    }

    #[test]
    fn stored_codings_decode_to_the_file() {
        use std::io::Read;
        for a in ASSETS {
            if let Some(gz) = a.gzip {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(gz).read_to_end(&mut out).expect("gzip");
                assert_eq!(out, a.body, "{}", a.path);
            }
            if let Some(br) = a.brotli {
                let mut out = Vec::new();
                brotli::Decompressor::new(br, 4096).read_to_end(&mut out).expect("brotli");
                assert_eq!(out, a.body, "{}", a.path);
            }
        }
    }

    #[test]
    fn the_client_gets_the_best_coding_it_accepts() {
        let accepted = |h: &str| Coding::accepted(h).collect::<Vec<_>>();
        assert_eq!(accepted("gzip, deflate, br"), [Coding::Brotli, Coding::Gzip]);
        assert_eq!(accepted("gzip"), [Coding::Gzip]);
        assert_eq!(accepted("br;q=0, gzip;q=0.5"), [Coding::Gzip]);
        assert_eq!(accepted("*"), [Coding::Brotli, Coding::Gzip]);
        assert!(accepted("identity").is_empty());
        assert!(accepted("").is_empty());
    }
}
