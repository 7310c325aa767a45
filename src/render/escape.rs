//! Escaping text for HTML, the one escape function templates and generated HTML share.

/// Escapes text for HTML content and quoted attributes. Unlike Tera's default it leaves `/`
/// alone, so hrefs stay readable (`/sub/about/`, not `&#x2F;sub&#x2F;about&#x2F;`).
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    // Copy the runs between special characters whole; most values have none at all.
    let mut start = 0;
    for (at, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[start..at]);
        out.push_str(entity);
        start = at + 1;
    }
    out.push_str(&input[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escaping_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html("Café <b>\"R&D\"</b> it's"),
            "Café &lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; it&#39;s"
        );
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html(""), "");
    }
}
