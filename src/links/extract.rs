//! Reading links and ids out of rendered HTML: a fast scanner for chapterhouse's own output
//! and a real HTML parser (lol_html) for `check`.

use std::cell::RefCell;
use std::collections::BTreeSet;

use lol_html::{HtmlRewriter, Settings, element};

/// The links and anchor targets of one rendered page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageLinks {
    /// (attribute value, element name), in document order.
    pub links: Vec<(String, String)>,
    /// Every `id` (and `a name`) in the page, for fragment checks.
    pub ids: BTreeSet<String>,
}

/// Extracts links and ids from the HTML that chapterhouse itself writes, in one pass over
/// `="`: the templates, pulldown-cmark and ammonia always quote attributes with `"` and
/// escape `"` inside them, so this is exact for build output and several times faster than
/// a full parse. `check` uses [`extract`], a real HTML parser, for anything hand-written.
pub fn extract_generated(html: &[u8]) -> PageLinks {
    let mut found = PageLinks::default();
    let Ok(text) = std::str::from_utf8(html) else {
        return extract(html);
    };
    let bytes = text.as_bytes();
    let mut from = 0;
    // `find(char)` runs on memchr; attributes are `name="value"` in our own HTML.
    while let Some(found_at) = text[from..].find('=') {
        let at = from + found_at;
        from = at + 1;
        if bytes.get(at + 1) != Some(&b'"') {
            continue;
        }
        let name_start = text[..at]
            .rfind(|c: char| c.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let name = &text[name_start..at];
        if !matches!(
            name,
            "href" | "src" | "data-src" | "data-consent-src" | "action" | "poster" | "id" | "name"
        ) {
            continue;
        }
        let value_start = at + 2;
        let Some(len) = text[value_start..].find('"') else {
            continue;
        };
        let value = decode_entities(&text[value_start..value_start + len]);
        let tag_start = text[..name_start].rfind('<').map_or(0, |i| i + 1);
        let tag: String = text[tag_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name {
            "id" => {
                found.ids.insert(value);
            }
            "name" if tag == "a" => {
                found.ids.insert(value);
            }
            "name" => {}
            "poster" => found.links.push((value, "img".to_string())),
            _ => found.links.push((value, tag)),
        }
    }
    found
}

/// The attributes whose value a browser follows or loads as a URL.
const URL_ATTRIBUTES: [&str; 8] = [
    "href",
    "src",
    "data-src",
    "data-consent-src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
];

/// Extracts links and ids from an HTML page with a real parser (lol_html), from every
/// attribute that holds a URL.
pub fn extract(html: &[u8]) -> PageLinks {
    let found = RefCell::new(PageLinks::default());
    let settings = Settings::new()
        .append_element_content_handler(element!("*", |el| {
            let tag = el.tag_name();
            let mut found = found.borrow_mut();
            for attribute in el.attributes() {
                let name = attribute.name();
                if name == "srcset" {
                    // `a.png 1x, b.png 2x`: each candidate's URL is a link.
                    for candidate in decode_entities(&attribute.value()).split(',') {
                        if let Some(url) = candidate.split_whitespace().next() {
                            found.links.push((url.to_string(), tag.clone()));
                        }
                    }
                } else if name == "poster" {
                    // A poster loads as an image (`img-src`), whatever element carries it.
                    found
                        .links
                        .push((decode_entities(&attribute.value()), "img".to_string()));
                } else if URL_ATTRIBUTES.contains(&name.as_str()) {
                    found
                        .links
                        .push((decode_entities(&attribute.value()), tag.clone()));
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("[id], a[name]", |el| {
            let mut found = found.borrow_mut();
            for attr in ["id", "name"] {
                if let Some(value) = el.get_attribute(attr) {
                    found.ids.insert(decode_entities(&value));
                }
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let ok = rewriter.write(html).is_ok() && rewriter.end().is_ok();
    if ok {
        found.take()
    } else {
        PageLinks::default()
    }
}

pub(super) fn decode_entities(s: &str) -> String {
    super::entities::decode(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_links_and_ids() {
        let page = extract(b"<h2 id=\"a\">A</h2><a href=\"/x/?q=1&amp;r=2\">x</a><img src=\"i.png\"><a name=\"old\"></a>");
        assert_eq!(
            page.links,
            [
                ("/x/?q=1&r=2".to_string(), "a".to_string()),
                ("i.png".to_string(), "img".to_string())
            ]
        );
        assert!(page.ids.contains("a") && page.ids.contains("old"));
    }

    #[test]
    fn fast_scanner_agrees_with_the_parser_on_generated_html() {
        let html = b"<p><a href=\"/x/?q=1&amp;r=2\" class=\"c\">x</a></p><h2 id=\"a\">A</h2><img src=\"i.png\" alt=\"=\\\"\"><a name=\"old\"></a><meta name=\"viewport\"><script type=\"text/plain\" data-src=\"/js/s.js\"></script><video poster=\"https://v.example/p.png\"></video><form action=\"/f/\"></form><iframe data-consent-src=\"https://v.example/e\"></iframe>";
        assert_eq!(extract_generated(html), extract(html));
    }
}
