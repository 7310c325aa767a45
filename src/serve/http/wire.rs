//! HTTP/1.1 on the wire for the development server: reads one request head under strict
//! limits (bytes, header lines, time) and writes whole responses. It knows nothing of the site.
//!
//! The head is read through a budget, so a client that sends a 300 MB header costs at most
//! [`MAX_HEAD`] bytes of memory and is answered 431 as soon as the budget runs out, before the
//! rest has even arrived.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// The request line and all header lines together may not exceed this many bytes.
pub const MAX_HEAD: usize = 16 * 1024;
/// More header lines than this are refused (431).
pub const MAX_HEADERS: usize = 64;
/// Once its first byte has arrived, the whole head must arrive within this time.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Head,
    Other,
}

/// A request line and its headers, checked: the target is visible ASCII starting with `/`.
#[derive(Debug)]
pub(crate) struct RequestHead {
    pub(crate) method: Method,
    pub(crate) target: String,
    http10: bool,
    /// Names in lower case, values trimmed.
    headers: Vec<(String, String)>,
}

impl RequestHead {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the connection ends after this request (HTTP/1.0, or `Connection: close`).
    pub(crate) fn wants_close(&self) -> bool {
        let connection = self.header("connection").unwrap_or("").to_ascii_lowercase();
        connection.contains("close") || (self.http10 && !connection.contains("keep-alive"))
    }
}

/// Why no request could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadError {
    /// The client closed, failed or stayed idle before a request began: nothing to answer.
    Closed,
    /// Over [`MAX_HEAD`] bytes or [`MAX_HEADERS`] lines.
    TooLarge,
    /// Not HTTP/1.x syntax, or a target that is not a plain path.
    Malformed,
    /// HTTP/2 or later on this plain-text socket.
    Version,
    /// The head began but did not finish within [`HEAD_DEADLINE`].
    TimedOut,
}

impl HeadError {
    /// The status to answer with; `None` when the client is gone or never spoke.
    pub(crate) fn status(self) -> Option<u16> {
        match self {
            HeadError::Closed => None,
            HeadError::TooLarge => Some(431),
            HeadError::Malformed => Some(400),
            HeadError::Version => Some(505),
            HeadError::TimedOut => Some(408),
        }
    }
}

/// A buffered reader whose next wait can be bounded (a socket, or bytes in memory in tests).
pub(crate) trait TimedRead: BufRead {
    fn wait_at_most(&mut self, timeout: Duration) -> io::Result<()>;
}

impl TimedRead for BufReader<TcpStream> {
    fn wait_at_most(&mut self, timeout: Duration) -> io::Result<()> {
        self.get_ref().set_read_timeout(Some(timeout))
    }
}

impl TimedRead for &[u8] {
    fn wait_at_most(&mut self, _: Duration) -> io::Result<()> {
        Ok(())
    }
}

/// Reads one request head, waiting at most `idle` for its first byte.
pub(crate) fn read_head(
    reader: &mut impl TimedRead,
    idle: Duration,
) -> Result<RequestHead, HeadError> {
    let mut budget = Budget {
        left: MAX_HEAD,
        deadline: Instant::now() + idle,
        started: false,
    };
    let mut line = Vec::new();
    // A client may send empty lines before a request (RFC 9112, section 2.2); they count
    // against the budget like any other byte.
    while line.is_empty() {
        budget.read_line(reader, &mut line)?;
        trim_line_end(&mut line);
    }
    let (method, target, http10) = parse_request_line(&line)?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        budget.read_line(reader, &mut line)?;
        trim_line_end(&mut line);
        if line.is_empty() {
            break;
        }
        if headers.len() == MAX_HEADERS {
            return Err(HeadError::TooLarge);
        }
        headers.push(parse_header(&line)?);
    }
    Ok(RequestHead {
        method,
        target,
        http10,
        headers,
    })
}

struct Budget {
    left: usize,
    deadline: Instant,
    started: bool,
}

