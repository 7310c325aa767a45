//! The development server over raw TCP on loopback, as a hostile or careless client sees it:
//! path-only redirects, bounded request heads, live-reload events that arrive at once, and
//! connection slots that come back. Every wait is bounded.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn site(&self) -> &Path {
        self._dir.path()
    }
}

/// Serves a copy of the small fixture on a free port, once its first build answers 200.
fn serve() -> Server {
    let dir = tempfile::tempdir().unwrap();
    common::copy_fixture("small", dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_chapterhouse"))
        .args(["serve", "--port", "0", "--now", "2026-11-23T12:00:00Z"])
        .arg("--root")
        .arg(dir.path())
        .arg("--output-dir")
        .arg(dir.path().join("public"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.split_whitespace().nth(1).unwrap();
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    common::drain_until_first_build(lines);
    Server {
        child,
        address,
        _dir: dir,
    }
}

fn get(target: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
}

/// Sends `request` and reads the whole answer (the server closes after it).
fn exchange(address: &str, request: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return String::new();
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(request.as_bytes());
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_of(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Reads from `stream` until `marker` has arrived, or `within` passes; returns what came.
fn read_until(stream: &mut TcpStream, marker: &str, within: Duration) -> String {
    read_while(stream, |seen| !seen.contains(marker), within)
}

/// Reads from `stream` while `more` says so of what came so far, for at most `within`.
fn read_while(stream: &mut TcpStream, more: impl Fn(&str) -> bool, within: Duration) -> String {
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while more(&String::from_utf8_lossy(&seen)) {
        let left = within.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// Opens an events stream and returns it with its first bytes.
fn open_events(address: &str, query: &str) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    let request = format!("GET /__chapterhouse/events{query} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let first = read_until(&mut stream, "\n\n", Duration::from_secs(5));
    (stream, first)
}

#[test]
fn redirects_name_a_path_never_another_host() {
    let server = serve();
    for (target, location) in [
        ("//chapters", "/chapters/"),
        ("///chapters", "/chapters/"),
        ("/%2F%2Fchapters", "/chapters/"),
        ("//chapters/lyon", "/chapters/lyon/"),
        ("/chapters//lyon", "/chapters/lyon/"),
        (
            "//chapters?next=//evil.example",
            "/chapters/?next=//evil.example",
        ),
    ] {
        let answer = exchange(&server.address, &get(target));
        assert_eq!(status_of(&answer), 301, "{target}: {answer}");
        assert_eq!(header(&answer, "location"), Some(location), "{target}");
    }
    for target in [
        "/\\evil.example",
        "/%5Cevil.example",
        "//\\evil.example/chapters",
        "http://evil.example/chapters",
        "//chapters\t",
    ] {
        let answer = exchange(&server.address, &get(target));
        assert_eq!(status_of(&answer), 400, "{target}: {answer}");
        assert_eq!(header(&answer, "location"), None, "{target}");
    }
    let answer = exchange(&server.address, &get("//evil.example/"));
    assert_eq!(status_of(&answer), 404, "an unknown folder is only missing");
}

#[test]
fn oversized_heads_are_answered_431_before_they_end() {
    let server = serve();
    // One header past 16 KiB, never finished: the answer cannot wait for its end.
    let mut stream = TcpStream::connect(&server.address).unwrap();
    let big = format!("GET / HTTP/1.1\r\nX-Big: {}", "a".repeat(17 * 1024));
    stream.write_all(big.as_bytes()).unwrap();
    let answer = read_until(&mut stream, "\r\n\r\n", Duration::from_secs(5));
    assert_eq!(status_of(&answer), 431, "{answer}");
    drop(stream);
    let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X-A: 1\r\n".repeat(65));
    let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20 * 1024));
    for request in [many, long_line] {
        assert_eq!(status_of(&exchange(&server.address, &request)), 431);
    }
    // Just under the limit is an ordinary request.
    let fits = format!(
        "GET /about/ HTTP/1.1\r\n{}Connection: close\r\n\r\n",
        format!("X-Fill: {}\r\n", "b".repeat(1000)).repeat(15)
    );
    assert_eq!(status_of(&exchange(&server.address, &fits)), 200);
}

#[cfg(target_os = "linux")]
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn a_header_of_64_megabytes_is_not_kept_in_memory() {
    let server = serve();
    let before = resident_kib(server.child.id());
    let mut stream = TcpStream::connect(&server.address).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let chunk = vec![b'a'; 1 << 20];
        let _ = writer.write_all(b"GET / HTTP/1.1\r\nX-Huge: ");
        let mut sent = 0usize;
        while sent < 64 && writer.write_all(&chunk).is_ok() {
            sent += 1;
        }
        sent
    });
    let answer = read_until(&mut stream, "\r\n\r\n", Duration::from_secs(10));
    assert_eq!(status_of(&answer), 431, "{answer}");
    let sent = sender.join().unwrap();
    assert!(sent < 64, "the server stopped reading ({sent} MiB sent)");
    let after = resident_kib(server.child.id());
    assert!(
        after < before + 8 * 1024,
        "resident memory grew from {before} KiB to {after} KiB"
    );
    assert_eq!(status_of(&exchange(&server.address, &get("/"))), 200);
}

#[test]
fn events_arrive_at_once_and_a_reload_follows_an_edit() {
    let server = serve();
    let (mut stream, first) = open_events(&server.address, "");
    assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{first:?}");
    assert!(
        first.contains("Content-Type: text/event-stream"),
        "{first:?}"
    );
    assert!(first.contains("\r\n\r\nretry: 1000\n"), "{first:?}");
    assert!(!first.contains("data: reload"), "nothing changed yet");
    common::replace_in(
        &server.site().join("content/about.md"),
        "Founded in 1990",
        "Founded in 1991",
    );
    let next = read_until(&mut stream, "data: reload\n\n", Duration::from_secs(15));
    assert!(next.contains("data: reload\n\n"), "{next:?}");
    // The first build's own reload may reach a stream opened just before it was announced,
    // so the edit is awaited rather than assumed to be what the first event announced.
    let mut answer = String::new();
    common::eventually("the edit served", || {
        answer = exchange(&server.address, &get("/about/"));
        answer.contains("Founded in 1991")
    });
    // A page served before a rebuild it missed reloads as soon as it listens.
    let (mut stale, first) = open_events(&server.address, "?since=0");
    let mut first = first;
    if !first.contains("data: reload\n\n") {
        first += &read_until(&mut stale, "data: reload\n\n", Duration::from_secs(5));
    }
    assert!(first.contains("data: reload\n\n"), "{first:?}");
    let generation = answer
        .split("data-generation=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let (_current, first) = open_events(&server.address, &format!("?since={generation}"));
    assert!(!first.contains("data: reload"), "{first:?}");
}

#[test]
fn dropped_event_streams_give_their_slots_back() {
    let server = serve();
    let mut busy = 0;
    for _ in 0..200 {
        let mut attempts = 0;
        loop {
            let (stream, first) = open_events(&server.address, "");
            drop(stream);
            if first.contains("retry: 1000") {
                break;
            }
            assert!(first.starts_with("HTTP/1.1 503"), "{first:?}");
            busy += 1;
            attempts += 1;
            assert!(attempts < 100, "slots never came back");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    assert!(busy < 20, "{busy} of 200 streams found the server busy");
    assert_eq!(status_of(&exchange(&server.address, &get("/about/"))), 200);

    // 64 open streams fill the server; once they close, it answers again.
    let held: Vec<_> = (0..64).map(|_| open_events(&server.address, "")).collect();
    assert!(held.iter().all(|(_, first)| first.contains("retry: 1000")));
    let answer = exchange(&server.address, &get("/about/"));
    assert_eq!(status_of(&answer), 503, "{answer}");
    drop(held);
    common::eventually("slots after closing 64 streams", || {
        status_of(&exchange(&server.address, &get("/about/"))) == 200
    });
}

#[test]
fn bodies_methods_and_keep_alive_are_handled_on_one_connection() {
    let server = serve();
    let mut stream = TcpStream::connect(&server.address).unwrap();
    // Two requests at once, then a third: each answered in order on the same connection.
    stream
        .write_all(b"GET /about/ HTTP/1.1\r\nHost: a\r\n\r\nHEAD /about/ HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
        .unwrap();
    // Both answers may come in one read: the first ends where its Content-Length says.
    let both = read_while(
        &mut stream,
        |seen| {
            seen.split_once("</html>")
                .is_none_or(|(_, rest)| !rest.contains("\r\n\r\n"))
        },
        Duration::from_secs(5),
    );
    assert_eq!(status_of(&both), 200, "{both:?}");
    let length: usize = header(&both, "content-length").unwrap().parse().unwrap();
    let first_end = both.find("\r\n\r\n").unwrap() + 4 + length;
    let head = &both[first_end..];
    assert_eq!(status_of(head), 200, "{head:?}");
    assert_eq!(
        header(head, "content-length"),
        Some(length.to_string().as_str())
    );
    assert!(head.ends_with("\r\n\r\n"), "HEAD sends no body: {head:?}");
    stream
        .write_all(b"POST /about/ HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
        .unwrap();
    let mut rest = String::new();
    let _ = stream.read_to_string(&mut rest);
    assert!(
        rest.starts_with("HTTP/1.1 405"),
        "a POST on the same connection: {rest:?}"
    );
    for (request, status) in [
        ("GET / HTTP/1.1\r\nContent-Length: 70000\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
        ("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("GET /../secret HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
    ] {
        assert_eq!(
            status_of(&exchange(&server.address, request)),
            status,
            "{request:?}"
        );
    }
}

#[test]
fn a_client_that_never_finishes_its_head_is_timed_out() {
    let server = serve();
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nX-Slow: ").unwrap();
    let started = Instant::now();
    let answer = read_until(&mut stream, "\r\n\r\n", Duration::from_secs(20));
    assert_eq!(status_of(&answer), 408, "{answer:?}");
    assert!(started.elapsed() < Duration::from_secs(15));
}
