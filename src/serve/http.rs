//! The development server: serves the output folder on loopback, never anything outside it,
//! with live reload injected into HTML responses (only here, never into `build` output) and
//! the build's errors shown in the browser while the site is broken.

use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

/// Live-reload and error state shared by the watcher and the server.
#[derive(Debug, Default)]
pub struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    generation: u64,
    error: Option<String>,
    stopping: bool,
}

impl Shared {
    /// A build succeeded: clear the error and tell browsers to reload.
    pub fn reloaded(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.generation += 1;
        state.error = None;
        self.changed.notify_all();
    }

    /// A build failed: keep the last good output and show the error.
    pub fn failed(&self, error: String) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.generation += 1;
        state.error = Some(error);
        self.changed.notify_all();
    }

    pub fn stop(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.stopping = true;
        self.changed.notify_all();
    }

    fn error(&self) -> Option<String> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .error
            .clone()
    }

    fn generation(&self) -> u64 {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .generation
    }

    /// Waits until the generation passes `seen` (or a timeout for keep-alive comments).
    fn wait(&self, seen: u64, timeout: Duration) -> Option<u64> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| s.generation == seen && !s.stopping)
            .unwrap_or_else(|e| e.into_inner());
        if state.stopping {
            None
        } else {
            Some(state.generation)
        }
    }
}

pub const EVENTS_PATH: &str = "/__chapterhouse/events";
pub const RELOAD_SCRIPT_PATH: &str = "/__chapterhouse/livereload.js";
const RELOAD_SCRIPT: &str = "(function(){var s=new EventSource(\"/__chapterhouse/events\");s.onmessage=function(){location.reload();};})();\n";
/// Most simultaneous connections; more are answered 503 at once.
pub const MAX_CONNECTIONS: usize = 64;
/// Requests with a larger body are refused; the server only answers GET and HEAD.
pub const MAX_REQUEST_BODY: usize = 64 * 1024;

/// Serves `root` until `shared.stop()`; returns the bound address at once via `bound`.
pub fn serve(server: Server, root: PathBuf, shared: Arc<Shared>) {
    let active = Arc::new(AtomicUsize::new(0));
    for request in server.incoming_requests() {
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = request.respond(Response::from_string("busy").with_status_code(503));
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let (root, shared, active) = (root.clone(), shared.clone(), active.clone());
        std::thread::spawn(move || {
            handle(request, &root, &shared);
            active.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).unwrap_or_else(|_| unreachable!())
    })
}

fn handle(request: Request, root: &Path, shared: &Shared) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::from_string("method not allowed").with_status_code(405));
        return;
    }
    if request.body_length().unwrap_or(0) > MAX_REQUEST_BODY {
        let _ = request.respond(Response::from_string("request too large").with_status_code(413));
        return;
    }
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == EVENTS_PATH {
        events(request, shared);
        return;
    }
    if url == RELOAD_SCRIPT_PATH {
        let response = Response::from_string(RELOAD_SCRIPT)
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"));
        let _ = request.respond(response);
        return;
    }
    let response = match resolve(root, &url) {
        Err(status) => Response::from_string(format!("{status}: refused\n"))
            .with_status_code(status)
            .boxed(),
        Ok(Resolved::Redirect(to)) => Response::empty(StatusCode(301))
            .with_header(header("Location", &to))
            .boxed(),
        Ok(Resolved::File(path)) => match (shared.error(), is_html(&path)) {
            (Some(error), true) => html(error_page(&error), 500),
            _ => file(&path, 200),
        },
        Ok(Resolved::Missing) => match shared.error() {
            Some(error) => html(error_page(&error), 500),
            None => match fs::read(root.join("404.html")) {
                Ok(bytes) => html(inject(bytes), 404),
                Err(_) => Response::from_string("not found")
                    .with_status_code(404)
                    .boxed(),
            },
        },
    };
    let _ = request.respond(response);
}

enum Resolved {
    File(PathBuf),
    Redirect(String),
    Missing,
}