impl Budget {
    /// Appends one line (through its `\n`) to `line`, never more than the bytes left.
    fn read_line(
        &mut self,
        reader: &mut impl TimedRead,
        line: &mut Vec<u8>,
    ) -> Result<(), HeadError> {
        loop {
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.timed_out());
            }
            reader
                .wait_at_most(remaining)
                .map_err(|_| HeadError::Closed)?;
            let available = match reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(self.timed_out());
                }
                Err(_) => return Err(HeadError::Closed),
            };
            if available.is_empty() {
                // End of stream inside a head: there is nobody left to answer.
                return Err(HeadError::Closed);
            }
            if !self.started {
                self.started = true;
                self.deadline = Instant::now() + HEAD_DEADLINE;
            }
            let (take, done) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            if take > self.left {
                return Err(HeadError::TooLarge);
            }
            self.left -= take;
            line.extend_from_slice(&available[..take]);
            reader.consume(take);
            if done {
                return Ok(());
            }
        }
    }

    fn timed_out(&self) -> HeadError {
        if self.started {
            HeadError::TimedOut
        } else {
            HeadError::Closed
        }
    }
}

fn trim_line_end(line: &mut Vec<u8>) {
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
}

fn parse_request_line(line: &[u8]) -> Result<(Method, String, bool), HeadError> {
    let text = std::str::from_utf8(line).map_err(|_| HeadError::Malformed)?;
    let mut parts = text.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed);
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        v if v.starts_with("HTTP/") => return Err(HeadError::Version),
        _ => return Err(HeadError::Malformed),
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(HeadError::Malformed);
    }
    // Only origin-form (`/path?query`): an absolute URL or `*` names no file here, and
    // visible ASCII only, so nothing taken from the target can break a response header.
    if !target.starts_with('/') || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(HeadError::Malformed);
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => Method::Other,
    };
    Ok((method, target.to_string(), http10))
}

fn parse_header(line: &[u8]) -> Result<(String, String), HeadError> {
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(HeadError::Malformed)?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    // A name must be a token: this also refuses obsolete line folding (a leading space).
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    if name.is_empty() || !name.iter().all(token) {
        return Err(HeadError::Malformed);
    }
    if value.iter().any(|&b| b.is_ascii_control() && b != b'\t') {
        return Err(HeadError::Malformed);
    }
    let value = String::from_utf8_lossy(value);
    Ok((
        String::from_utf8_lossy(name).to_ascii_lowercase(),
        value.trim_matches([' ', '\t']).to_string(),
    ))
}

