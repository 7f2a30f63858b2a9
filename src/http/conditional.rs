//! Validators per content coding. A compressed answer is another representation of the same
//! resource, so it gets its own `ETag`: the tag of the plain answer with the coding appended
//! inside the quotes (`"…-gzip"`, `"…-br"`, as Apache's `mod_deflate` names them), with
//! `Vary: Accept-Encoding`. `If-None-Match` is answered here, once the coding is chosen (by the
//! compression layer below, or by a handler that sends a precompressed file), against the tag
//! of the representation this request would get: a client holding the gzip answer
//! revalidates with the gzip tag, and its tag does not validate a plain answer.
//!
//! Handlers set the `ETag` of the plain answer and answer 200; conditional GETs of the API and
//! of the browser pages are decided here only (the streamed exports check their own tag first,
//! so as not to start writing an export they will not send).

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The middleware: gives a coded answer its own tag, and answers 304 when `If-None-Match`
/// names the tag of the answer about to be sent.
pub async fn per_coding(request: Request, next: Next) -> Response {
    let conditional = match *request.method() {
        Method::GET | Method::HEAD => if_none_match(request.headers()),
        _ => None,
    };
    let mut response = next.run(request).await;
    let coded = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|c| c.to_str().ok())
        .zip(response.headers().get(header::ETAG).and_then(|t| t.to_str().ok()))
        .and_then(|(coding, tag)| HeaderValue::from_str(&with_coding(tag, coding)).ok());
    if let Some(tag) = coded {
        let h = response.headers_mut();
        h.insert(header::ETAG, tag);
        if !h.get_all(header::VARY).iter().any(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-encoding")) {
            h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    let matched = conditional.is_some_and(|wanted| {
        response.status() == StatusCode::OK
            && response.headers().get(header::ETAG).and_then(|t| t.to_str().ok()).is_some_and(|t| names(&wanted, t))
    });
    if !matched {
        return response;
    }
    let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
    // What a 304 repeats from the answer it stands for (RFC 9110, 15.4.5), and the snapshot.
    let kept = [
        header::ETAG,
        header::CACHE_CONTROL,
        header::VARY,
        header::EXPIRES,
        header::HeaderName::from_static(super::graphql::SNAPSHOT_HEADER),
    ];
    for name in kept {
        for v in response.headers().get_all(&name) {
            not_modified.headers_mut().append(name.clone(), v.clone());
        }
    }
    not_modified
}

/// The `If-None-Match` of a request, all its values joined.
fn if_none_match(headers: &HeaderMap) -> Option<String> {
    let values: Vec<&str> = headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// Whether the list `wanted` names `tag` (or is `*`); weak tags compare as strong ones, as
/// RFC 9110 asks for this header.
fn names(wanted: &str, tag: &str) -> bool {
    let tag = tag.trim_start_matches("W/");
    wanted.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == tag || t == "*")
}

/// `tag` with `coding` appended inside its quotes: `"abc"` and `gzip` give `"abc-gzip"`.
pub fn with_coding(tag: &str, coding: &str) -> String {
    let (weak, quoted) = match tag.strip_prefix("W/") {
        Some(rest) => ("W/", rest),
        None => ("", tag),
    };
    match quoted.strip_suffix('"') {
        Some(open) => format!("{weak}{open}-{coding}\""),
        None => format!("{weak}{quoted}-{coding}"),
    }
}
