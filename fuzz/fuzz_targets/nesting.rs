//! Deeply nested raw HTML and markdown containers of every shape, alone or two interleaved:
//! rendering never panics, and finishes in time linear in the input (libFuzzer's -timeout
//! catches a quadratic case).
#![no_main]

use std::collections::BTreeMap;

use chapterhouse::config::RawHtml;
use chapterhouse::diagnostics::Diagnostic;
use chapterhouse::markdown::{Links, render};
use libfuzzer_sys::fuzz_target;

/// Openers that nest, or that try to look closed to a depth counter while they are not.
const SHAPES: &[&str] = &[
    "<div>",
    "> ",
    "- ",
    "<b id=x>",
    "<div></x>",
    "<div/>",
    "<div><!-->",
    "<div a='>'>",
    "<svg><g>",
    "<table><tr><td>",
    "<p><span>",
    "<li><ul>",
    "<div><script></div></script>",
    "<div>\n\n",
    "<!--<div>-->",
    "<div></div_x>",
    "1. ",
    "* > ",
    "<a href=x>",
    "<math><mi>",
    "<details><summary>",
    "<svg><foreignObject>",
    "<select><option>",
    "<div\n",
];

fuzz_target!(|input: (u8, u8, u16, &str)| {
    let (first, second, depth, filler) = input;
    let shape = |n: u8| SHAPES[usize::from(n) % SHAPES.len()];
    let filler = &filler[..filler.floor_char_boundary(16)];
    let unit = format!("{}{filler}{}", shape(first), shape(second));
    let text = unit.repeat(usize::from(depth) % 4096);
    let hrefs = BTreeMap::new();
    let links = Links {
        hrefs: &hrefs,
        drafts_left_out: &[],
    };
    let locate = |offset: usize, message: String| {
        Diagnostic::error(message).at("content/f.md", &text, offset)
    };
    for policy in [RawHtml::Sanitize, RawHtml::Allow] {
        let _ = render(&text, &links, policy, &locate);
    }
});
