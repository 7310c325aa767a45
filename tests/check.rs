//! `chapterhouse check`: one fixture per lint, asserting the message and the file it names.

mod common;

use assert_cmd::Command;
use chapterhouse::check::{self, CheckOptions, Format};
use common::*;
use predicates::prelude::*;

fn page(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}")
}

fn check_files(files: &[(&str, &str)]) -> String {
    let sources = sources_with_legal(files.iter().copied());
    let options = CheckOptions {
        plan: options(),
        ..CheckOptions::default()
    };
    let mut report = check::run(&sources, &options);
    // The starter legal data is the backdrop of these fixtures, not what they test.
    report
        .diagnostics
        .retain(|d| !chapterhouse::starter::is_leftover(d));
    check::render_report(&report, Format::Text)
}

const CHAPTER: &str = "name = \"L\"\ncountry = \"UK\"\ntimezone = \"Europe/London\"\n[contact]\nemail = \"l@t.example\"\n[[officers]]\nname = \"A\"\nrole = \"Chair\"\n";

#[test]
fn placeholder_links_name_the_source_file_and_line() {
    let out = check_files(&[
        ("data/site.toml", SITE_TOML),
        (
            "content/a.md",
            &page("title = \"A\"", "Intro.\n\n[Read more](#) and [here]().\n"),
        ),
    ]);
    assert!(
        out.contains("content/a.md:6:13: error: placeholder link `#` in <a> on a/index.html"),
        "{out}"
    );
    assert!(out.contains("placeholder link `` in <a>"), "{out}");
}

#[test]
fn broken_plain_link_and_missing_fragment() {
    let out = check_files(&[
        ("data/site.toml", SITE_TOML),
        (
            "content/a.md",
            &page(
                "title = \"A\"",
                "[gone](/nowhere/) and [section](/b/#histry)\n",
            ),
        ),
        ("content/b.md", &page("title = \"B\"", "## History\n")),
    ]);
    assert!(out.contains("content/a.md:4:8: error: broken link `/nowhere/` on a/index.html: there is no page at /nowhere/"), "{out}");
    assert!(
        out.contains("points to a missing section `#histry`"),
        "{out}"
    );
    assert!(out.contains("did you mean `#history`?"), "{out}");
}

#[test]
fn malformed_mailto_and_invalid_chapter_email() {
    let out = check_files(&[
        ("data/site.toml", SITE_TOML),
        (
            "content/a.md",
            &page("title = \"A\"", "[write](mailto:chair-at-example.org)\n"),
        ),
        (
            "data/chapters/london.toml",
            &CHAPTER.replace("l@t.example", "london at t.example"),
        ),
    ]);
    assert!(
        out.contains("content/a.md")
            && out.contains("malformed e-mail address `chair-at-example.org`"),
        "{out}"
    );
    assert!(out.contains("data/chapters/london.toml:5:10: error: the contact address `london at t.example` is not a valid e-mail address"), "{out}");
}

#[test]
fn script_links_are_errors_where_raw_html_is_allowed() {
    let site = SITE_TOML.replace(
        "[controller]",
        "[build]\nraw_html = \"allow\"\n[controller]",
    );
    let out = check_files(&[
        ("data/site.toml", &site),
        (
            "content/a.md",
            &page("title = \"A\"", "<a href=\"javascript:void(0)\">x</a>\n"),
        ),
    ]);
    assert!(
        out.contains("`javascript:` link in <a> on a/index.html"),
        "{out}"
    );
}

#[test]
fn undeclared_third_party_script_fails_naming_page_and_host() {
    let site = SITE_TOML.replace(
        "[controller]",
        "[build]\nraw_html = \"allow\"\n[controller]",
    );
    let out = check_files(&[
        ("data/site.toml", &site),
        (
            "content/a.md",
            &page(
                "title = \"A\"",
                "<script src=\"https://tracker.example/t.js\"></script>\n",
            ),
        ),
    ]);
    assert!(out.contains("a/index.html loads a <script> from https://tracker.example, which data/cookies.toml does not declare"), "{out}");
}

