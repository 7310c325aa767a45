//! Site and chapter TOML loading never panics and always locates its errors.
#![no_main]

use chapterhouse::model::{ChapterSlug, LanguageTag, chapter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(diagnostic) = chapterhouse::config::parse(text) {
        assert!(diagnostic.location.is_some());
        let _ = diagnostic.to_string();
    }
    let Ok(slug) = ChapterSlug::parse("fuzz") else {
        return;
    };
    if let Err(problems) = chapter::parse(
        slug,
        "data/chapters/fuzz.toml",
        text,
        &LanguageTag::default(),
    ) {
        for problem in problems {
            let _ = problem.to_string();
        }
    }
});
