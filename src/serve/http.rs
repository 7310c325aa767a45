//! The development server: serves the output folder on loopback, never anything outside it,
//! with live reload injected into HTML responses (only here, never into `build` output) and
//! the build's errors shown in the browser while the site is broken.
//!
//! It speaks a strict subset of HTTP/1.1 itself ([`wire`]) over `std::net`: GET and HEAD,
//! bounded request heads, whole responses, keep-alive. Each connection holds one of
//! [`MAX_CONNECTIONS`] slots, released by a guard on every path out of its thread.

mod events;
mod wire;

use std::fs;
use std::io::{self, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub use wire::{HEAD_DEADLINE, MAX_HEAD, MAX_HEADERS};
use wire::{Method, RequestHead, Response};

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

/// Why [`Shared::wait`] returned.
enum Wake {
    Changed(u64),
    Quiet,
    Gone,
    Stopped,
}

impl Shared {
    /// A build succeeded: clear the error and tell browsers to reload.
    pub fn reloaded(&self) {
        let mut state = self.lock();
        state.generation += 1;
        state.error = None;
        self.changed.notify_all();
    }

    /// A build failed: keep the last good output and show the error.
    pub fn failed(&self, error: String) {
        let mut state = self.lock();
        state.generation += 1;
        state.error = Some(error);
        self.changed.notify_all();
    }

    pub fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn error(&self) -> Option<String> {
        self.lock().error.clone()
    }

    fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Wakes the waiters so they look at their `gone` flags. Taking the lock first means a
    /// waiter cannot miss it between checking its flag and starting to wait.
    fn poke(&self) {
        let _state = self.lock();
        self.changed.notify_all();
    }

    /// Waits until the generation passes `seen`, `gone` is raised, the server stops, or
    /// `timeout` passes quietly.
    fn wait(&self, seen: u64, timeout: Duration, gone: &AtomicBool) -> Wake {
        let state = self.lock();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| {
                s.generation == seen && !s.stopping && !gone.load(Ordering::SeqCst)
            })
            .unwrap_or_else(|e| e.into_inner());
        if state.stopping {
            Wake::Stopped
        } else if gone.load(Ordering::SeqCst) {
            Wake::Gone
        } else if state.generation != seen {
            Wake::Changed(state.generation)
        } else {
            Wake::Quiet
        }
    }
}

pub const EVENTS_PATH: &str = "/__chapterhouse/events";
pub const RELOAD_SCRIPT_PATH: &str = "/__chapterhouse/livereload.js";
/// Connects to the events stream, telling it which build the page came from (the script
/// tag's `data-generation`), and reloads on every `reload` message.
const RELOAD_SCRIPT: &str = "(function(){var t=document.currentScript,g=t&&t.dataset.generation,s=new EventSource(\"/__chapterhouse/events\"+(g?\"?since=\"+g:\"\"));s.onmessage=function(e){if(e.data===\"reload\"){s.close();location.reload();}};})();\n";
/// Most simultaneous connections; more are answered 503 at once.
pub const MAX_CONNECTIONS: usize = 64;
/// Requests with a larger body are refused; the server only answers GET and HEAD.
pub const MAX_REQUEST_BODY: usize = 64 * 1024;
/// An idle keep-alive connection is closed after this long, freeing its slot.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Something the server can take its listening socket from.
pub trait Listen {
    fn into_listener(self) -> io::Result<TcpListener>;
}

impl Listen for TcpListener {
    fn into_listener(self) -> io::Result<TcpListener> {
        Ok(self)
    }
}

/// A counted resource: taken if fewer than its limit are out, given back on drop.
struct Slots {
    taken: Arc<AtomicUsize>,
    limit: usize,
}

struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Slots {
    fn new(limit: usize) -> Slots {
        Slots {
            taken: Arc::new(AtomicUsize::new(0)),
            limit,
        }
    }

    fn take(&self) -> Option<Slot> {
        self.taken
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.limit).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(self.taken.clone()))
    }
}

