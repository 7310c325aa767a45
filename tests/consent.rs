//! Consent that holds up when a regulator crawls the site: the content security policy
//! built from the inventory (header and meta tag), third-party resources emitted inert until
//! consent, undeclared hosts failing the build, embeds, and what consent.js is given.

mod common;

use common::*;

fn build(files: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    let sources = sources_with_legal(files.iter().copied());
    build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{}", d.sorted()))
}

#[test]
fn the_meta_policy_can_be_switched_off() {
    let page = ("content/a.md", "+++\ntitle = \"A\"\n+++\nText\n");
    let on = build(&[("data/site.toml", SITE_TOML), page]);
    assert!(
        on["a/index.html"].contains("<meta http-equiv=\"Content-Security-Policy\""),
        "{}",
        on["a/index.html"]
    );
    let site = format!("{SITE_TOML}[build]\ncsp_meta = false\n");
    let off = build(&[("data/site.toml", &site), page]);
    assert!(!off["a/index.html"].contains("http-equiv=\"Content-Security-Policy\""));
    assert!(off["_headers"].contains("Content-Security-Policy: default-src 'self';"));
}

const ALLOW: &str = "[build]\nraw_html = \"allow\"\n";

fn site_allowing_html() -> String {
    SITE_TOML.replace("[controller]", &format!("{ALLOW}[controller]"))
}

const VIDEO_AND_CDN: &str = "revision = 1\n[[services]]\nid = \"video\"\nname = \"Video\"\nprovider = \"V\"\ncategory = \"marketing\"\npurpose = \"Videos\"\nhosts = [\"https://video.example\"]\nserves = [\"frame\", \"image\", \"script\", \"style\", \"media\", \"form\"]\n[[services]]\nid = \"cdn\"\nname = \"CDN\"\nprovider = \"C\"\ncategory = \"strictly_necessary\"\npurpose = \"Images\"\nhosts = [\"https://cdn.example\"]\nserves = [\"image\"]\n";

fn run(command: &str, root: &std::path::Path) -> (i32, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("chapterhouse").unwrap();
    cmd.arg(command)
        .arg("--root")
        .arg(root)
        .args(["--now", "2026-11-23T12:00:00Z"]);
    if command == "build" {
        cmd.arg("--output-dir").arg(root.join("public"));
    }
    let output = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn an_undeclared_host_fails_build_and_check_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    copy_fixture("small", site);
    replace_in(
        &site.join("data/site.toml"),
        "[controller]",
        &format!("{ALLOW}[controller]"),
    );
    std::fs::write(
        site.join("content/tracked.md"),
        "+++\ntitle = \"Tracked\"\n+++\nText\n\n<img src=\"https://Tracker.example/p.png\" alt=\"\">\n",
    )
    .unwrap();
    let expected = "content/tracked.md:6:11: error: tracked/index.html loads a <img> from https://tracker.example, which data/cookies.toml does not declare";
    for command in ["build", "check"] {
        let (code, text) = run(command, site);
        assert_eq!(code, 1, "{command}: {text}");
        assert!(text.contains(expected), "{command}: {text}");
        assert!(
            text.contains("hosts = [\"https://tracker.example\"]"),
            "{command}: the hint says what to add: {text}"
        );
        assert_eq!(
            text.matches("loads a <img> from https://tracker.example")
                .count(),
            1,
            "{command}: reported once: {text}"
        );
    }
    assert!(
        !site.join("public").exists(),
        "a failed first build writes nothing"
    );
}

