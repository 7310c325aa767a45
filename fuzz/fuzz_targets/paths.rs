//! Slugs, page paths and aliases never map outside the output folder, and a path the output
//! writer and its marker accept holds no control character, `..` or absolute start.
#![no_main]

use chapterhouse::model::{OutputPath, Scope, page};
use chapterhouse::plan::{alias_output, page_url, safe_relative_path};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, &str)| {
    let (file, slug, alias) = input;
    let path = format!("content/{file}.md");
    let text = format!("+++\ntitle = \"T\"\nslug = {}\n+++\n", toml_quote(slug));
    if let Ok(page) = page::parse(&path, &text, Scope::Organisation)
        && let Ok(url) = page_url(&page)
    {
        let output = format!("{url}index.html");
        assert!(
            safe_relative_path(&output).is_ok(),
            "{file:?} {slug:?} -> {output:?}"
        );
    }
    if let Ok(output) = alias_output(alias) {
        assert!(
            safe_relative_path(&output).is_ok(),
            "{alias:?} -> {output:?}"
        );
    }
    for path in [file, alias] {
        if let Ok(output) = OutputPath::parse(path) {
            assert!(
                !path.chars().any(char::is_control) && !path.starts_with('/'),
                "{path:?}"
            );
            assert!(
                output
                    .segments()
                    .all(|s| !s.is_empty() && s != "." && s != ".."),
                "{path:?}"
            );
        }
    }
});

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
