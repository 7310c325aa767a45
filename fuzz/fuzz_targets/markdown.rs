//! Markdown with `@/` link rewriting never panics, and sanitized output carries no script.
#![no_main]

use std::collections::BTreeMap;

use chapterhouse::config::RawHtml;
use chapterhouse::diagnostics::Diagnostic;
use chapterhouse::markdown::{Links, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let hrefs = BTreeMap::from([("about.md".to_string(), "/about/".to_string())]);
    let links = Links {
        hrefs: &hrefs,
        drafts_left_out: &[],
    };
    let locate = |offset: usize, message: String| {
        Diagnostic::error(message).at("content/f.md", text, offset)
    };
    for policy in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Allow] {
        if let Ok(html) = render(text, &links, policy, &locate)
            && policy != RawHtml::Allow
        {
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("<script"), "{policy:?}: {html}");
            // Text may mention `href="javascript:`; only a real attribute in a tag is a hole.
            assert!(
                !lower.contains("<a href=\"javascript:"),
                "{policy:?}: {html}"
            );
        }
    }
});
