//! Text with control characters reaches the Atom and iCalendar writers: the feed holds only
//! characters XML 1.0 allows, and calendar text lines hold no control character but tab.
#![no_main]

use chapterhouse::model::page::is_forbidden_char;
use chapterhouse::render::{atom, ical};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (title, body) = input;
    let feed = atom::Feed {
        id: atom::tag_uri("fuzz.example", "notices/"),
        title: title.to_string(),
        language: "en",
        self_url: "https://fuzz.example/notices/atom.xml".to_string(),
        html_url: "https://fuzz.example/notices/".to_string(),
        author: title,
        fallback_updated: jiff::Timestamp::UNIX_EPOCH,
    };
    let entry = atom::Entry {
        id: atom::tag_uri("fuzz.example", "n/"),
        title: title.to_string(),
        url: "https://fuzz.example/n/".to_string(),
        date: jiff::civil::date(2026, 1, 1),
        summary: body.to_string(),
        content_html: body.to_string(),
        category: "general",
        author: Some(body.to_string()),
    };
    let xml = atom::render(&feed, &[entry]);
    assert!(!xml.chars().any(is_forbidden_char), "{xml:?}");
    let line = ical::fold(&format!("SUMMARY:{}", ical::escape_text(title)));
    let content = line
        .strip_suffix("\r\n")
        .unwrap_or(&line)
        .replace("\r\n ", "");
    assert!(
        content.chars().all(|c| c == '\t' || !c.is_control()),
        "{line:?}"
    );
});
