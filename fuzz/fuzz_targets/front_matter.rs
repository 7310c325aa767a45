//! Front-matter splitting and parsing never panic, and a split's offsets fit the text. A
//! title, description or body with control characters (written as TOML escapes, so they
//! reach the value) is a located error, never a page.
#![no_main]

use chapterhouse::model::page::is_forbidden_char;
use chapterhouse::model::{Scope, page};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, &str)| {
    let (text, title, body) = input;
    if let Ok(split) = page::split_front_matter("content/f.md", text) {
        assert!(split.body_offset <= text.len());
        assert_eq!(&text[split.body_offset..], split.body);
    }
    if let Err(diagnostic) = page::parse("content/f.md", text, Scope::Organisation) {
        assert!(diagnostic.location.is_some(), "{diagnostic}");
    }
    let (title, description) = title.split_at(title.floor_char_boundary(title.len() / 2));
    let shaped = format!(
        "+++\ntitle = {}\ndescription = {}\n+++\n{body}",
        toml_quote(title),
        toml_quote(description)
    );
    match page::parse("content/f.md", &shaped, Scope::Organisation) {
        Ok(page) => {
            let texts = [
                page.front.title.as_str(),
                page.front.description.as_deref().unwrap_or(""),
                page.body(),
            ];
            assert!(
                !texts.iter().any(|t| t.chars().any(is_forbidden_char)),
                "{shaped:?}"
            );
        }
        Err(diagnostic) => assert!(diagnostic.location.is_some(), "{diagnostic}"),
    }
});

/// A TOML basic string holding `s`, control characters written as `\uXXXX` escapes.
fn toml_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