/// A whole response, written in one go.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    pub(crate) fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub(crate) fn with(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    #[cfg(test)]
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The bytes on the wire; `head_only` for HEAD (same headers, no body).
    pub(crate) fn to_bytes(&self, head_only: bool, close: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.body.len());
        let _ = write!(out, "HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            // Values are built by this server from checked parts; dropping control
            // characters anyway means no value can ever end the header block.
            let value: String = value.chars().filter(|c| !c.is_control()).collect();
            let _ = write!(out, "{name}: {value}\r\n");
        }
        let _ = write!(out, "Content-Length: {}\r\n", self.body.len());
        if close {
            out.extend_from_slice(b"Connection: close\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Answers `status` and closes. The unread rest of the request is drained for a moment
/// first (a bounded amount), because closing a socket with unread data resets the
/// connection and the client might never see the answer.
pub(crate) fn refuse(mut stream: &TcpStream, status: u16) {
    let body = format!("{status} {}\n", reason(status).to_ascii_lowercase());
    let response = Response::new(status, body).with("Content-Type", "text/plain; charset=utf-8");
    if stream.write_all(&response.to_bytes(false, true)).is_err() {
        return;
    }
    let _ = stream.shutdown(Shutdown::Write);
    let started = Instant::now();
    let mut drained = 0usize;
    let mut sink = [0u8; 8192];
    while drained < 1 << 20 && started.elapsed() < Duration::from_secs(1) {
        let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(bytes: &[u8]) -> Result<RequestHead, HeadError> {
        let mut reader = bytes;
        read_head(&mut reader, Duration::from_secs(1))
    }

    #[test]
    fn a_plain_request_is_read_with_crlf_or_lf() {
        for text in [
            "GET /about/?x=1 HTTP/1.1\r\nHost: a\r\nConnection:  Close \r\n\r\n",
            "\r\nGET /about/?x=1 HTTP/1.1\nHost: a\nConnection: close\n\n",
        ] {
            let head = head(text.as_bytes()).unwrap();
            assert_eq!(head.method, Method::Get);
            assert_eq!(head.target, "/about/?x=1");
            assert_eq!(head.header("host"), Some("a"));
            assert!(head.wants_close(), "{text:?}");
        }
        let head10 = head(b"HEAD / HTTP/1.0\r\n\r\n").unwrap();
        assert!(head10.method == Method::Head && head10.wants_close());
        assert!(!head(b"GET / HTTP/1.1\r\n\r\n").unwrap().wants_close());
        assert_eq!(
            head(b"POST / HTTP/1.1\r\n\r\n").unwrap().method,
            Method::Other
        );
    }

    #[test]
    fn heads_over_the_limits_are_too_large() {
        let long_value = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        let long_target = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD));
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: 1\r\n".repeat(MAX_HEADERS + 1)
        );
        // No end of line at all: the budget, not a line ending, stops the read.
        let endless = "G".repeat(MAX_HEAD + 1);
        let blank_lines = "\r\n".repeat(MAX_HEAD / 2 + 1);
        for text in [long_value, long_target, many, endless, blank_lines] {
            assert_eq!(head(text.as_bytes()).unwrap_err(), HeadError::TooLarge);
        }
        let at_limit = format!("GET / HTTP/1.1\r\n{}\r\n", "X: 1\r\n".repeat(MAX_HEADERS));
        assert!(head(at_limit.as_bytes()).is_ok());
        let filler = "a".repeat(MAX_HEAD - 40);
        assert!(head(format!("GET / HTTP/1.1\r\nX: {filler}\r\n\r\n").as_bytes()).is_ok());
    }

    #[test]
    fn bad_syntax_is_malformed_and_newer_versions_are_refused() {
        for text in [
            "GET http://evil.example/ HTTP/1.1\r\n\r\n",
            "GET * HTTP/1.1\r\n\r\n",
            "GET /a b HTTP/1.1\r\n\r\n",
            "GET /a\tb HTTP/1.1\r\n\r\n",
            "GET /caf\u{e9} HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1 extra\r\n\r\n",
            "get / HTTP/1.1\r\n\r\n",
            "GET / FTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n",
            "GET / HTTP/1.1\r\nNo colon\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
        ] {
            let error = head(text.as_bytes()).unwrap_err();
            assert_eq!(error, HeadError::Malformed, "{text:?}");
            assert_eq!(error.status(), Some(400));
        }
        assert_eq!(
            head(b"GET / HTTP/2.0\r\n\r\n").unwrap_err(),
            HeadError::Version
        );
    }

    #[test]
    fn a_client_that_stops_early_is_closed_not_answered() {
        for text in ["", "GET / HTTP/1.1\r\nHost: a\r\n", "GET /"] {
            assert_eq!(head(text.as_bytes()).unwrap_err(), HeadError::Closed);
        }
        assert_eq!(HeadError::Closed.status(), None);
    }

    #[test]
    fn responses_carry_length_and_close_and_no_control_characters() {
        let response = Response::new(301, "").with("Location", "/a/\r\nSet-Cookie: x");
        let text = String::from_utf8(response.to_bytes(false, true)).unwrap();
        assert_eq!(
            text,
            "HTTP/1.1 301 Moved Permanently\r\nLocation: /a/Set-Cookie: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let head_only = Response::new(200, "body").to_bytes(true, false);
        assert_eq!(head_only, b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
    }
}