/// Maps a URL path onto the output folder. `..` in any encoding, backslashes, NUL and
/// leftover percent-escapes (double encoding) are refused with 400.
fn resolve(root: &Path, url: &str) -> Result<Resolved, u16> {
    let decoded = percent_decode(url).ok_or(400u16)?;
    if decoded.contains('\\') || decoded.contains('\0') || decoded.contains('%') {
        return Err(400);
    }
    let relative = decoded.trim_start_matches('/');
    let path = Path::new(relative);
    if path
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(400);
    }
    let full = root.join(path);
    // Symbolic links inside the output must not lead outside it either.
    if let (Ok(real), Ok(real_root)) = (fs::canonicalize(&full), fs::canonicalize(root))
        && !real.starts_with(&real_root)
    {
        return Err(403);
    }
    if full.is_dir() {
        if !decoded.ends_with('/') {
            return Ok(Resolved::Redirect(format!("{url}/")));
        }
        let index = full.join("index.html");
        return Ok(if index.is_file() {
            Resolved::File(index)
        } else {
            Resolved::Missing
        });
    }
    Ok(if full.is_file() {
        Resolved::File(full)
    } else {
        Resolved::Missing
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "ics" => "text/calendar; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn is_html(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "html")
}

fn file(path: &Path, status: u16) -> Response<Box<dyn Read + Send>> {
    match fs::read(path) {
        Ok(bytes) if is_html(path) => html(inject(bytes), status),
        Ok(bytes) => {
            let ct = if path.file_name().is_some_and(|n| n == "atom.xml") {
                "application/atom+xml"
            } else {
                content_type(path)
            };
            Response::from_data(bytes)
                .with_status_code(status)
                .with_header(header("Content-Type", ct))
                .boxed()
        }
        Err(_) => Response::from_string("not found")
            .with_status_code(404)
            .boxed(),
    }
}

fn html(body: Vec<u8>, status: u16) -> Response<Box<dyn Read + Send>> {
    Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
        .boxed()
}

/// Adds the live-reload script before `</body>`.
fn inject(mut body: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{RELOAD_SCRIPT_PATH}\"></script>\n");
    match body.windows(7).rposition(|w| w == b"</body>") {
        Some(at) => {
            body.splice(at..at, tag.into_bytes());
        }
        None => body.extend_from_slice(tag.as_bytes()),
    }
    body
}

fn error_page(error: &str) -> Vec<u8> {
    let escaped = crate::render::escape_html(error);
    inject(
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>\n<body><main><h1>The site does not build</h1>\n<p>The last good version is kept; fix the error below and save. This page reloads by itself.</p>\n<pre>{escaped}</pre></main></body></html>\n"
        )
        .into_bytes(),
    )
}

/// A server-sent-events stream that sends `reload` whenever the generation changes.
struct EventStream<'a> {
    shared: &'a Shared,
    seen: u64,
    pending: Vec<u8>,
}

impl Read for EventStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pending.is_empty() {
            match self.shared.wait(self.seen, Duration::from_secs(15)) {
                None => return Ok(0),
                Some(generation) if generation != self.seen => {
                    self.seen = generation;
                    self.pending.extend_from_slice(b"data: reload\n\n");
                }
                Some(_) => self.pending.extend_from_slice(b": keep-alive\n\n"),
            }
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

fn events(request: Request, shared: &Shared) {
    let stream = EventStream {
        shared,
        seen: shared.generation(),
        pending: b": connected\n\n".to_vec(),
    };
    let response = Response::new(
        StatusCode(200),
        vec![
            header("Content-Type", "text/event-stream"),
            header("Cache-Control", "no-store"),
        ],
        stream,
        None,
        None,
    );
    let _ = request.respond(response);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_in_any_encoding_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for url in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%252e%252e/etc/passwd",
            "/a/..%2f..%2fetc",
            "/..\\\\etc",
            "/%00",
        ] {
            assert!(matches!(resolve(dir.path(), url), Err(400)), "{url}");
        }
    }
}
