//! `GET /export/{file}`: the graph's exports (`graph.graphml`, `graph.jsonld`, `events.csv`
//! and the other tables, `events.gdelt.tsv`), streamed: a blocking task writes the export
//! into 64 KiB chunks sent through a small channel, so the answer is never whole in memory
//! and a slow client slows the writer instead of filling memory. The `ETag` is the snapshot
//! hash; `If-None-Match` with it answers 304.

use super::AppState;
use crate::export::ExportFile;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// How many bytes the writer gathers before sending a chunk.
const CHUNK: usize = 64 * 1024;

/// `GET /export/{file}`.
pub async fn get(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(export) = ExportFile::parse(&file) else {
        let list: Vec<String> = ExportFile::all().map(|f| format!("/export/{}", f.name())).collect();
        let body = format!("no export `{file}`; the exports are:\n{}\n", list.join("\n"));
        return (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response();
    };
    let g = state.snapshot();
    let etag = format!("\"{}\"", g.snapshot().hash);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let (tx, rx) = mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let mut w = ChannelWriter { tx, buf: Vec::with_capacity(CHUNK) };
        let result = export.write(&g, &mut w).and_then(|()| w.flush());
        if let Err(e) = result {
            // A closed channel means the client left; anything else is worth a log line.
            if e.kind() != io::ErrorKind::BrokenPipe {
                tracing::error!(error = %e, file = %export.name(), "export failed");
                let _ = w.tx.blocking_send(Err(e));
            }
        }
    });
    let disposition = format!("attachment; filename=\"{}\"", export.name());
    (
        [
            (header::CONTENT_TYPE, export.content_type().to_owned()),
            (header::ETAG, etag),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-cache".to_owned()),
        ],
        Body::from_stream(Chunks(rx)),
    )
        .into_response()
}

/// Gathers written bytes and sends them down the channel a chunk at a time.
struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client gone"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// The receiving end as a body stream.
struct Chunks(mpsc::Receiver<io::Result<Bytes>>);

impl futures_core::Stream for Chunks {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}
