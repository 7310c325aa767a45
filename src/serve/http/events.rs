//! Live reload over server-sent events (`/__chapterhouse/events`).
//!
//! The stream is written straight to the socket, unbuffered, so its first bytes leave at
//! once and each `data: reload` the moment a rebuild finishes. A companion thread blocks
//! reading the socket: a browser that closes its stream (every page view closes the last
//! page's) is noticed at once, the writer stops and the connection slot is released, instead
//! of waiting for the next keep-alive write to fail.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{Shared, Wake};

/// A comment line is sent this often so that proxies and browsers keep the stream open, and
/// so that a peer that vanished without closing is found by a failing write.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";

/// Streams events until the server stops or the client goes away. `since` is the generation
/// the page was served at: when a rebuild finished in between, the page reloads at once.
pub(super) fn stream(
    mut socket: TcpStream,
    shared: &Arc<Shared>,
    since: Option<u64>,
    head_only: bool,
) {
    if head_only {
        let _ = socket.write_all(HEAD.as_bytes());
        return;
    }
    let mut seen = shared.generation();
    // `retry` makes the browser reconnect after a second when the server restarts.
    let mut first = format!("{HEAD}retry: 1000\n: connected at {seen}\n\n");
    if since.is_some_and(|since| since != seen) {
        first.push_str("data: reload\n\n");
    }
    if socket.write_all(first.as_bytes()).is_err() {
        return;
    }
    let gone = Arc::new(AtomicBool::new(false));
    let reader = watch_for_close(&socket, shared, &gone);
    loop {
        let message: &[u8] = match shared.wait(seen, KEEP_ALIVE, &gone) {
            Wake::Stopped | Wake::Gone => break,
            Wake::Changed(generation) => {
                seen = generation;
                b"data: reload\n\n"
            }
            Wake::Quiet => b": keep-alive\n\n",
        };
        if socket.write_all(message).is_err() {
            break;
        }
    }
    // Ends the companion's blocking read, whichever side stopped first.
    let _ = socket.shutdown(Shutdown::Both);
    if let Some(reader) = reader {
        let _ = reader.join();
    }
}

/// Starts the thread that reads (and discards) whatever the client sends and raises `gone`
/// when the stream ends. Without it (no thread could be started) a failing write still ends
/// the stream, only later.
fn watch_for_close(
    socket: &TcpStream,
    shared: &Arc<Shared>,
    gone: &Arc<AtomicBool>,
) -> Option<std::thread::JoinHandle<()>> {
    let mut reader = socket.try_clone().ok()?;
    let _ = reader.set_read_timeout(None);
    let (shared, gone) = (shared.clone(), gone.clone());
    std::thread::Builder::new()
        .name("events-reader".into())
        .spawn(move || {
            let mut sink = [0u8; 512];
            while let Ok(n) = reader.read(&mut sink) {
                if n == 0 {
                    break;
                }
            }
            gone.store(true, Ordering::SeqCst);
            shared.poke();
        })
        .ok()
}
