//! Bad input: each case gives a clear, located error (or builds, where it should), never a panic.

mod common;

use common::*;

fn page(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}")
}

#[test]
fn all_errors_of_a_build_are_reported_together() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("content/a.md", "+++\ntitle = \"A\"\nno closing line\n"),
        (
            "content/b.md",
            &page("title = \"B\"\ndescripton = \"x\"", ""),
        ),
        (
            "data/chapters/x.toml",
            "name = \"X\"\ncountry = \"C\"\ntimezone = \"Mars/Olympus\"\n[contact]\nemail = \"x@x.example\"\n",
        ),
    ]);
    assert!(
        errors.contains("content/a.md:1:1: error: the front matter is never closed"),
        "{errors}"
    );
    assert!(
        errors.contains("content/b.md:3:1: error: unknown field `descripton`"),
        "{errors}"
    );
    assert!(
        errors.contains("= hint: did you mean `description`?"),
        "{errors}"
    );
    assert!(
        errors
            .contains("data/chapters/x.toml:3:12: error: `Mars/Olympus` is not an IANA time zone"),
        "{errors}"
    );
}

#[test]
fn malformed_site_toml_is_located() {
    let errors = build_errors(&[("data/site.toml", "title = \"T\nbase_url = 3\n")]);
    assert!(errors.starts_with("data/site.toml:1:"), "{errors}");
}

#[test]
fn unknown_site_key_suggests_the_closest() {
    let text = format!("langauge = \"en\"\n{SITE_TOML}");
    let errors = build_errors(&[("data/site.toml", &text)]);
    assert!(
        errors.contains("data/site.toml:1:1: error: unknown field `langauge`"),
        "{errors}"
    );
    assert!(errors.contains("did you mean `language`?"), "{errors}");
}

#[test]
fn two_pages_with_one_output_path_name_both() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("content/about.md", &page("title = \"A\"", "")),
        ("content/about/index.md", &page("title = \"B\"", "")),
    ]);
    assert!(
        errors.contains("two sources map to the output `about/index.html`: content/about.md and content/about/index.md")
            || errors.contains("two sources map to the output `about/index.html`: content/about/index.md and content/about.md"),
        "{errors}"
    );
}

#[test]
fn broken_internal_link_is_a_located_error() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        (
            "content/about.md",
            &page("title = \"A\"", "Intro\n\nSee [the rules](@/rules.md).\n"),
        ),
        ("content/rulez.md", &page("title = \"R\"", "")),
    ]);
    assert!(errors.contains("content/about.md:6:5: error: the link `@/rules.md` points to content/rules.md, which does not exist"), "{errors}");
    assert!(errors.contains("did you mean `@/rulez.md`?"), "{errors}");
}

#[test]
fn link_to_a_draft_says_so() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("content/about.md", &page("title = \"A\"", "[x](@/soon.md)")),
        ("content/soon.md", &page("title = \"S\"\ndraft = true", "")),
    ]);
    assert!(errors.contains("points to a draft"), "{errors}");
}

#[test]
fn page_in_unknown_chapter_suggests_the_closest() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        (
            "data/chapters/london.toml",
            "name = \"L\"\ncountry = \"UK\"\ntimezone = \"Europe/London\"\n[contact]\nemail = \"l@t.example\"\n",
        ),
        ("content/chapters/londn/a.md", &page("title = \"A\"", "")),
    ]);
    assert!(errors.contains("content/chapters/londn/a.md"), "{errors}");
    assert!(
        errors.contains("did you mean the chapter `london`?"),
        "{errors}"
    );
}

#[test]
fn unsafe_aliases_are_refused() {
    for alias in ["/../../etc/passwd", "a\\\\..\\\\b", "https://evil.example/"] {
        let errors = build_errors(&[
            ("data/site.toml", SITE_TOML),
            (
                "content/a.md",
                &page(&format!("title = \"A\"\naliases = [\"{alias}\"]"), ""),
            ),
        ]);
        assert!(
            errors.contains("content/a.md") && errors.contains("alias"),
            "{alias}: {errors}"
        );
    }
}

