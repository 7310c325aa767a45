//! `sitemap.xml` (sitemaps.org protocol), its parts and index past the protocol's limits
//! (how it splits is planned in [`crate::plan::sitemap`]), and `robots.txt`.

use std::ops::Range;

use crate::model::Site;
use crate::plan::Plan;
use crate::plan::sitemap::{URLSET_CLOSE, URLSET_OPEN, entry, part_path};

pub use crate::plan::sitemap::escape_xml;

/// A `<urlset>` of the HTML pages in `urls` (in route order).
pub fn sitemap(site: &Site, plan: &Plan, urls: &Range<usize>) -> String {
    let mut xml = String::from(URLSET_OPEN);
    let pages = plan.routes.iter().filter(|r| r.is_html_page());
    for route in pages.skip(urls.start).take(urls.len()) {
        xml.push_str(&entry(site, &plan.layout, route));
    }
    xml.push_str(URLSET_CLOSE);
    xml
}

/// A `<sitemapindex>` of `sitemap-1.xml` … `sitemap-{parts}.xml`.
pub fn index(plan: &Plan, parts: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=parts {
        xml.push_str("  <sitemap>\n    <loc>");
        xml.push_str(&escape_xml(&plan.layout.absolute(&part_path(n))));
        xml.push_str("</loc>\n  </sitemap>\n");
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

pub fn robots(plan: &Plan) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        plan.layout.absolute("sitemap.xml")
    )
}
