//! Hostile input (issue 16, security, crash and invalid-output classes): declared hosts and
//! base URLs that would inject or leak, templates that read the environment or recurse,
//! dates at the end of time, deep nesting, control characters, and heading ids. Each case
//! asserts what a user sees: the located error, the exit code, or the bytes read back.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use chapterhouse::source::{SourceTree, read_tree};
use common::*;

/// The `small` fixture in a temporary folder, with `(file, from, to)` edits applied.
fn small_with(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture("small", dir.path());
    for (file, from, to) in edits {
        replace_in(&dir.path().join(file), from, to);
    }
    dir
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn sources(dir: &Path) -> SourceTree {
    read_tree(dir).unwrap_or_else(|d| panic!("{d}"))
}

/// The build's errors as printed, or a panic if it succeeds.
fn errors_of(dir: &Path) -> String {
    match build_sources(&sources(dir), &options()) {
        Ok(_) => panic!("the build was expected to fail"),
        Err(d) => d.sorted().to_string(),
    }
}

fn built(dir: &Path) -> std::collections::BTreeMap<String, String> {
    build_sources(&sources(dir), &options()).unwrap_or_else(|d| panic!("{d}"))
}

/// Runs `chapterhouse build` on `dir`; (exit code, stderr).
fn cli_build(dir: &Path, extra: &[&str]) -> (i32, String) {
    let out = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("chapterhouse")
        .unwrap()
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["build", "--root"])
        .arg(dir)
        .arg("--output-dir")
        .arg(out.path().join("public"))
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

// --- Declared hosts become typed origins (item 6) ---------------------------------------

const SERVICE: &str = "\n[[services]]\nid = \"video\"\nname = \"Video\"\nprovider = \"V\"\ncategory = \"functional\"\npurpose = \"Showing videos\"\nhosts = [HOSTS]\n";

fn with_hosts(hosts: &str) -> tempfile::TempDir {
    let dir = small_with(&[]);
    let path = dir.path().join("data/cookies.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&SERVICE.replace("HOSTS", hosts));
    std::fs::write(path, text).unwrap();
    // The fixture's French chapter publishes the cookie policy in French too.
    let path = dir.path().join("data/cookies.fr.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[[services]]\nname = \"Vidéo\"\npurpose = \"Afficher des vidéos\"\n");
    std::fs::write(path, text).unwrap();
    dir
}

fn cookies_line(dir: &Path) -> usize {
    let text = std::fs::read_to_string(dir.join("data/cookies.toml")).unwrap();
    text.lines()
        .position(|l| l.starts_with("hosts = "))
        .unwrap()
        + 1
}

#[test]
fn hosts_that_would_inject_headers_or_sources_are_located_errors() {
    for (host, what) in [
        (r#""https://v.example\nX-Injected: 1""#, "contains '\\n'"),
        (r#""https://v.example; script-src *""#, "contains ';'"),
        (
            r#""https://v.example https://evil.example""#,
            "contains ' '",
        ),
        (
            r#""https://v.example/embed/""#,
            "has a path, query or fragment",
        ),
        (
            r#""https://user:pw@v.example""#,
            "contains a user name or password",
        ),
        (r#""https://*.v.example""#, "has a wildcard"),
        (r#""v.example""#, "is not an origin"),
    ] {
        let dir = with_hosts(host);
        let line = cookies_line(dir.path());
        let errors = errors_of(dir.path());
        let expected = format!("data/cookies.toml:{line}:10: error: the host `");
        assert!(errors.starts_with(&expected), "{host}: {errors}");
        assert!(
            errors.lines().next().unwrap().contains(what),
            "{host}: {errors}"
        );
        assert!(errors.contains("= hint: "), "{host}: {errors}");
    }
}

#[test]
fn hosts_are_written_to_headers_in_their_normal_form() {
    let dir = with_hosts(r#""https://Bücher.Example:443/", "http://v.example:8080""#);
    let site = built(dir.path());
    let headers = &site["_headers"];
    let csp = headers
        .lines()
        .find(|l| l.trim_start().starts_with("Content-Security-Policy:"))
        .unwrap();
    assert!(
        csp.contains("script-src 'self' http://v.example:8080 https://xn--bcher-kva.example;"),
        "{csp}"
    );
    // One rule block of six headers: nothing was added by a host.
    assert_eq!(headers.lines().count(), 7, "{headers}");
}

// --- Base URLs are validated and normalised once (item 8) --------------------------------

#[test]
fn base_urls_that_leak_or_break_links_are_located_errors() {
    for (url, what) in [
        (
            "https://deploy:s3cret@small.example/",
            "contains a user name or password",
        ),
        ("https://small.example/?preview=1", "has a query"),
        ("https://small.example/#top", "has a query"),
        ("ftp://small.example/", "is not an http:// or https:// URL"),
        ("small.example/sub/", "is not an http:// or https:// URL"),
        ("https://small example/", "has no valid host name"),
    ] {
        let dir = small_with(&[("data/site.toml", "https://small.example/sub/", url)]);
        let errors = errors_of(dir.path());
        assert!(
            errors.starts_with("data/site.toml:2:12: error: `"),
            "{url}: {errors}"
        );
        assert!(errors.lines().next().unwrap().ends_with(what) || errors.contains(what));
        assert!(!errors.contains("each line is `key = value`"), "{errors}");
    }
}

#[test]
fn base_urls_are_normalised_in_links_feeds_and_calendars() {
    for (url, root, absolute) in [
        ("https://small.example//", "/", "https://small.example/"),
        (
            "https://SMALL.example:443//a//b",
            "/a/b/",
            "https://small.example/a/b/",
        ),
        (
            "https://small.example/our site",
            "/our%20site/",
            "https://small.example/our%20site/",
        ),
        (
            "https://bücher.example/",
            "/",
            "https://xn--bcher-kva.example/",
        ),
    ] {
        let dir = small_with(&[("data/site.toml", "https://small.example/sub/", url)]);
        let site = built(dir.path());
        let home = &site["index.html"];
        let links = links(home);
        assert!(
            links.iter().all(|l| !l.starts_with("//")),
            "{url}: {links:?}"
        );
        assert!(
            links
                .iter()
                .any(|l| l == &format!("{root}style.css") || l.starts_with(root)),
            "{url}: {links:?}"
        );
        let sitemap = &site["sitemap.xml"];
        assert!(
            sitemap.contains(&format!("<loc>{absolute}</loc>")),
            "{url}: {sitemap}"
        );
        let feed = feed_rs::parser::parse(site["notices/atom.xml"].as_bytes()).unwrap();
        assert!(
            feed.links.iter().all(|l| l.href.starts_with(absolute)),
            "{url}: {:?}",
            feed.links
        );
    }
}

#[test]
fn base_url_flag_and_site_url_are_checked_the_same_way() {
    let dir = small_with(&[]);
    let (code, stderr) = cli_build(
        dir.path(),
        &["--base-url", "https://me:secret@small.example/"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("contains a user name or password"),
        "{stderr}"
    );
    let dir = small_with(&[(
        "data/chapters/lyon.toml",
        "https://lyon.small.example/",
        "https://lyon.small.example/?x",
    )]);
    let errors = errors_of(dir.path());
    assert!(
        errors.starts_with(
            "data/chapters/lyon.toml:6:12: error: `https://lyon.small.example/?x` has a query"
        ),
        "{errors}"
    );
    assert!(
        errors.contains("remove everything from the `?`"),
        "{errors}"
    );
}

// --- Templates cannot read the environment or recurse (items 7, 13) ----------------------

fn theme_template(dir: &Path, name: &str, text: &str) {
    write(dir, &format!("themes/default/templates/{name}"), text);
}

#[test]
fn get_env_fails_and_publishes_nothing() {
    let dir = small_with(&[]);
    theme_template(
        dir.path(),
        "page.html",
        "{% extends \"base.html\" %}{% block content %}TOKEN={{ get_env(name=\"PATH\", default=\"x\") }}{% endblock content %}",
    );
    let errors = errors_of(dir.path());
    assert!(
        errors.contains("get_env is disabled: templates cannot read the environment"),
        "{errors}"
    );
    let (code, stderr) = cli_build(dir.path(), &["--now", "2026-11-23T12:00:00Z"]);
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn template_cycles_are_errors_not_aborts() {
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("page.html", "{% include \"page.html\" %}")],
            "page.html → page.html",
        ),
        (
            &[
                ("page.html", "{% include \"a.html\" %}"),
                ("a.html", "{% if x %}{% include \"b.html\" %}{% endif %}"),
                ("b.html", "{% include \"page.html\" %}"),
            ],
            "a.html → b.html → page.html → a.html",
        ),
        (
            &[("page.html", "{% import \"page.html\" as p %}x")],
            "page.html → page.html",
        ),
        (
            &[(
                "m.html",
                "{% macro tree(n) %}{{ self::tree(n=n) }}{% endmacro tree %}",
            )],
            "m.html::tree → m.html::tree",
        ),
    ];
    for (templates, cycle) in cases {
        let dir = small_with(&[]);
        for (name, text) in templates {
            theme_template(dir.path(), name, text);
        }
        let (code, stderr) = cli_build(dir.path(), &["--now", "2026-11-23T12:00:00Z"]);
        assert_eq!(code, 1, "{cycle}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "error: the templates refer to each other in a cycle: {cycle}"
            )),
            "{cycle}: {stderr}"
        );
    }
}

// --- Dates at the end of time (items 13, 16) ---------------------------------------------

fn calendar_events(ics: &str) -> Vec<ical::parser::ical::component::IcalEvent> {
    let calendar = ical::IcalParser::new(ics.as_bytes())
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    calendar.events
}

#[test]
fn builds_near_the_last_representable_year_succeed_or_say_why() {
    let dir = small_with(&[]);
    for now in [
        "9995-01-01T00:00:00Z",
        "9999-06-01",
        "9999-12-30T21:00:00Z",
        "0001-01-01",
    ] {
        let (code, stderr) = cli_build(dir.path(), &["--now", now]);
        assert_eq!(code, 0, "{now}: {stderr}");
    }
    let (code, stderr) = cli_build(dir.path(), &["--now", "9999-12-31"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--now"), "{stderr}");
    let options = chapterhouse::plan::PlanOptions {
        now: "9995-01-01T00:00:00Z".parse().unwrap(),
        ..chapterhouse::plan::PlanOptions::default()
    };
    let site = build_sources(&sources(dir.path()), &options).unwrap();
    for event in calendar_events(&site["chapters/lyon/calendar.ics"]) {
        let value = |name: &str| {
            event
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
        };
        assert_ne!(value("DTSTART"), value("DTEND"));
    }
}

fn meeting(starts_on: &str, weekday: &str, time: &str, until: &str) -> String {
    format!(
        "\n[[meetings]]\ntitle = \"Late\"\nfrequency = \"weekly\"\nweekday = \"{weekday}\"\nstart_time = \"{time}\"\nduration_minutes = 1440\nlocation = \"Hall\"\nstarts_on = {starts_on}\n{until}"
    )
}

#[test]
fn a_meeting_that_ends_past_the_last_date_is_located() {
    let day =
        |d: &str| format!("{:?}", d.parse::<jiff::civil::Date>().unwrap().weekday()).to_lowercase();
    for (text, what) in [
        (
            meeting("9999-12-29", &day("9999-12-29"), "23:30", ""),
            "would end after the last date",
        ),
        (
            meeting("9999-12-31", &day("9999-12-31"), "00:00", ""),
            "would end after the last date",
        ),
        (
            meeting(
                "2026-01-06",
                &day("2026-01-06"),
                "18:00",
                "until = 9999-12-31\n",
            ),
            "has `until = 9999-12-31`",
        ),
    ] {
        let dir = small_with(&[]);
        let path = dir.path().join("data/chapters/york.toml");
        let before = std::fs::read_to_string(&path).unwrap();
        let line = before.lines().count() + 2;
        std::fs::write(&path, format!("{before}{text}")).unwrap();
        let errors = errors_of(dir.path());
        assert!(
            errors.starts_with(&format!(
                "data/chapters/york.toml:{line}:1: error: meeting `Late`"
            )),
            "{errors}"
        );
        assert!(errors.lines().next().unwrap().contains(what), "{errors}");
    }
}

// --- Nesting is bounded before the sanitiser (item 13) -----------------------------------

fn page_errors(body: &str) -> Result<String, String> {
    let page = format!("+++\ntitle = \"Deep\"\n+++\n{body}\n<b>raw</b>\n");
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("content/deep.md", page.as_str()),
    ]);
    match build_sources(&sources, &options()) {
        Ok(site) => Ok(site["deep/index.html"].clone()),
        Err(d) => Err(d.sorted().to_string()),
    }
}

#[test]
fn deep_nesting_is_refused_quickly_and_located() {
    let n = 100_000;
    let cases = [
        ("<div>".repeat(n), "4:1"),
        ("> ".repeat(600) + "x", "4:1025"),
        (format!("<p>{}", "<span>".repeat(n)), "4:1"),
        // End tags that match nothing, `<div/>` and comments do not close anything.
        ("<div></x>".repeat(n), "4:1"),
        ("<div/>".repeat(n), "4:1"),
        ("<div><!-->".repeat(n), "4:1"),
        ("<div a='x>'>".repeat(n), "4:1"),
        (
            format!("{}<script></div></script>", "<div>".repeat(300)).repeat(2),
            "4:1",
        ),
        // Formatting elements are reopened after a block closes them.
        (format!("<div>{}</div>", "<b id=x>".repeat(600)), "4:1"),
    ];
    for (body, at) in cases {
        let start = Instant::now();
        let errors = page_errors(&body).expect_err("the page is too deep");
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        assert!(
            errors.starts_with(&format!(
                "content/deep.md:{at}: error: the text here is nested more than 512 levels deep"
            )),
            "{}: {errors}",
            &body[..40.min(body.len())]
        );
    }
}

#[test]
fn ordinary_nesting_builds() {
    for body in [
        "<div>".repeat(400) + &"</div>".repeat(400),
        "<p>x".repeat(5000),
        "<li>x".repeat(5000),
        "<br>".repeat(5000),
        "<!-- <div><div> -->".repeat(2000),
        format!("<svg>{}</svg>", "<path d='M0 0'/>".repeat(2000)),
        format!("<div>{}</div>", "<b>x</b>".repeat(5000)),
        format!("<pre>{}</pre>", "&lt;div&gt;".repeat(5000)),
    ] {
        let html = page_errors(&body).unwrap_or_else(|e| panic!("{}: {e}", &body[..30]));
        assert!(html.contains("<b>raw</b>"), "{}", &body[..30]);
    }
}

// --- Control characters are refused, and never reach feeds or calendars (item 16) -------

#[test]
fn control_characters_in_text_fields_are_located() {
    let cases = [
        (
            "content/notices/2026-11-01-welcome.md",
            "title = \"Welcome to the new site\"",
            "title = \"Welcome\\u0007 to the new site\"",
            "content/notices/2026-11-01-welcome.md:2:9: error: `title` contains the control character U+0007",
        ),
        (
            "content/notices/2026-11-01-welcome.md",
            "Read [about us]",
            "Read \u{c}[about us]",
            "content/notices/2026-11-01-welcome.md:7:6: error: the text contains the control character U+000C",
        ),
        (
            "content/about.md",
            "description = \"Who we are\"",
            "description = \"Who\\bwe are\"",
            "content/about.md:3:15: error: `description` contains the control character U+0008",
        ),
        (
            "data/chapters/lyon.toml",
            "title = \"Réunion mensuelle\"",
            "title = \"Réunion\\u001b[31m mensuelle\"",
            "data/chapters/lyon.toml:21:9: error: `meetings[0].title` contains the control character U+001B",
        ),
        (
            "data/site.toml",
            "title = \"Small Institute\"",
            "title = \"Small\\u0085Institute\"",
            "data/site.toml:1:9: error: `title` contains the control character U+0085",
        ),
    ];
    for (file, from, to, expected) in cases {
        let dir = small_with(&[(file, from, to)]);
        let errors = errors_of(dir.path());
        assert!(errors.starts_with(expected), "{to}: {errors}");
    }
}

#[test]
fn feeds_and_calendars_carry_tabs_and_newlines_only_as_allowed() {
    let dir = small_with(&[
        (
            "content/notices/2026-11-01-welcome.md",
            "title = \"Welcome to the new site\"",
            "title = \"Welcome\\tto the new site\"",
        ),
        (
            "data/chapters/lyon.toml",
            "location = \"Maison des associations, Lyon\"",
            "location = \"Maison des associations\\nLyon\"",
        ),
    ]);
    let site = built(dir.path());
    let feed = feed_rs::parser::parse(site["notices/atom.xml"].as_bytes()).unwrap();
    assert!(
        feed.entries
            .iter()
            .any(|e| e.title.as_ref().unwrap().content == "Welcome\tto the new site"),
        "{:?}",
        feed.entries
    );
    let ics = &site["chapters/lyon/calendar.ics"];
    assert!(
        ics.bytes().all(|b| b >= 0x20 || b == b'\r' || b == b'\n'),
        "raw control bytes"
    );
    let events = calendar_events(ics);
    let location = events[0]
        .properties
        .iter()
        .find(|p| p.name == "LOCATION")
        .and_then(|p| p.value.clone())
        .unwrap();
    assert_eq!(location, "Maison des associations\\nLyon");
}

// --- Heading ids are unique per page (item 16) -------------------------------------------

#[test]
fn heading_ids_never_repeat_on_a_page() {
    let html =
        page_errors("## Intro {#intro-1}\n\n## Intro\n\n## Intro\n\n## Other {#intro}\n").unwrap();
    let ids: Vec<&str> = html
        .split("<h2 id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(ids, ["intro-1", "intro-2", "intro-3", "intro"], "{html}");
    let errors = page_errors("## A {#same}\n\n## B {#same}\n").unwrap_err();
    assert!(
        errors.starts_with("content/deep.md:6:1: error: two headings have the id `same`"),
        "{errors}"
    );
}