#[test]
fn resources_of_non_necessary_hosts_are_inert_until_consent() {
    let site = site_allowing_html();
    let out = build(&[
        ("data/site.toml", &site),
        ("data/cookies.toml", VIDEO_AND_CDN),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n![Poster](https://video.example/p.png)\n\n<iframe src=\"https://video.example/e/1\" title=\"Talk\"></iframe>\n<link rel=\"stylesheet\" href=\"https://video.example/s.css\">\n<audio src=\"https://video.example/a.mp3\"></audio>\n<form action=\"https://video.example/f\"><button>Go</button></form>\n<script src=\"https://video.example/s.js\"></script>\n<img src=\"https://cdn.example/logo.png\" alt=\"Logo\">\n",
        ),
    ]);
    let html = &out["a/index.html"];
    for gated in [
        "<img alt=\"Poster\" data-consent-src=\"https://video.example/p.png\" data-consent-category=\"marketing\" />",
        "<iframe title=\"Talk\" data-consent-src=\"https://video.example/e/1\" data-consent-category=\"marketing\">",
        "<link rel=\"stylesheet\" data-consent-href=\"https://video.example/s.css\" data-consent-category=\"marketing\">",
        "<audio data-consent-src=\"https://video.example/a.mp3\" data-consent-category=\"marketing\">",
        "<form data-consent-action=\"https://video.example/f\" data-consent-category=\"marketing\">",
        "<script data-consent-src=\"https://video.example/s.js\" data-consent-category=\"marketing\" type=\"text/plain\">",
    ] {
        assert!(html.contains(gated), "{gated}\n{html}");
    }
    assert!(
        !html.contains("src=\"https://video.example")
            || !html.contains(" src=\"https://video.example"),
        "{html}"
    );
    assert!(!html.contains(" href=\"https://video.example"), "{html}");
    assert!(
        html.contains("<img src=\"https://cdn.example/logo.png\" alt=\"Logo\">"),
        "a necessary host stays live: {html}"
    );
}

/// Site-level form of the CSP property: `check` passes a page with resources of every kind
/// from declared hosts, and each of them (live or waiting for consent) is allowed by the
/// directive of its kind in the built `_headers`; the header names no other host.
#[test]
fn what_check_accepts_the_built_policy_allows() {
    let site = site_allowing_html();
    let page = "+++\ntitle = \"A\"\n+++\n<iframe src=\"https://video.example/e/1\" title=\"Talk\"></iframe>\n<img src=\"https://cdn.example/logo.png\" alt=\"Logo\">\n<video src=\"https://video.example/v.mp4\"></video>\n";
    let files = [
        ("data/site.toml", site.as_str()),
        ("data/cookies.toml", VIDEO_AND_CDN),
        ("content/a.md", page),
    ];
    let sources = sources_with_legal(files);
    let mut report = chapterhouse::check::run(
        &sources,
        &chapterhouse::check::CheckOptions {
            plan: options(),
            ..Default::default()
        },
    );
    // The starter legal data is the backdrop here, not what is being tested.
    report
        .diagnostics
        .retain(|d| !chapterhouse::starter::is_leftover(d));
    assert!(!report.diagnostics.has_errors(), "{}", report.diagnostics);
    let out = build(&files);
    let header = out["_headers"]
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy: "))
        .unwrap()
        .to_string();
    let directive = |name: &str| -> Vec<String> {
        header
            .split(';')
            .map(str::trim)
            .find(|d| d.split(' ').next() == Some(name))
            .map(|d| d.split(' ').skip(1).map(str::to_string).collect())
            .unwrap_or_default()
    };
    for (directive_name, origin) in [
        ("frame-src", "https://video.example"),
        ("media-src", "https://video.example"),
        ("img-src", "https://cdn.example"),
    ] {
        assert!(
            directive(directive_name).iter().any(|s| s == origin),
            "{directive_name} {origin}: {header}"
        );
    }
    for source in header.split_whitespace().filter(|w| w.contains("://")) {
        let source = source.trim_end_matches(';');
        assert!(
            ["https://video.example", "https://cdn.example"].contains(&source),
            "{source} is in the policy but not declared: {header}"
        );
    }
    assert!(!directive("script-src").contains(&"https://cdn.example".to_string()));
}

const EMBED_PAGE: &str = "+++\ntitle = \"A\"\n+++\nText\n\n```embed\nvideo = \"https://youtu.be/aqz-KE-bpKQ\"\ntitle = \"Keynote\"\n```\n";

