//! Unit tests of the development server's routing: traversal, path-only redirects, slots and
//! the live-reload wait. The server over real sockets is tested in `tests/serve_http.rs`.

use super::*;
use std::time::Instant;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in [
        "chapters/lyon",
        "about",
        "evil.example",
        "café",
        "a?b",
        "sp ace",
    ] {
        fs::create_dir_all(dir.path().join(folder)).unwrap();
        fs::write(dir.path().join(folder).join("index.html"), "<body></body>").unwrap();
    }
    dir
}

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
        "/%zz",
        "/%ff",
    ] {
        assert!(matches!(resolve(dir.path(), url), Err(400)), "{url}");
    }
}

#[test]
fn redirects_are_path_only_whatever_the_slashes() {
    let dir = site();
    for (url, expected) in [
        ("/chapters", "/chapters/"),
        ("//chapters", "/chapters/"),
        ("///chapters", "/chapters/"),
        ("/%2fchapters", "/chapters/"),
        ("/%2F%2Fchapters", "/chapters/"),
        ("/chapters//lyon", "/chapters/lyon/"),
        ("//chapters/./lyon", "/chapters/lyon/"),
        ("//evil.example", "/evil.example/"),
        ("/caf%C3%A9", "/caf%C3%A9/"),
        ("/a%3Fb", "/a%3Fb/"),
        ("/sp%20ace", "/sp%20ace/"),
    ] {
        let Ok(Resolved::Redirect(location)) = resolve(dir.path(), url) else {
            panic!("{url}: no redirect");
        };
        assert_eq!(location, expected, "{url}");
        assert!(
            location.starts_with('/')
                && !location.starts_with("//")
                && !location.contains('\\')
                && !location.contains("://"),
            "{url} -> {location}"
        );
    }
}

#[test]
fn backslash_shapes_and_unknown_hosts_never_redirect() {
    let dir = site();
    for url in [
        "/\\evil.example",
        "/\\\\evil.example",
        "/%5cevil.example",
        "/%5C%5Cevil.example",
        "//\\evil.example",
        "/%2F%5Cevil.example",
    ] {
        assert_eq!(resolve(dir.path(), url), Err(400), "{url}");
    }
    for url in ["//other.example", "///other.example/x", "//other.example/"] {
        assert_eq!(resolve(dir.path(), url), Ok(Resolved::Missing), "{url}");
    }
}

#[test]
fn a_redirect_keeps_its_query_but_not_a_second_slash() {
    let dir = site();
    let head = |target: &str| {
        let text = format!("GET {target} HTTP/1.1\r\n\r\n");
        wire::read_head(&mut text.as_bytes(), Duration::from_secs(1)).unwrap()
    };
    let shared = Shared::default();
    for (target, expected) in [
        ("//chapters?x=1", "/chapters/?x=1"),
        (
            "//chapters?next=//evil.example",
            "/chapters/?next=//evil.example",
        ),
    ] {
        let Reply::Whole(response) = route(&head(target), dir.path(), &shared) else {
            panic!("{target}: events");
        };
        assert_eq!(response.status, 301);
        assert_eq!(response.header("Location"), Some(expected), "{target}");
    }
    let Reply::Whole(post) = route(
        &wire::read_head(&mut &b"POST / HTTP/1.1\r\n\r\n"[..], Duration::from_secs(1)).unwrap(),
        dir.path(),
        &shared,
    ) else {
        panic!("POST: events");
    };
    assert_eq!(
        (post.status, post.header("Allow")),
        (405, Some("GET, HEAD"))
    );
}

#[test]
fn served_html_names_its_generation_and_events_read_since() {
    let dir = site();
    let shared = Shared::default();
    shared.reloaded();
    shared.reloaded();
    let text = b"GET /about/ HTTP/1.1\r\n\r\n";
    let head = wire::read_head(&mut &text[..], Duration::from_secs(1)).unwrap();
    let Reply::Whole(page) = route(&head, dir.path(), &shared) else {
        panic!("events");
    };
    let body = String::from_utf8(page.to_bytes(false, false)).unwrap();
    assert!(
        body.contains("data-generation=\"2\"></script>\n</body>"),
        "{body}"
    );
    let text = b"GET /__chapterhouse/events?since=7 HTTP/1.1\r\n\r\n";
    let head = wire::read_head(&mut &text[..], Duration::from_secs(1)).unwrap();
    assert!(matches!(
        route(&head, dir.path(), &shared),
        Reply::Events { since: Some(7) }
    ));
}

#[test]
fn slots_are_capped_and_given_back_on_drop() {
    let slots = Slots::new(2);
    let (a, b) = (slots.take().unwrap(), slots.take().unwrap());
    assert!(slots.take().is_none());
    drop(a);
    let c = slots.take().unwrap();
    assert!(slots.take().is_none());
    drop((b, c));
    assert_eq!(slots.taken.load(Ordering::SeqCst), 0);
}

#[test]
fn a_waiter_wakes_for_a_change_a_departure_or_a_stop() {
    let shared = Arc::new(Shared::default());
    let gone = Arc::new(AtomicBool::new(false));
    let quick = Duration::from_millis(20);
    assert!(matches!(shared.wait(0, quick, &gone), Wake::Quiet));
    shared.reloaded();
    assert!(matches!(shared.wait(0, quick, &gone), Wake::Changed(1)));
    let (s, g) = (shared.clone(), gone.clone());
    let poker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        g.store(true, Ordering::SeqCst);
        s.poke();
    });
    let started = Instant::now();
    assert!(matches!(
        shared.wait(1, Duration::from_secs(10), &gone),
        Wake::Gone
    ));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "woken by the poke"
    );
    poker.join().unwrap();
    shared.stop();
    assert!(matches!(
        shared.wait(1, quick, &AtomicBool::new(false)),
        Wake::Stopped
    ));
}
