//! Sites in several languages: `about.fr.md` beside `about.md`, served under `fr/`, each
//! page linking its translations (`hreflang`) and `@/` links staying in the reader's language.

mod common;

use common::*;

const TWO_LANGUAGES: &str = "title = \"T\"\nbase_url = \"https://t.example/\"\nlanguages = [\"en\", \"fr\"]\n[controller]\nname = \"T\"\naddress = \"A\"\nemail = \"p@t.example\"\n";

#[test]
fn a_translation_into_a_language_the_site_does_not_publish_is_a_located_error() {
    let errors = build_errors(&[
        ("data/site.toml", TWO_LANGUAGES),
        ("content/about.md", "+++\ntitle = \"About\"\n+++\n"),
        ("content/about.de.md", "+++\ntitle = \"Über uns\"\n+++\n"),
    ]);
    assert!(
        errors.contains("content/about.de.md:1:1: error: `about.de.md` is a translation into `de`, which the site does not publish"),
        "{errors}"
    );
    assert!(
        errors.contains("the site publishes en, fr (`languages` in data/site.toml); add `de` there, or, if `.de` is part of the name, write `about-de.md`"),
        "{errors}"
    );
}

#[test]
fn a_suffix_naming_the_default_language_is_an_error() {
    let errors = build_errors(&[
        ("data/site.toml", TWO_LANGUAGES),
        ("content/about.en.md", "+++\ntitle = \"About\"\n+++\n"),
    ]);
    assert!(
        errors.contains("content/about.en.md:1:1: error: `about.en.md` is marked `en`, the default language of the site"),
        "{errors}"
    );
    assert!(errors.contains("rename it to `about.md`"), "{errors}");
}

#[test]
fn a_chapter_translation_is_checked_against_the_chapter_languages() {
    let chapter = "name = \"M\"\ncountry = \"Canada\"\nlanguages = [\"fr\", \"en\"]\ntimezone = \"America/Toronto\"\n[contact]\nemail = \"m@t.example\"\n";
    let errors = build_errors(&[
        ("data/site.toml", TWO_LANGUAGES),
        ("data/chapters/montreal.toml", chapter),
        (
            "content/chapters/montreal/notices/n.es.md",
            "+++\ntitle = \"N\"\ndate = 2026-11-01\n+++\n",
        ),
    ]);
    assert!(
        errors.contains("content/chapters/montreal/notices/n.es.md:1:1: error: `n.es.md` is a translation into `es`, which chapter `montreal` does not publish"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "chapter `montreal` publishes fr, en (`languages` in data/chapters/montreal.toml)"
        ),
        "{errors}"
    );
}

#[test]
fn languages_must_start_with_the_default_language() {
    let site = TWO_LANGUAGES.replace("languages", "language = \"fr\"\nlanguages");
    let errors = build_errors(&[("data/site.toml", &site)]);
    assert!(
        errors.contains(
            "data/site.toml:4:13: error: `languages` starts with `en`, but `language` is `fr`"
        ),
        "{errors}"
    );
}

#[test]
fn a_dotted_name_that_is_not_a_language_tag_stays_an_ordinary_page() {
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("content/v1.2.md", "+++\ntitle = \"Version 1.2\"\n+++\n"),
    ]);
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        site["v1-2/index.html"].contains("<h1>Version 1.2</h1>"),
        "{:?}",
        site.keys()
    );
}

#[test]
fn a_translation_is_served_under_its_language_prefix_in_its_language() {
    let sources = sources_with_legal([
        ("data/site.toml", TWO_LANGUAGES),
        (
            "content/about.md",
            "+++\ntitle = \"About\"\n+++\nSee [membership](@/membership.fr.md).\n",
        ),
        (
            "content/about.fr.md",
            "+++\ntitle = \"À propos\"\n+++\nVoir [l'adhésion](@/membership.fr.md).\n",
        ),
        (
            "content/membership.md",
            "+++\ntitle = \"Membership\"\n+++\n",
        ),
        (
            "content/membership.fr.md",
            "+++\ntitle = \"Adhésion\"\n+++\n",
        ),
    ]);
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    let french = &site["fr/about/index.html"];
    assert!(french.contains("<html lang=\"fr\">"), "{french:.200}");
    assert!(french.contains("<h1>À propos</h1>"), "{french}");
    assert!(french.contains("href=\"/fr/membership/\""), "{french}");
    assert!(site["about/index.html"].contains("<html lang=\"en\">"));
    assert!(
        !site.contains_key("about-fr/index.html"),
        "{:?}",
        site.keys()
    );
}
