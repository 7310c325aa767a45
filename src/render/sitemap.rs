//! `sitemap.xml` (sitemaps.org protocol) and `robots.txt`.

use crate::model::Site;
use crate::plan::{Plan, RouteKind};

pub fn sitemap(site: &Site, plan: &Plan) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for route in plan.routes.iter().filter(|r| r.is_html_page()) {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape_xml(&plan.layout.absolute(&route.url)));
        xml.push_str("</loc>\n");
        if let RouteKind::Page(i) = route.kind
            && let Some(date) = site.pages[i].front.date
        {
            xml.push_str(&format!("    <lastmod>{}</lastmod>\n", date.0));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(plan: &Plan) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        plan.layout.absolute("sitemap.xml")
    )
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