#[test]
fn unicode_file_names_are_transliterated() {
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("content/réunions d'été.md", "+++\ntitle = \"R\"\n+++\n"),
    ]);
    let site = build_sources(&sources, &options()).unwrap();
    assert!(
        site.contains_key("reunions-d-ete/index.html"),
        "{:?}",
        site.keys()
    );
}

#[test]
fn crlf_and_byte_order_mark_build() {
    let mut sources = sources_with_legal([("data/site.toml", SITE_TOML)]);
    sources
        .insert(
            "content/win.md".into(),
            b"\xef\xbb\xbf+++\r\ntitle = \"Win\"\r\n+++\r\n\r\n## Hello\r\n".to_vec(),
        )
        .unwrap();
    let site = build_sources(&sources, &options()).unwrap();
    assert!(site["win/index.html"].contains("<h2 id=\"hello\">Hello"));
}

#[test]
fn invalid_utf8_is_located() {
    let mut sources = chapterhouse::source::SourceTree::default();
    let err = sources
        .insert(
            "content/a.md".into(),
            b"+++\ntitle = \"\xff\"\n+++\n".to_vec(),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("content/a.md:2:10: error: file is not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn bad_meeting_data_is_explained() {
    let chapter = "name = \"L\"\ncountry = \"UK\"\ntimezone = \"Europe/London\"\n[contact]\nemail = \"l@t.example\"\n[[meetings]]\ntitle = \"M\"\nfrequency = \"fortnightly\"\nweekday = \"tuesday\"\nstart_time = \"18:30\"\nduration_minutes = 60\nlocation = \"Hall\"\nstarts_on = 2026-01-13\n";
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/chapters/london.toml", chapter),
    ]);
    assert!(
        errors.contains("data/chapters/london.toml:8:13: error: unknown variant `fortnightly`"),
        "{errors}"
    );
    assert!(
        errors.contains("expected `weekly` or `monthly`") || errors.contains("did you mean"),
        "{errors}"
    );
}

#[test]
fn template_errors_name_the_template_and_line() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        (
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ content | safe }\n{% endblock content %}\n",
        ),
    ]);
    assert!(
        errors.contains("themes/default/templates/page.html:3:"),
        "{errors}"
    );
}

#[test]
fn missing_template_named_by_a_page() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        (
            "content/a.md",
            &page("title = \"A\"\ntemplate = \"pag.html\"", ""),
        ),
    ]);
    // At the value of `template` on its front-matter line, not at the body.
    assert!(
        errors.contains("content/a.md:3:12: error: the template `pag.html` does not exist"),
        "{errors}"
    );
    assert!(errors.contains("did you mean `page.html`?"), "{errors}");
}

#[test]
fn empty_page_file_is_an_error() {
    let errors = build_errors(&[("data/site.toml", SITE_TOML), ("content/empty.md", "")]);
    assert!(
        errors.contains("content/empty.md:1:1: error: the page does not start with front matter"),
        "{errors}"
    );
}

#[test]
fn bad_date_is_located() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        (
            "content/a.md",
            &page("title = \"A\"\ndate = 2026-02-30", ""),
        ),
    ]);
    assert!(errors.contains("content/a.md:3:"), "{errors}");
}

fn chapter_toml(extra: &str) -> String {
    format!(
        "name = \"L\"\ncountry = \"UK\"\ntimezone = \"Europe/London\"\n{extra}\n[contact]\nemail = \"l@t.example\"\n"
    )
}

#[test]
fn a_ten_megabyte_page_builds() {
    let body = "A line of text about records management, repeated.\n\n".repeat(200_000);
    assert!(body.len() > 10_000_000);
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("content/big.md", &page("title = \"Big\"", &body)),
    ]);
    let site = build_sources(&sources, &options()).unwrap();
    assert!(site["big/index.html"].len() > 10_000_000);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let nested = format!("{}deep\n", "> ".repeat(5_000));
    let lists = (0..2_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect::<String>();
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        (
            "content/deep.md",
            &page("title = \"Deep\"", &format!("{nested}\n\n{lists}")),
        ),
    ]);
    let site = build_sources(&sources, &options()).unwrap();
    assert!(site["deep/index.html"].contains("deep"));
}

