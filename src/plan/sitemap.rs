//! How the sitemap splits (sitemaps.org protocol): at most [`PROTOCOL`] URLs and bytes per
//! file, else `sitemap.xml` is an index of `sitemap-1.xml`, `sitemap-2.xml`, …. The text of
//! one `<url>` entry is made here, so the size the plan measures is the size render writes.

use std::ops::Range;

use crate::model::Site;

use super::{Layout, Route, RouteKind};

/// The most one sitemap file may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub urls: usize,
    /// Uncompressed bytes of the whole file.
    pub bytes: usize,
}

/// The protocol's limits: 50,000 URLs and 50 MB (52,428,800 bytes) uncompressed.
pub const PROTOCOL: Limits = Limits {
    urls: 50_000,
    bytes: 50 * 1024 * 1024,
};

pub const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
pub const URLSET_CLOSE: &str = "</urlset>\n";

/// The file name of part `n` (from 1) of a split sitemap.
pub fn part_path(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// The `<url>` entry of one HTML page, with its `date` as `lastmod`.
pub fn entry(site: &Site, layout: &Layout, route: &Route) -> String {
    let mut xml = String::from("  <url>\n    <loc>");
    xml.push_str(&escape_xml(&layout.absolute(&route.url)));
    xml.push_str("</loc>\n");
    if let RouteKind::Page(i) = route.kind
        && let Some(date) = site.pages[i].front.date
    {
        xml.push_str(&format!("    <lastmod>{}</lastmod>\n", date.0));
    }
    xml.push_str("  </url>\n");
    xml
}

/// Consecutive ranges of entries (given by their sizes), each a file within `limits`; one
/// range (perhaps empty) when everything fits. An entry too big for any file gets its own.
pub fn split(sizes: impl IntoIterator<Item = usize>, limits: Limits) -> Vec<Range<usize>> {
    let frame = URLSET_OPEN.len() + URLSET_CLOSE.len();
    let mut parts = Vec::new();
    parts.push(0..0);
    let mut bytes = frame;
    for (i, size) in sizes.into_iter().enumerate() {
        let last = parts.last_mut().expect("parts starts with one range");
        if last.end > last.start && (last.len() >= limits.urls || bytes + size > limits.bytes) {
            parts.push(i..i);
            bytes = frame;
        }
        let last = parts.last_mut().expect("parts is not empty");
        last.end = i + 1;
        bytes += size;
    }
    parts
}

pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // `vec![0..3]`: one part of three entries
mod tests {
    use super::*;

    const SMALL: Limits = Limits {
        urls: 3,
        bytes: 1000,
    };

    #[test]
    fn everything_within_the_limits_is_one_file() {
        assert_eq!(split([10, 10, 10], SMALL), vec![0..3]);
        assert_eq!(split([], SMALL), vec![0..0]);
    }

    #[test]
    fn the_url_limit_starts_a_new_part() {
        assert_eq!(split([10; 7], SMALL), vec![0..3, 3..6, 6..7]);
    }

    #[test]
    fn the_byte_limit_counts_the_whole_file() {
        let frame = URLSET_OPEN.len() + URLSET_CLOSE.len();
        let limits = Limits {
            urls: 100,
            bytes: frame + 250,
        };
        // 100 + 100 fit with the frame, a third 100 would pass the limit by 50 bytes.
        assert_eq!(split([100, 100, 100, 50], limits), vec![0..2, 2..4]);
        // Exactly at the limit still fits.
        assert_eq!(split([125, 125, 1], limits), vec![0..2, 2..3]);
    }

    #[test]
    fn an_entry_larger_than_a_file_gets_its_own_part() {
        assert_eq!(split([10, 5000, 10], SMALL), vec![0..1, 1..2, 2..3]);
    }
}
