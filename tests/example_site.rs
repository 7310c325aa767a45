//! The repository root is the example site: it must build and show what a newcomer expects.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use chapterhouse::source::read_tree;
use common::*;

#[test]
fn example_institute_builds_with_its_chapters() {
    let sources = read_tree(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    let chapters: Vec<&str> = site
        .keys()
        .filter_map(|p| p.strip_prefix("chapters/")?.strip_suffix("/index.html"))
        .filter(|p| !p.contains('/'))
        .collect();
    assert!(chapters.len() >= 5, "{chapters:?}");
    let mut languages = BTreeSet::new();
    for slug in &chapters {
        let home = &site[&format!("chapters/{slug}/index.html")];
        let lang = home
            .split("<html lang=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        languages.insert(lang.split('-').next().unwrap().to_string());
        let text = text_of(home);
        for heading in [
            ["Officers", "Bureau"],
            ["Contact", "Contact"],
            ["Meetings", "Réunions"],
        ] {
            assert!(
                text.contains(heading[0]) || text.contains(heading[1]),
                "{slug} lacks {heading:?}: {text}"
            );
        }
        assert!(
            home.contains("href=\"mailto:"),
            "{slug} has no contact address"
        );
        let own_pages = site
            .keys()
            .filter(|p| p.starts_with(&format!("chapters/{slug}/")) && p.matches('/').count() == 3)
            .count();
        assert!(own_pages >= 1, "{slug} has no page of its own");
    }
    assert_eq!(
        languages,
        BTreeSet::from(["en".to_string(), "fr".to_string()])
    );
    let directory = text_of(&site["chapters/index.html"]);
    for country in ["United Kingdom", "Ireland", "France", "Canada"] {
        assert!(
            directory.contains(country),
            "{country} missing from the directory"
        );
    }
    assert!(text_of(&site["index.html"]).contains("Institute of Records and Information Stewards"));
    assert!(text_of(&site["about/index.html"]).contains("Membership grades"));
    assert!(site.contains_key("about-us/index.html"));
    assert!(
        !site.contains_key("news-draft/index.html"),
        "drafts stay out"
    );
}

/// The example's inventory declares YouTube and OpenStreetMap for the London study group's
/// embeds: the organisation's site uses both hosts, and the standalone Paris site, which
/// shares the inventory but not those pages, is not told to remove them.
#[test]
fn example_is_check_clean_on_the_organisation_and_a_standalone_chapter() {
    let sources = read_tree(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    for chapter in [None, Some("paris")] {
        let mut plan = options();
        plan.chapter = chapter.map(|c| chapterhouse::model::ChapterSlug::parse(c).unwrap());
        let report = chapterhouse::check::run(
            &sources,
            &chapterhouse::check::CheckOptions {
                plan,
                ..Default::default()
            },
        );
        assert_eq!(
            (
                report.diagnostics.has_errors(),
                report.diagnostics.warning_count()
            ),
            (false, 0),
            "{chapter:?}: {}",
            report.diagnostics
        );
    }
}