#[test]
fn hostile_front_matter_slugs_stay_inside_the_output() {
    for slug in [
        "../../etc/passwd",
        "/etc/passwd",
        "..\\\\..\\\\windows",
        "..",
        "a/../../b",
    ] {
        let sources = sources_with_legal([
            ("data/site.toml", SITE_TOML),
            (
                "content/a.md",
                &page(&format!("title = \"A\"\nslug = \"{slug}\""), ""),
            ),
        ]);
        match build_sources(&sources, &options()) {
            Ok(site) => {
                for path in site.keys() {
                    assert!(
                        !path.contains("..") && !path.starts_with('/') && !path.contains('\\'),
                        "{slug}: {path}"
                    );
                }
            }
            Err(d) => assert!(d.to_string().contains("content/a.md"), "{slug}: {d}"),
        }
    }
}

#[test]
fn data_is_escaped_in_templates() {
    let chapter = "name = \"<script>alert('x')</script>\"\ncountry = \"United Kingdom\"\nregion = \"<b>UK</b>\"\ntimezone = \"Europe/London\"\n[contact]\nemail = \"l@t.example\\\" onmouseover=\\\"x()\"\n";
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("data/chapters/evil.toml", chapter),
    ]);
    let site = build_sources(&sources, &options()).unwrap();
    let html = &site["chapters/evil/index.html"];
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!site["chapters/index.html"].contains("<b>UK</b>"));
    let directory = &site["chapters/index.html"];
    assert!(directory.contains("&lt;b&gt;UK&lt;/b&gt;"), "{directory}");
    assert!(
        !html.contains("\" onmouseover=\""),
        "attribute injection: {html}"
    );
}

#[test]
fn markdown_scripts_handlers_and_script_urls_are_removed_by_default() {
    let body = "<script>steal()</script>\n\n<img src=\"x.png\" onerror=\"steal()\">\n\n[click](javascript:steal())\n\n<a href=\"JaVaScRiPt:steal()\">x</a>\n";
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("content/a.md", &page("title = \"A\"", body)),
    ]);
    let html = &build_sources(&sources, &options()).unwrap()["a/index.html"];
    let main = &html[html.find("<main").unwrap()..];
    assert!(!main.contains("steal"), "{main}");
    assert!(main.contains("<img src=\"x.png\">"), "{main}");
    assert!(main.contains("click"), "the link text stays: {main}");
}

#[test]
fn symlink_loop_in_content_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/site.toml"), SITE_TOML).unwrap();
    std::fs::create_dir_all(dir.path().join("content/loop")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("content"),
        dir.path().join("content/loop/back"),
    )
    .unwrap();
    let err = chapterhouse::source::read_tree(dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("content/loop/back") && err.contains("symbolic link loop"),
        "{err}"
    );
}

#[test]
fn a_data_file_that_is_a_folder_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data/chapters/london.toml")).unwrap();
    std::fs::write(dir.path().join("data/site.toml"), SITE_TOML).unwrap();
    let err = chapterhouse::source::read_tree(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("data/chapters/london.toml"), "{err}");
}

#[test]
fn unknown_theme_is_named() {
    let text = format!("theme = \"fancy\"\n{SITE_TOML}");
    let errors = build_errors(&[("data/site.toml", &text)]);
    assert!(errors.contains("theme `fancy` not found"), "{errors}");
}

#[test]
fn bad_language_and_base_url_are_located() {
    let errors = build_errors(&[(
        "data/site.toml",
        &format!("language = \"French\"\n{SITE_TOML}"),
    )]);
    assert!(
        errors.contains("data/site.toml:1:12: error: `French` is not a language tag"),
        "{errors}"
    );
    let errors = build_errors(&[(
        "data/site.toml",
        &SITE_TOML.replace("https://t.example/", "t.example"),
    )]);
    assert!(
        errors
            .contains("data/site.toml:2:12: error: `t.example` is not an http:// or https:// URL"),
        "{errors}"
    );
}