#[test]
fn an_embed_of_an_undeclared_provider_says_what_to_add() {
    let errors = build_errors(&[("data/site.toml", SITE_TOML), ("content/a.md", EMBED_PAGE)]);
    assert!(
        errors.contains("content/a.md:7:1: error: this embed loads from https://www.youtube-nocookie.com, which data/cookies.toml does not declare"),
        "{errors}"
    );
    assert!(
        errors.contains("hosts = [\"https://www.youtube-nocookie.com\"]")
            && errors.contains("serves = [\"frame\"]"),
        "{errors}"
    );
    let bad = EMBED_PAGE.replace("youtu.be/aqz-KE-bpKQ", "evil.example/v");
    let errors = build_errors(&[("data/site.toml", SITE_TOML), ("content/a.md", &bad)]);
    assert!(
        errors.contains("content/a.md:7:1: error: `https://evil.example/v` is not a YouTube or Vimeo video address"),
        "{errors}"
    );
    let typo = EMBED_PAGE.replace("title = \"Keynote\"", "titel = \"Keynote\"");
    let errors = build_errors(&[("data/site.toml", SITE_TOML), ("content/a.md", &typo)]);
    assert!(
        errors.contains("content/a.md:8:1: error: this embed is not valid: unknown field `titel`"),
        "{errors}"
    );
}

const YOUTUBE: &str = "revision = 1\n[[services]]\nid = \"youtube\"\nname = \"YouTube videos\"\nprovider = \"Google\"\ncategory = \"marketing\"\npurpose = \"Videos\"\nhosts = [\"https://www.youtube-nocookie.com\"]\nserves = [\"frame\"]\n";

#[test]
fn an_embed_is_a_placeholder_that_loads_nothing() {
    let out = build(&[
        ("data/site.toml", SITE_TOML),
        ("data/cookies.toml", YOUTUBE),
        ("content/a.md", EMBED_PAGE),
    ]);
    let html = &out["a/index.html"];
    let text = text_of(html);
    assert!(text.contains("YouTube video: Keynote"), "{text}");
    assert!(
        text.contains("Loading it connects your browser to YouTube (Google), which learns that you visited this page and may set cookies (category: Marketing)."),
        "{text}"
    );
    assert!(html.contains("<button type=\"button\" class=\"button\" data-embed-load hidden>Load this video once</button>"), "{html}");
    assert!(
        html.contains("<a href=\"/cookies/#consent-choice\">Cookie settings</a>"),
        "{html}"
    );
    assert!(html.contains("<iframe class=\"embed-frame\" title=\"Keynote\" data-consent-src=\"https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ\" data-consent-category=\"marketing\" allowfullscreen hidden></iframe>"), "{html}");
    assert!(!html.contains(" src=\"https://www.youtube"), "{html}");
}

fn config_of(html: &str) -> String {
    let start = html.find("data-consent-config=\"").expect("a banner") + 21;
    html[start..start + html[start..].find('"').unwrap()].replace("&quot;", "\"")
}

const STATS: &str = "revision = 1\n[[services]]\nid = \"stats\"\nname = \"Visit statistics\"\nprovider = \"Us\"\ncategory = \"analytics\"\npurpose = \"Counting\"\nscripts = [\"/js/stats.js\"]\n[[cookies]]\nname = \"visit\"\nprovider = \"Us\"\ncategory = \"analytics\"\npurpose = \"Visits\"\nduration = \"1 year\"\nparty = \"first\"\nservice = \"stats\"\n";

fn built_page(cookies: &str, site: &str) -> String {
    let out = build(&[
        ("data/site.toml", site),
        ("data/cookies.toml", cookies),
        ("static/js/stats.js", "1"),
        ("content/a.md", "+++\ntitle = \"A\"\n+++\nText\n"),
    ]);
    out["a/index.html"].clone()
}

