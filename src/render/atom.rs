//! Atom feeds (RFC 4287) of notices, with ids that stay stable when the site moves path.

use crate::model::page::is_forbidden_char;
use crate::render::sitemap::escape_xml;

/// Escapes text for XML, first dropping characters XML 1.0 cannot carry (control
/// characters). Loading refuses them in sources; this keeps the feed well-formed whatever
/// reaches it (text made by templates or data loaded some other way).
fn xml_text(s: &str) -> String {
    if s.chars().any(is_forbidden_char) {
        escape_xml(&s.replace(is_forbidden_char, ""))
    } else {
        escape_xml(s)
    }
}

/// One entry, already rendered.
pub struct Entry {
    pub id: String,
    pub title: String,
    pub url: String,
    pub date: jiff::civil::Date,
    pub summary: String,
    pub content_html: String,
    pub category: &'static str,
    pub author: Option<String>,
}

pub struct Feed<'a> {
    pub id: String,
    pub title: String,
    pub language: &'a str,
    pub self_url: String,
    pub html_url: String,
    pub author: &'a str,
    /// Used as `updated` when there are no entries.
    pub fallback_updated: jiff::Timestamp,
}

fn timestamp(date: jiff::civil::Date) -> String {
    format!("{date}T00:00:00Z")
}

/// A `tag:` URI (RFC 4151) for a path on the organisation's host.
pub fn tag_uri(host: &str, path: &str) -> String {
    format!("tag:{host},2024:{path}")
}

pub fn render(feed: &Feed<'_>, entries: &[Entry]) -> String {
    let updated = entries
        .iter()
        .map(|e| e.date)
        .max()
        .map(timestamp)
        .unwrap_or_else(|| {
            feed.fallback_updated
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        });
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_text(feed.language)
    ));
    xml.push_str(&format!("  <title>{}</title>\n", xml_text(&feed.title)));
    xml.push_str(&format!("  <id>{}</id>\n", xml_text(&feed.id)));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_text(&feed.self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_text(&feed.html_url)
    ));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_text(feed.author)
    ));
    xml.push_str("  <generator uri=\"https://github.com/chapterhouse\">chapterhouse</generator>\n");
    for entry in entries {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", xml_text(&entry.title)));
        xml.push_str(&format!("    <id>{}</id>\n", xml_text(&entry.id)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_text(&entry.url)
        ));
        xml.push_str(&format!(
            "    <published>{}</published>\n",
            timestamp(entry.date)
        ));
        xml.push_str(&format!(
            "    <updated>{}</updated>\n",
            timestamp(entry.date)
        ));
        if let Some(author) = &entry.author {
            xml.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_text(author)
            ));
        }
        xml.push_str(&format!("    <category term=\"{}\"/>\n", entry.category));
        if !entry.summary.is_empty() {
            xml.push_str(&format!(
                "    <summary>{}</summary>\n",
                xml_text(&entry.summary)
            ));
        }
        xml.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_text(&entry.content_html)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_feed() {
        assert_eq!(
            xml_text("a\u{1}b\u{1b}[31m<\u{FFFF}\u{7f}\u{85}"),
            "ab[31m&lt;"
        );
        assert_eq!(xml_text("tab\tline\n"), "tab\tline\n");
    }
}
