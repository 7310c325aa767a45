//! Front-matter splitting and parsing never panic, and a split's offsets fit the text.
#![no_main]

use chapterhouse::model::{Scope, page};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(split) = page::split_front_matter("content/f.md", text) {
        assert!(split.body_offset <= text.len());
        assert_eq!(&text[split.body_offset..], split.body);
    }
    if let Err(diagnostic) = page::parse("content/f.md", text, Scope::Organisation) {
        let _ = diagnostic.to_string();
    }
});