#[test]
fn declared_hosts_match_by_origin_not_by_prefix() {
    let site = SITE_TOML.replace(
        "[controller]",
        "[build]\nraw_html = \"allow\"\n[controller]",
    );
    let cookies = "revision = 1\n[[services]]\nid = \"stats\"\nname = \"Stats\"\nprovider = \"S\"\ncategory = \"strictly_necessary\"\npurpose = \"Counting\"\nhosts = [\"https://stats.example\"]\n";
    let out = check_files(&[
        ("data/site.toml", &site),
        ("data/cookies.toml", cookies),
        (
            "content/a.md",
            &page(
                "title = \"A\"",
                "<img src=\"HTTPS://STATS.Example:443/p.png\" alt=\"\">\n<img src=\"https://stats.example.evil.net/x.png\" alt=\"\">\n<img src=\"https://stats.example:8443/y.png\" alt=\"\">\n<img src=\"http://stats.example/z.png\" alt=\"\">\n",
            ),
        ),
    ]);
    for host in [
        "https://stats.example.evil.net",
        "https://stats.example:8443",
        "http://stats.example",
    ] {
        assert!(
            out.contains(&format!(
                "a/index.html loads a <img> from {host}, which data/cookies.toml does not declare"
            )),
            "{host}: {out}"
        );
    }
    assert!(!out.contains("from https://stats.example,"), "{out}");
    assert!(!out.contains("no page loads anything from it"), "{out}");
    assert!(out.contains("3 errors"), "{out}");
}

#[test]
fn a_host_declared_for_one_kind_does_not_cover_another() {
    let site = SITE_TOML.replace(
        "[controller]",
        "[build]\nraw_html = \"allow\"\n[controller]",
    );
    let cookies = "revision = 1\n[[services]]\nid = \"video\"\nname = \"Video\"\nprovider = \"V\"\ncategory = \"strictly_necessary\"\npurpose = \"Videos\"\nhosts = [\"https://video.example\"]\nserves = [\"image\"]\n[[services]]\nid = \"beacon\"\nname = \"Beacon\"\nprovider = \"B\"\ncategory = \"strictly_necessary\"\npurpose = \"Errors\"\nhosts = [\"https://errors.example\"]\nserves = [\"connect\"]\n";
    let out = check_files(&[
        ("data/site.toml", &site),
        ("data/cookies.toml", cookies),
        (
            "content/a.md",
            &page(
                "title = \"A\"",
                "<img src=\"https://video.example/p.png\" alt=\"\">\n<iframe src=\"https://video.example/e/1\" title=\"V\"></iframe>\n",
            ),
        ),
    ]);
    assert!(out.contains("a/index.html loads a <iframe> from https://video.example, which service `video` declares but not as serving `frame`"), "{out}");
    assert!(
        out.contains("add \"frame\" to the service's `serves`"),
        "{out}"
    );
    // A host that only receives beacons is needed by the policy though no page shows it.
    assert!(
        !out.contains("https://errors.example, but no page"),
        "{out}"
    );
    assert!(out.contains("1 error, 0 warnings"), "{out}");
}

#[test]
fn declared_but_unused_host_is_a_warning() {
    let cookies = "revision = 1\n[[services]]\nid = \"video\"\nname = \"Video\"\nprovider = \"V\"\ncategory = \"marketing\"\npurpose = \"Videos\"\nhosts = [\"https://video.example\"]\n";
    let out = check_files(&[
        ("data/site.toml", SITE_TOML),
        ("data/cookies.toml", cookies),
    ]);
    assert!(out.contains("warning: service `video` declares the host https://video.example, but no page loads anything from it"), "{out}");
}

#[test]
fn officer_roles_and_standalone_chapters() {
    let site = format!("{SITE_TOML}[check]\nstandalone_chapters = [\"london\"]\n");
    let out = check_files(&[
        ("data/site.toml", &site),
        (
            "data/chapters/london.toml",
            &CHAPTER.replace("\"Chair\"", "\"Chiar\""),
        ),
    ]);
    assert!(
        out.contains("warning: officer A has the role `Chiar`, which is not in the list of roles"),
        "{out}"
    );
    assert!(out.contains("did you mean `Chair`?"), "{out}");
    assert!(
        out.contains("error: chapter `london` is deployed standalone but has no `site_url`"),
        "{out}"
    );
}

#[test]
fn stale_or_future_privacy_policy() {
    let out = check_files(&[("data/site.toml", SITE_TOML)]);
    assert!(
        out.contains("0 errors, 0 warnings"),
        "a policy reviewed this year is fine: {out}"
    );
    let future = chapterhouse::scaffold::STARTER_LEGAL[0]
        .1
        .replace("2026-01-01", "2027-06-01");
    let out = check_files(&[
        ("data/site.toml", SITE_TOML),
        ("data/privacy.toml", &future),
    ]);
    assert!(
        out.contains("data/privacy.toml: error: `last_updated` (2027-06-01) is in the future"),
        "{out}"
    );
    let old = chapterhouse::scaffold::STARTER_LEGAL[0]
        .1
        .replace("2026-01-01", "2024-01-01");
    let out = check_files(&[("data/site.toml", SITE_TOML), ("data/privacy.toml", &old)]);
    assert!(
        out.contains(
            "warning: the privacy policy was last updated on 2024-01-01, more than 365 days ago"
        ),
        "{out}"
    );
}

