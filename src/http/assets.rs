//! The browser pages as static files built into the binary: the playground (GraphiQL) at `/`
//! and the graph explorer at `/explore`.
//!
//! `build.rs` bundles `web/` (one folder per page) into `$OUT_DIR/playground`; this module
//! embeds the result and maps request paths to files. It knows nothing of HTTP servers: the router
//! answers a GET for [`Asset::path`] with [`Asset::body`] and [`Asset::content_type`].
//! The pages load only these files and post queries to `/graphql` on the same origin.

/// A static file of the browser pages, built into the binary.
#[derive(Debug)]
pub struct Asset {
    /// The request path it is served at, such as `/` or `/playground/playground.js`.
    pub path: &'static str,
    /// The value for the `Content-Type` header.
    pub content_type: &'static str,
    /// The file's bytes.
    pub body: &'static [u8],
}

/// Every file of the browser pages: the playground's page first, then the explorer's. The
/// list is written by `build.rs` from its `ASSETS` table, the one place that names them.
pub static ASSETS: &[Asset] = &include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The asset at `path` (e.g. "/", "/explore", "/playground/playground.js"), if any.
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_found_at_its_path() {
        for a in ASSETS {
            assert_eq!(asset(a.path).map(|found| found.path), Some(a.path));
        }
        assert!(asset("/playground/").is_none());
        assert!(asset("/index.html").is_none());
        assert!(asset("/explore/").is_none());
        assert!(asset("/playground/explore.html").is_none());
    }

    #[test]
    fn each_page_links_its_files_by_their_served_paths() {
        for (page, files) in [
            ("/", ["/playground/playground.js", "/playground/playground.css"]),
            ("/explore", ["/playground/explore.js", "/playground/explore.css"]),
        ] {
            let html = String::from_utf8_lossy(asset(page).map_or(&[][..], |a| a.body));
            for file in files {
                assert!(html.contains(&format!("\"{file}\"")), "{page} does not link {file}: {html}");
                assert!(asset(file).is_some(), "{file} is linked from {page} but not served");
            }
        }
    }
}
