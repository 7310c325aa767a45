//! The pipeline on a small fixture site: what a visitor sees on each page.

mod common;

use chapterhouse::config::BaseUrl;
use chapterhouse::model::ChapterSlug;
use chapterhouse::plan::PlanOptions;
use common::*;

#[test]
fn pages_of_the_url_contract_are_emitted_with_their_content() {
    let site = build_fixture("small", &options());
    for path in [
        "index.html",
        "chapters/index.html",
        "chapters/lyon/index.html",
        "chapters/york/index.html",
        "chapters/lyon/groupe/index.html",
        "about/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "style.css",
    ] {
        assert!(
            site.contains_key(path),
            "missing {path}; have {:?}",
            site.keys().collect::<Vec<_>>()
        );
    }
    let home = text_of(&site["index.html"]);
    assert!(home.contains("A small institute. Read about us"), "{home}");
    assert!(home.contains("Europe Lyon France"), "{home}");

    let lyon = &site["chapters/lyon/index.html"];
    assert!(
        lyon.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"),
        "chapter pages take the chapter's language"
    );
    let lyon_text = text_of(lyon);
    assert!(
        lyon_text.contains("Réunion mensuelle : Le premier jeudi de chaque mois, 18:00–20:00"),
        "{lyon_text}"
    );
    assert!(
        lyon_text.contains("Président·e Claire Martin"),
        "{lyon_text}"
    );
    assert!(
        lyon.contains("<a href=\"mailto:lyon@small.example\">"),
        "{lyon}"
    );
    assert!(
        lyon.contains("<a href=\"/sub/chapters/lyon/groupe/\">le groupe</a>"),
        "@/ link in the chapter description"
    );

    let york = text_of(&site["chapters/york/index.html"]);
    assert!(
        york.contains("Weekly reading group : Every Wednesday, 12:30–13:15"),
        "{york}"
    );
    assert!(site["chapters/york/index.html"].contains("<html lang=\"en\">"));

    let directory = text_of(&site["chapters/index.html"]);
    let europe = directory.find("Europe").unwrap();
    let uk = directory.find("United Kingdom York").unwrap();
    assert!(
        europe < uk,
        "regions are sorted and chapters without a region are grouped by country: {directory}"
    );
}

#[test]
fn markdown_features_render() {
    let site = build_fixture("small", &options());
    let about = &site["about/index.html"];
    assert!(
        about.contains("<h2 id=\"history\">History <a class=\"anchor\" href=\"#history\""),
        "{about}"
    );
    assert!(about.contains("<del>Formerly</del>"));
    assert!(about.contains("<th class=\"align-right\">Fee</th>"));
    assert!(about.contains("<td class=\"align-right\">100</td>"));
    assert!(about.contains("class=\"footnote-definition\""));
    assert!(about.contains("<time datetime=\"2026-03-24\">24 March 2026</time>"));
    assert!(site["index.html"].contains("<a href=\"/sub/about/#history\">about us</a>"));
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = build_fixture("small", &options());
    let alias = &site["about-us/index.html"];
    assert!(
        alias.contains("<meta http-equiv=\"refresh\" content=\"0; url=/sub/about/\">"),
        "{alias}"
    );
    assert!(alias.contains("<link rel=\"canonical\" href=\"https://small.example/sub/about/\">"));
}

#[test]
fn drafts_only_with_the_flag() {
    let site = build_fixture("small", &options());
    assert!(!site.contains_key("draft/index.html"));
    assert!(!site["sitemap.xml"].contains("draft"));
    let with_drafts = build_fixture(
        "small",
        &PlanOptions {
            drafts: true,
            ..options()
        },
    );
    assert!(text_of(&with_drafts["draft/index.html"]).contains("Unfinished Not yet."));
}