#[test]
fn conflicting_retention_across_schedules_is_a_warning() {
    let second = chapterhouse::scaffold::STARTER_LEGAL[2]
        .1
        .replace("Six years after membership ends", "Ten years");
    let out = check_files(&[
        ("data/site.toml", SITE_TOML),
        ("data/schedules/other.toml", &second),
    ]);
    assert!(
        out.contains("`Membership register` has different retention in schedules"),
        "{out}"
    );
}

#[test]
fn truncated_retention_is_a_warning() {
    let schedule = chapterhouse::scaffold::STARTER_LEGAL[2]
        .1
        .replace("Six years after membership ends", "Deleted no later than");
    let out = check_files(&[
        ("data/site.toml", SITE_TOML),
        ("data/schedules/membership.toml", &schedule),
    ]);
    assert!(out.contains("data/schedules/membership.toml:13:13: warning: the retention of a `Membership register` row ends mid-sentence"), "{out}");
}

#[test]
fn the_example_site_is_check_clean_and_json_is_stable() {
    let root = env!("CARGO_MANIFEST_DIR");
    Command::cargo_bin("chapterhouse")
        .unwrap()
        .args([
            "check",
            "--deny-warnings",
            "--now",
            "2026-11-23T12:00:00Z",
            "--root",
            root,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
    let output = Command::cargo_bin("chapterhouse")
        .unwrap()
        .args([
            "check",
            "--format",
            "json",
            "--now",
            "2026-11-23T12:00:00Z",
            "--root",
            root,
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["errors"], 0);
    assert!(json["summary"]["pages_checked"].as_u64().unwrap() > 20);
    assert_eq!(
        json["external_links"][0]["url"],
        "https://ico.org.uk/make-a-complaint/"
    );
}

#[test]
fn check_exits_1_on_errors_and_json_names_files() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    for (path, text) in chapterhouse::scaffold::STARTER_LEGAL.into_iter().chain([
        ("data/site.toml", SITE_TOML),
        ("content/a.md", "+++\ntitle = \"A\"\n+++\n[x](#)\n"),
    ]) {
        std::fs::create_dir_all(site.join(path).parent().unwrap()).unwrap();
        std::fs::write(site.join(path), text).unwrap();
    }
    let output = Command::cargo_bin("chapterhouse")
        .unwrap()
        .args(["check", "--format", "json", "-r"])
        .arg(site)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let file = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "content/a.md")
        .unwrap();
    assert_eq!(file["diagnostics"][0]["severity"], "error");
    assert_eq!(file["diagnostics"][0]["line"], 4);
    assert!(!site.join("public").exists(), "check writes nothing");
}

#[test]
fn two_sites_served_from_one_address_are_errors_at_their_site_url() {
    let twin = |slug: &str| {
        format!(
            "name = \"{slug}\"\ncountry = \"UK\"\ntimezone = \"Europe/London\"\nsite_url = \"https://shared.example/\"\n[contact]\nemail = \"l@t.example\"\n[[officers]]\nname = \"A\"\nrole = \"Chair\"\n"
        )
    };
    let (leeds, york) = (twin("Leeds"), twin("York"));
    let out = check_files(&[
        ("data/site.toml", SITE_TOML),
        ("data/chapters/leeds.toml", leeds.as_str()),
        ("data/chapters/york.toml", york.as_str()),
        ("data/chapters/hull.toml", CHAPTER),
    ]);
    for (file, slug, other) in [("leeds", "leeds", "york"), ("york", "york", "leeds")] {
        let expected = format!(
            "data/chapters/{file}.toml:4:1: error: chapter `{slug}` is served from https://shared.example/, as is data/chapters/{other}.toml"
        );
        assert!(out.contains(&expected), "{expected}\nnot in:\n{out}");
    }
    assert!(!out.contains("chapter `hull` is served"), "{out}");
}

#[test]
fn example_texts_from_init_fail_check_and_warn_in_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    chapterhouse::scaffold::init(&root).unwrap();
    let check = Command::cargo_bin("chapterhouse")
        .unwrap()
        .args(["check", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{out}");
    for expected in [
        "data/ethics.toml:7:9: error: this is still the example text that `chapterhouse init` wrote: \"I act honestly and never alter a record to mislead.\"",
        "data/chapters/example-city.toml:",
        "content/about.md:",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    let build = Command::cargo_bin("chapterhouse")
        .unwrap()
        .args(["build", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&build.stderr).to_string();
    assert_eq!(build.status.code(), Some(0), "{out}");
    assert!(
        out.contains("warning: this is still the example text"),
        "{out}"
    );
}