#[test]
fn weekly_meeting_with_a_week_and_event_ending_early_are_errors() {
    let meeting = "[[meetings]]\ntitle = \"M\"\nfrequency = \"weekly\"\nweekday = \"tuesday\"\nweek = 2\nstart_time = \"18:30\"\nduration_minutes = 60\nlocation = \"Hall\"\nstarts_on = 2026-01-13\n[[events]]\ntitle = \"E\"\nstart = 2027-01-21T18:00:00\nend = 2027-01-21T17:00:00\nlocation = \"Hall\"\n";
    let text = format!(
        "name = \"L\"\ncountry = \"UK\"\ntimezone = \"Europe/London\"\n[contact]\nemail = \"l@t.example\"\n{meeting}"
    );
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/chapters/london.toml", &text),
    ]);
    assert!(
        errors.contains("weekly meeting `M` has a `week`"),
        "{errors}"
    );
    // At the event's `end`, not at the top of the file.
    assert!(
        errors.contains("data/chapters/london.toml:18:1: error: event `E` ends before it starts"),
        "{errors}"
    );
}

#[test]
fn chapter_file_names_must_be_slugs() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/chapters/New York.toml", &chapter_toml("")),
    ]);
    assert!(
        errors.contains("data/chapters/New York.toml") && errors.contains("`new-york`"),
        "{errors}"
    );
}

#[test]
fn navigation_link_to_a_missing_page_is_an_error() {
    let text = format!("{SITE_TOML}[[nav]]\ntitle = \"About\"\npath = \"@/about.md\"\n");
    let errors = build_errors(&[("data/site.toml", &text)]);
    assert!(
        errors.contains(
            "the navigation link `@/about.md` points to content/about.md, which does not exist"
        ),
        "{errors}"
    );
}

#[test]
fn missing_site_toml_is_explained() {
    let errors = build_errors(&[("content/a.md", &page("title = \"A\"", ""))]);
    assert!(
        errors.contains("no data/site.toml") && errors.contains("chapterhouse init"),
        "{errors}"
    );
}

#[test]
fn local_date_time_with_offset_is_refused() {
    let event = "[[events]]\ntitle = \"E\"\nstart = 2027-01-21T18:00:00Z\nlocation = \"Hall\"\n";
    let text = format!(
        "name = \"L\"\ncountry = \"UK\"\ntimezone = \"Europe/London\"\n[contact]\nemail = \"l@t.example\"\n{event}"
    );
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/chapters/london.toml", &text),
    ]);
    assert!(
        errors.contains("data/chapters/london.toml:8:9") && errors.contains("no offset"),
        "{errors}"
    );
}

/// Found by the markdown fuzz target: text that looks like a script URL stays inert text;
/// with a control character in it, it is a located error (control characters are refused).
#[test]
fn fuzz_regression_script_url_lookalike_text() {
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        (
            "content/a.md",
            &page("title = \"A\"", "href=\"javascript:<--"),
        ),
    ]);
    let html = &build_sources(&sources, &options()).unwrap()["a/index.html"];
    assert!(html.contains("<p>href=\"javascript:&lt;--</p>"), "{html}");
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        (
            "content/a.md",
            &page("title = \"A\"", "href=\"javascript:\u{8}<--"),
        ),
    ]);
    assert!(
        errors.contains("content/a.md:4:18: error: the text contains the control character U+0008"),
        "{errors}"
    );
}

#[test]
fn front_matter_problems_are_located_at_their_key() {
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        (
            "content/a.md",
            &page("title = \"A\"\nslug = \"!!!\"", "Body.\n"),
        ),
        (
            "content/b.md",
            &page(
                "title = \"B\"\ndraft = false\naliases = [\"https://elsewhere.example/\"]",
                "Body.\n",
            ),
        ),
    ]);
    assert!(
        errors.contains("content/a.md:3:8: error: `!!!` gives an empty URL segment"),
        "{errors}"
    );
    assert!(
        errors
            .contains("content/b.md:4:11: error: alias `https://elsewhere.example/` is a full URL"),
        "{errors}"
    );
}