/// Serves `root` on `listener` for as long as the process runs.
pub fn serve(listener: impl Listen, root: PathBuf, shared: Arc<Shared>) {
    let listener = match listener.into_listener() {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: the development server cannot listen: {e}");
            return;
        }
    };
    let connections = Slots::new(MAX_CONNECTIONS);
    // Connections over the cap get their 503 from a thread of their own, so a slow client
    // cannot stall the accept loop; those threads are capped too, past that a connection
    // is closed unanswered.
    let refusals = Slots::new(MAX_CONNECTIONS);
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            // Out of file descriptors, say: do not spin, the next accept may succeed.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        if let Some(slot) = connections.take() {
            let (root, shared) = (root.clone(), shared.clone());
            // A thread that cannot start drops its closure, and with it the slot.
            let _ = std::thread::Builder::new()
                .name("http".into())
                .spawn(move || {
                    let _slot = slot;
                    connection(stream, &root, &shared);
                });
        } else if let Some(slot) = refusals.take() {
            let _ = std::thread::Builder::new()
                .name("http-busy".into())
                .spawn(move || {
                    let _slot = slot;
                    busy(stream);
                });
        }
    }
}

/// Answers 503 to whatever request the client sends (read under the usual limits).
fn busy(stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    if wire::read_head(&mut BufReader::new(read_half), Duration::from_secs(2)).is_ok() {
        wire::refuse(&stream, 503);
    }
}

/// Serves requests on one connection until it closes, idles out or fails.
fn connection(stream: TcpStream, root: &Path, shared: &Arc<Shared>) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    loop {
        let head = match wire::read_head(&mut reader, IDLE_TIMEOUT) {
            Ok(head) => head,
            Err(error) => {
                if let Some(status) = error.status() {
                    wire::refuse(&stream, status);
                }
                return;
            }
        };
        if let Err(status) = skip_body(&head, &mut reader) {
            wire::refuse(&stream, status);
            return;
        }
        let close = head.wants_close();
        let head_only = head.method == Method::Head;
        let response = match route(&head, root, shared) {
            Reply::Events { since } => {
                events::stream(stream, shared, since, head_only);
                return;
            }
            Reply::Whole(response) => response,
        };
        if io::Write::write_all(&mut &stream, &response.to_bytes(head_only, close)).is_err()
            || close
        {
            return;
        }
    }
}

/// Reads past a request body, so the next request on the connection starts where it should.
/// Bodies over [`MAX_REQUEST_BODY`] get 413 and chunked ones 411 (nothing here reads them).
fn skip_body(head: &RequestHead, reader: &mut BufReader<TcpStream>) -> Result<(), u16> {
    if head.header("transfer-encoding").is_some() {
        return Err(411);
    }
    let length = match head.header("content-length") {
        None => return Ok(()),
        Some(value) => value.parse::<u64>().map_err(|_| 400u16)?,
    };
    if length > MAX_REQUEST_BODY as u64 {
        return Err(413);
    }
    let _ = reader.get_ref().set_read_timeout(Some(HEAD_DEADLINE));
    match io::copy(&mut reader.take(length), &mut io::sink()) {
        Ok(read) if read == length => Ok(()),
        _ => Err(400),
    }
}

enum Reply {
    Whole(Response),
    Events { since: Option<u64> },
}

