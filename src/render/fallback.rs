//! Marks the passages of a translated legal page that are published in the original's
//! language because their translation is missing (`missing_translation = "warn"`): each
//! text that comes from such a passage is wrapped in `<span lang="…">`, so screen readers
//! switch voice and the page meets WCAG 3.1.2 (language of parts).

use lol_html::html_content::ContentType;
use lol_html::{HtmlRewriter, Settings, text};

/// Wraps every text node of `html` that is one of the pieces a fallback text renders as
/// (the whole text, or a run of it between markup) in a span of `language`. Whitespace is
/// compared collapsed and entities decoded, since the template and the markdown renderer
/// escape and wrap texts their own ways; a name that merely occurs inside a fallback text
/// (the organisation's, an address) is not marked.
pub fn mark(html: Vec<u8>, fallbacks: &[String], language: &str) -> Vec<u8> {
    if fallbacks.is_empty() {
        return html;
    }
    let pieces: std::collections::BTreeSet<String> =
        fallbacks.iter().flat_map(|t| pieces(t)).collect();
    let mut buffer = String::new();
    let mut out = Vec::with_capacity(html.len() + 256);
    let settings = Settings::new().append_element_content_handler(text!("body *", |chunk| {
        buffer.push_str(chunk.as_str());
        if !chunk.last_in_text_node() {
            chunk.remove();
            return Ok(());
        }
        let raw = std::mem::take(&mut buffer);
        let node = collapse(&decode(&raw));
        if !node.is_empty() && pieces.contains(&node) {
            chunk.replace(
                &format!("<span lang=\"{language}\">{raw}</span>"),
                ContentType::Html,
            );
        } else {
            chunk.replace(&raw, ContentType::Html);
        }
        Ok(())
    }));
    let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
    if rewriter.write(&html).is_err() || rewriter.end().is_err() {
        return html; // only memory limits, which we do not set, make lol_html refuse
    }
    out
}

/// The runs of text a markdown text renders as, each one HTML text node: a plain text is
/// one piece, a paragraph with a link three (before, inside and after the link).
fn pieces(markdown: &str) -> Vec<String> {
    use pulldown_cmark::Event;
    let mut pieces = vec![collapse(markdown)];
    let mut current = String::new();
    for event in pulldown_cmark::Parser::new(markdown) {
        match event {
            Event::Text(t) => current.push_str(&t),
            Event::SoftBreak => current.push(' '),
            _ => pieces.push(collapse(&std::mem::take(&mut current))),
        }
    }
    pieces.push(collapse(&current));
    pieces.retain(|p| !p.is_empty());
    pieces
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the entities the template engine and the markdown renderer write.
fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_of_fallback_texts_get_their_language() {
        let html = b"<html><body><p>Gestion de votre adh\xc3\xa9sion</p><p>Admitting you &amp; keeping the register.</p><td>Email</td></body></html>".to_vec();
        let fallbacks = vec!["Admitting you & keeping the register.".to_string()];
        let out = String::from_utf8(mark(html, &fallbacks, "en")).unwrap();
        assert!(
            out.contains(
                "<p><span lang=\"en\">Admitting you &amp; keeping the register.</span></p>"
            ),
            "{out}"
        );
        assert!(out.contains("<p>Gestion de votre adhésion</p>"), "{out}");
        assert!(out.contains("<td>Email</td>"), "{out}");
    }

    #[test]
    fn a_paragraph_of_a_longer_text_is_marked() {
        let html = b"<body><p>First paragraph of the text.</p>\n<p>Second one, with a <a href=\"/x/\">link</a>.</p></body>".to_vec();
        let fallbacks =
            vec!["First paragraph of the text.\n\nSecond one, with a [link](@/x.md).".to_string()];
        let out = String::from_utf8(mark(html, &fallbacks, "en")).unwrap();
        assert!(
            out.contains("<p><span lang=\"en\">First paragraph of the text.</span></p>"),
            "{out}"
        );
        assert!(
            out.contains("<span lang=\"en\">Second one, with a </span>"),
            "{out}"
        );
    }
}