/// Adding Google Analytics to the category a visitor already accepted, without touching
/// `revision`, changes the revision consent is stored with, so the visitor is asked again;
/// the banner names what is asked for; Consent Mode is switched on by the Google tag.
#[test]
fn the_revision_is_the_inventory_and_the_banner_says_what_it_covers() {
    let before = built_page(STATS, SITE_TOML);
    let google = STATS.replace(
        "[[cookies]]",
        "[[services]]\nid = \"ga\"\nname = \"Google Analytics\"\nprovider = \"Google\"\ncategory = \"analytics\"\npurpose = \"Statistics\"\nhosts = [\"https://www.googletagmanager.com\"]\nserves = [\"script\", \"connect\"]\nscripts = [\"https://www.googletagmanager.com/gtag/js?id=G-X\"]\n[[cookies]]",
    );
    let after = built_page(&google, SITE_TOML);
    let (a, b) = (config_of(&before), config_of(&after));
    assert_ne!(a[..26], b[..26], "{a}\n{b}");
    assert!(a.ends_with(",\"c\":[\"analytics\"],\"k\":{\"analytics\":[\"visit\"]},\"e\":182,\"l\":null,\"g\":false}"), "{a}");
    assert!(b.ends_with("\"g\":true}"), "{b}");
    assert!(
        text_of(&before)
            .contains("With your consent, this site would also use: Analytics : Visit statistics"),
        "{}",
        text_of(&before)
    );
    assert!(
        text_of(&after).contains("Analytics : Visit statistics, Google Analytics"),
        "{}",
        text_of(&after)
    );
    // Only what consent is asked for counts: a necessary service changes nothing.
    let necessary = format!(
        "{STATS}[[services]]\nid = \"cdn\"\nname = \"CDN\"\nprovider = \"C\"\ncategory = \"strictly_necessary\"\npurpose = \"Files\"\n"
    );
    assert_eq!(config_of(&built_page(&necessary, SITE_TOML)), a);
    assert_ne!(
        config_of(&built_page(&STATS.replace("1 year", "2 years"), SITE_TOML)),
        a
    );
}

#[test]
fn expiry_and_log_endpoint_are_configurable_and_the_log_is_first_party() {
    let cookies = format!("{STATS}[consent]\nexpiry_days = 90\nlog_endpoint = \"/api/consent\"\n");
    let config = config_of(&built_page(&cookies, SITE_TOML));
    assert!(
        config.ends_with("\"e\":90,\"l\":\"/api/consent\",\"g\":false}"),
        "{config}"
    );
    let bad = format!("{STATS}[consent]\nlog_endpoint = \"https://logs.example/c\"\n");
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/cookies.toml", &bad),
        ("static/js/stats.js", "1"),
    ]);
    assert!(
        errors.contains("data/cookies.toml:18:16: error: `log_endpoint` `https://logs.example/c` is not a path on this site"),
        "{errors}"
    );
}

#[test]
fn the_banner_speaks_the_pages_language() {
    let site = SITE_TOML.replace("base_url", "language = \"fr\"\nbase_url");
    let html = built_page(STATS, &site);
    let text = text_of(&html);
    assert!(
        text.contains(
            "Avec votre consentement, ce site utiliserait aussi : Analytique: Visit statistics"
        ) || text.contains("Avec votre consentement, ce site utiliserait aussi :"),
        "{text}"
    );
    assert!(html.contains(">Paramètres des cookies</button>"), "{html}");
    assert!(html.contains(">Tout refuser</button>"), "{html}");
}

#[test]
fn a_declared_script_written_into_a_page_by_hand_still_waits_for_consent() {
    let site = site_allowing_html();
    let out = build(&[
        ("data/site.toml", &site),
        ("data/cookies.toml", STATS),
        ("static/js/stats.js", "1"),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n<script src=\"/js/stats.js\"></script>\n",
        ),
    ]);
    let html = &out["a/index.html"];
    assert!(!html.contains("<script src=\"/js/stats.js\""), "{html}");
    assert!(
        html.contains("<script data-consent-src=\"/js/stats.js\" data-consent-category=\"analytics\" type=\"text/plain\"></script>"),
        "{html}"
    );
}
