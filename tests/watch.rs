//! `watch` and `serve` over a real file system and real HTTP on loopback, with bounded waits.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &Path, output: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chapterhouse"))
        .args([
            "serve",
            "--port",
            "0",
            "--now",
            "2026-11-23T12:00:00Z",
            "--root",
        ])
        .arg(site)
        .arg("--output-dir")
        .arg(output)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.split_whitespace().nth(1).unwrap().to_string();
    common::drain_until_first_build(lines);
    Server { child, url }
}

fn get(url: &str) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    match agent.get(url).call() {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let body = response.body_mut().read_to_string().unwrap_or_default();
            (status, content_type, body)
        }
        Err(e) => (0, String::new(), e.to_string()),
    }
}

fn raw_get(url: &str, path: &str) -> u16 {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn edits_renames_deletes_and_a_broken_edit_then_its_fix() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let output = dir.path().join("out");
    common::copy_fixture("small", &site);
    let server = serve(&site, &output);
    let url = &server.url;
    common::eventually("the first build", || {
        get(&format!("{url}about/")).2.contains("Founded in 1990")
    });

    // An edit shows up, and the served HTML carries the live-reload script.
    let about = site.join("content/about.md");
    common::replace_in(&about, "Founded in 1990", "Founded in 1991");
    common::eventually("the edit", || {
        get(&format!("{url}about/")).2.contains("Founded in 1991")
    });
    assert!(
        get(&format!("{url}about/"))
            .2
            .contains("/__chapterhouse/livereload.js")
    );
    assert!(
        !fs::read_to_string(output.join("about/index.html"))
            .unwrap()
            .contains("livereload"),
        "never in the written output"
    );

    // A save through a temporary file and a rename, as many editors do.
    let temporary = site.join("content/.about.md.swp");
    fs::write(
        &temporary,
        fs::read_to_string(&about).unwrap().replace("1991", "1992"),
    )
    .unwrap();
    fs::rename(&temporary, &about).unwrap();
    common::eventually("the renamed save", || {
        get(&format!("{url}about/")).2.contains("Founded in 1992")
    });

    // A page edit that removes a heading another page links to fails the rebuild (only
    // the edited page is re-rendered, but links into it are re-checked) and keeps the output.
    let saved = fs::read_to_string(&about).unwrap();
    fs::write(&about, saved.replace("## History", "## Origins")).unwrap();
    common::eventually("the broken fragment link", || {
        let (status, _, body) = get(&format!("{url}about/"));
        status == 500 && body.contains("content/_index.md") && body.contains("history")
    });
    assert!(
        fs::read_to_string(output.join("about/index.html"))
            .unwrap()
            .contains("id=\"history\""),
        "last good output kept"
    );
    fs::write(&about, &saved).unwrap();
    common::eventually("the fixed link", || get(&format!("{url}about/")).0 == 200);

    // A new page appears; a deleted one disappears from the output.
    fs::write(
        site.join("content/extra.md"),
        "+++\ntitle = \"Extra\"\n+++\nNew page.\n",
    )
    .unwrap();
    common::eventually("the new page", || get(&format!("{url}extra/")).0 == 200);
    fs::remove_file(site.join("content/extra.md")).unwrap();
    common::eventually("the deleted page", || get(&format!("{url}extra/")).0 == 404);
    assert!(!output.join("extra/index.html").exists());

    // A source folder made after the start is picked up, and then watched.
    fs::create_dir(site.join("static")).unwrap();
    fs::write(site.join("static/first.txt"), "first file").unwrap();
    common::eventually("the new static folder", || {
        get(&format!("{url}first.txt")).2 == "first file"
    });
    fs::write(site.join("static/second.txt"), "second file").unwrap();
    common::eventually("a file in the new folder", || {
        get(&format!("{url}second.txt")).2 == "second file"
    });

    // A broken edit keeps the last good output and shows the error in the browser.
    let site_toml = site.join("data/site.toml");
    let good = fs::read_to_string(&site_toml).unwrap();
    fs::write(&site_toml, format!("{good}\ntitel = \"x\"\n")).unwrap();
    common::eventually("the error page", || {
        let (status, _, body) = get(&format!("{url}about/"));
        status == 500 && body.contains("unknown field `titel`")
    });
    assert!(
        fs::read_to_string(output.join("about/index.html"))
            .unwrap()
            .contains("Founded in 1992"),
        "last good output kept"
    );
    fs::write(&site_toml, good).unwrap();
    common::eventually("the recovery", || get(&format!("{url}about/")).0 == 200);
}

#[test]
fn server_refuses_traversal_and_serves_types_and_404() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_fixture("small", &site);
    fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    let server = serve(&site, &dir.path().join("out"));
    let url = &server.url;
    common::eventually("the first build", || get(url).0 == 200);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/about/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
    ] {
        assert_eq!(raw_get(url, path), 400, "{path}");
    }
    let (status, content_type, body) = get(&format!("{url}no/such/page/"));
    assert_eq!(status, 404);
    assert!(content_type.starts_with("text/html") && body.contains("Page not found"));
    assert!(
        get(&format!("{url}calendar.ics"))
            .1
            .starts_with("text/calendar")
    );
    assert_eq!(
        get(&format!("{url}notices/atom.xml")).1,
        "application/atom+xml"
    );
    assert!(get(&format!("{url}style.css")).1.starts_with("text/css"));
    assert!(
        get(&format!("{url}data-processing/schedules.csv"))
            .1
            .starts_with("text/csv")
    );
    assert_eq!(
        get(&format!("{url}about")).0,
        301,
        "a folder without its slash redirects"
    );
    assert!(url.starts_with("http://127.0.0.1:"), "loopback by default");
}
