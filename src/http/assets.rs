//! The browser playground (GraphiQL) as static files built into the binary.
//!
//! `build.rs` bundles `web/playground` into `$OUT_DIR/playground`; this module embeds the
//! result and maps request paths to files. It knows nothing of HTTP servers: the router
//! answers a GET for [`Asset::path`] with [`Asset::body`] and [`Asset::content_type`].
//! The page loads only these files and posts queries to `/graphql` on the same origin.

/// A static file of the browser playground, built into the binary.
#[derive(Debug)]
pub struct Asset {
    /// The request path it is served at, such as `/` or `/playground/playground.js`.
    pub path: &'static str,
    /// The value for the `Content-Type` header.
    pub content_type: &'static str,
    /// The file's bytes.
    pub body: &'static [u8],
}

/// Embeds a file of the built playground.
macro_rules! built {
    ($name:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/playground/", $name))
    };
}

/// Every file of the playground, the page first.
pub static ASSETS: [Asset; 4] = [
    Asset { path: "/", content_type: "text/html; charset=utf-8", body: built!("index.html") },
    Asset {
        path: "/playground/playground.js",
        content_type: "text/javascript; charset=utf-8",
        body: built!("playground.js"),
    },
    Asset {
        path: "/playground/playground.css",
        content_type: "text/css; charset=utf-8",
        body: built!("playground.css"),
    },
    Asset { path: "/playground/LICENSES.txt", content_type: "text/plain; charset=utf-8", body: built!("LICENSES.txt") },
];

/// The asset at `path` (e.g. "/", "/playground/playground.js"), if any.
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_found_at_its_path() {
        for a in &ASSETS {
            assert_eq!(asset(a.path).map(|found| found.path), Some(a.path));
        }
        assert!(asset("/playground/").is_none());
        assert!(asset("/index.html").is_none());
    }

    #[test]
    fn the_page_links_its_files_by_their_served_paths() {
        let page = String::from_utf8_lossy(ASSETS[0].body);
        assert!(page.contains("\"/playground/playground.js\""), "{page}");
        assert!(page.contains("\"/playground/playground.css\""), "{page}");
    }
}