#[test]
fn every_internal_link_starts_with_the_base_path() {
    let base = BaseUrl::parse("https://example.org/deep/sub/").unwrap();
    let site = build_fixture(
        "small",
        &PlanOptions {
            base_url: Some(base),
            ..options()
        },
    );
    let mut checked = 0;
    for (path, body) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        for link in links(body) {
            let external = link.starts_with("https://")
                || link.starts_with("mailto:")
                || link.starts_with("tel:")
                || link.starts_with('#');
            assert!(
                external || link.starts_with("/deep/sub/"),
                "{path}: `{link}` does not start with /deep/sub/"
            );
            if link.starts_with("https://example.org") {
                assert!(
                    link.starts_with("https://example.org/deep/sub/"),
                    "{path}: `{link}`"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
    assert!(site["sitemap.xml"].contains("<loc>https://example.org/deep/sub/about/</loc>"));
    assert!(site["robots.txt"].contains("Sitemap: https://example.org/deep/sub/sitemap.xml"));
}

#[test]
fn a_chapter_builds_standalone_at_its_site_url() {
    let options = PlanOptions {
        chapter: Some(ChapterSlug::parse("lyon").unwrap()),
        ..options()
    };
    let site = build_fixture("small", &options);
    let paths: Vec<&str> = site.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "404.html",
            "_headers",
            "calendar.ics",
            "cookies/index.html",
            "data-processing/index.html",
            "data-processing/schedules.csv",
            "data-processing/schedules.json",
            "ethics/index.html",
            "groupe/index.html",
            "index.html",
            "notices/2026-11-20-reunion-annulee/index.html",
            "notices/atom.xml",
            "notices/index.html",
            "oath/index.html",
            "privacy/index.html",
            "robots.txt",
            "sitemap.xml",
            "style.css"
        ]
    );
    let home = &site["index.html"];
    assert!(home.contains("<html lang=\"fr\">"));
    assert!(home.contains("<link rel=\"canonical\" href=\"https://lyon.small.example/\">"));
    assert!(home.contains("<a href=\"/groupe/\">le groupe</a>"));
    assert!(
        home.contains("<a href=\"https://small.example/sub/\">Small Institute</a>"),
        "links back to the organisation"
    );
    assert!(text_of(&site["404.html"]).contains("Page introuvable"));
    assert!(site["sitemap.xml"].contains("<loc>https://lyon.small.example/groupe/</loc>"));
    // An organisation page linked from the chapter leaves the standalone site absolutely.
    assert!(
        site["groupe/index.html"]
            .contains("<a href=\"https://small.example/sub/about/\">section</a>")
    );
}

#[test]
fn builds_are_deterministic() {
    let first = build_fixture("small", &options());
    let second = build_fixture("small", &options());
    assert_eq!(first, second);
}

#[test]
fn snapshot_of_rendered_pages() {
    let site = build_fixture("small", &options());
    for path in [
        "index.html",
        "chapters/index.html",
        "chapters/lyon/index.html",
        "about/index.html",
        "sitemap.xml",
    ] {
        let name = path.replace('/', "__");
        insta::assert_snapshot!(name, site[path]);
    }
}

#[test]
fn headers_file_carries_the_security_policy() {
    let site = build_fixture("small", &options());
    let headers = &site["_headers"];
    assert!(headers.starts_with("/sub/*\n"), "{headers}");
    assert!(
        headers.contains("Content-Security-Policy: default-src 'self'; script-src 'self';"),
        "{headers}"
    );
    assert!(headers.contains("X-Content-Type-Options: nosniff"));
    assert!(headers.contains("Referrer-Policy: strict-origin-when-cross-origin"));
    assert!(
        headers.contains("Strict-Transport-Security: max-age=31536000\n"),
        "{headers}"
    );
    assert!(!headers.contains("interest-cohort"), "{headers}");
    // Every page repeats the policy in a meta tag, less what a meta tag cannot carry.
    let header = headers
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy: "))
        .unwrap();
    let meta = header
        .replace("; frame-ancestors 'self'", "")
        .replace('\'', "&#39;");
    let tag = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{meta}\">");
    for (path, html) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        assert!(html.contains(&tag), "{path} lacks {tag}");
        let at = html.find(&tag).unwrap();
        assert!(
            !html[..at].contains("<link") && !html[..at].contains("<script"),
            "{path}: the policy comes before anything loads"
        );
    }
    // The theme has no inline script or style for the policy to block.
    for (path, html) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        assert!(
            !html.contains("<script>") && !html.contains(" style=\""),
            "{path} has inline script or style"
        );
    }
}