fn route(head: &RequestHead, root: &Path, shared: &Shared) -> Reply {
    if !matches!(head.method, Method::Get | Method::Head) {
        return Reply::Whole(Response::new(405, "method not allowed\n").with("Allow", "GET, HEAD"));
    }
    let (path, query) = match head.target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (head.target.as_str(), None),
    };
    if path == EVENTS_PATH {
        let since = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|pair| pair.strip_prefix("since="))
            .and_then(|g| g.parse().ok());
        return Reply::Events { since };
    }
    if path == RELOAD_SCRIPT_PATH {
        return Reply::Whole(
            Response::new(200, RELOAD_SCRIPT)
                .with("Content-Type", "text/javascript; charset=utf-8")
                .with("Cache-Control", "no-store"),
        );
    }
    Reply::Whole(match resolve(root, path) {
        Err(status) => Response::new(status, format!("{status}: refused\n")),
        Ok(Resolved::Redirect(to)) => {
            let location = match query {
                Some(query) => format!("{to}?{query}"),
                None => to,
            };
            Response::new(301, "").with("Location", location)
        }
        Ok(Resolved::File(path)) => match (shared.error(), is_html(&path)) {
            (Some(error), true) => html(error_page(&error, shared.generation()), 500),
            _ => file(&path, shared.generation()),
        },
        Ok(Resolved::Missing) => match shared.error() {
            Some(error) => html(error_page(&error, shared.generation()), 500),
            None => match fs::read(root.join("404.html")) {
                Ok(bytes) => html(inject(bytes, shared.generation()), 404),
                Err(_) => Response::new(404, "not found\n"),
            },
        },
    })
}

#[derive(Debug, PartialEq)]
enum Resolved {
    File(PathBuf),
    /// A path-only location (one leading `/`, re-encoded segments): never another host.
    Redirect(String),
    Missing,
}

/// Maps a URL path onto the output folder. `..` in any encoding, backslashes, NUL and
/// leftover percent-escapes (double encoding) are refused with 400.
fn resolve(root: &Path, url: &str) -> Result<Resolved, u16> {
    let decoded = crate::links::percent::decode_strict(url).ok_or(400u16)?;
    if decoded.contains('\\') || decoded.contains('\0') || decoded.contains('%') {
        return Err(400);
    }
    let relative = decoded.trim_start_matches('/');
    let path = Path::new(relative);
    let mut segments = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(segment) => segments.push(segment.to_str().ok_or(400u16)?),
            _ => return Err(400),
        }
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
            // Built from the checked segments, not from the request: repeated slashes
            // (`//chapters`, a protocol-relative URL naming another host) collapse to one.
            let mut location = String::from("/");
            for segment in segments {
                location.push_str(&encode_segment(segment));
                location.push('/');
            }
            return Ok(Resolved::Redirect(location));
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

/// Percent-encodes everything in a path segment but unreserved characters and sub-delims,
/// so a segment can hold neither `/` nor `\` nor `?` once it is in a `Location`.
fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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

fn file(path: &Path, generation: u64) -> Response {
    match fs::read(path) {
        Ok(bytes) if is_html(path) => html(inject(bytes, generation), 200),
        Ok(bytes) => {
            let ct = if path.file_name().is_some_and(|n| n == "atom.xml") {
                "application/atom+xml"
            } else {
                content_type(path)
            };
            Response::new(200, bytes).with("Content-Type", ct)
        }
        Err(_) => Response::new(404, "not found\n"),
    }
}

fn html(body: Vec<u8>, status: u16) -> Response {
    Response::new(status, body)
        .with("Content-Type", "text/html; charset=utf-8")
        .with("Cache-Control", "no-store")
}

/// Adds the live-reload script before `</body>`, marked with the build it was served from.
fn inject(mut body: Vec<u8>, generation: u64) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{RELOAD_SCRIPT_PATH}\" data-generation=\"{generation}\"></script>\n"
    );
    match body.windows(7).rposition(|w| w == b"</body>") {
        Some(at) => {
            body.splice(at..at, tag.into_bytes());
        }
        None => body.extend_from_slice(tag.as_bytes()),
    }
    body
}

fn error_page(error: &str, generation: u64) -> Vec<u8> {
    let escaped = crate::render::escape_html(error);
    inject(
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>\n<body><main><h1>The site does not build</h1>\n<p>The last good version is kept; fix the error below and save. This page reloads by itself.</p>\n<pre>{escaped}</pre></main></body></html>\n"
        )
        .into_bytes(),
        generation,
    )
}

#[cfg(test)]
mod tests;
