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
    let sources = chapterhouse::source::SourceTree::from_memory([
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
    let mut sources =
        chapterhouse::source::SourceTree::from_memory([("data/site.toml", SITE_TOML)]);
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
    assert!(
        errors.contains("content/a.md:2:1: error: the template `pag.html` does not exist")
            || errors.contains("the template `pag.html` does not exist"),
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
