//! Sitemaps past the protocol's limit of 50,000 URLs: `sitemap.xml` becomes a sitemap index
//! of `sitemap-1.xml`, `sitemap-2.xml`, …, each within the limits, and robots.txt names it.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chapterhouse::source::SourceTree;
use common::*;

const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const LIMIT: usize = 50_000;

/// Sources of a site with `count` tiny pages at `p/{n}/`, plus `extra` files.
fn sources_of(count: usize, extra: &[(&str, &str)]) -> SourceTree {
    let pages: Vec<(String, String)> = (0..count)
        .map(|n| {
            let date = if n % 2 == 0 {
                "date = 2026-01-02\n"
            } else {
                ""
            };
            (
                format!("content/p/{n}.md"),
                format!("+++\ntitle = \"P{n}\"\n{date}+++\n"),
            )
        })
        .collect();
    let mut files: Vec<(&str, &str)> = vec![("data/site.toml", SITE_TOML)];
    files.extend(pages.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    files.extend(extra.iter().copied());
    sources_with_legal(files)
}

/// The `<loc>`s below the root element named `root` of a sitemap file, parsed strictly.
fn locs(xml: &str, root: &str, child: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}: {xml:.300}"));
    let top = doc.root_element();
    assert_eq!(top.tag_name().name(), root);
    assert_eq!(top.tag_name().namespace(), Some(NS));
    top.children()
        .filter(|n| n.is_element())
        .map(|n| {
            assert_eq!(n.tag_name().name(), child);
            let loc = n.children().find(|c| c.has_tag_name((NS, "loc"))).unwrap();
            loc.text().unwrap().to_string()
        })
        .collect()
}

#[test]
fn past_50000_urls_the_sitemap_is_an_index_of_parts_within_the_limits() {
    let site: BTreeMap<String, String> =
        build_sources(&sources_of(LIMIT + 1, &[]), &options()).unwrap_or_else(|d| panic!("{d}"));
    let parts = locs(&site["sitemap.xml"], "sitemapindex", "sitemap");
    assert_eq!(
        parts,
        [
            "https://t.example/sitemap-1.xml",
            "https://t.example/sitemap-2.xml"
        ]
    );
    assert!(!site.contains_key("sitemap-3.xml"));
    let mut seen = BTreeMap::<String, usize>::new();
    for n in 1..=2 {
        let xml = &site[&format!("sitemap-{n}.xml")];
        assert!(xml.len() <= 50 * 1024 * 1024);
        let urls = locs(xml, "urlset", "url");
        assert!(
            !urls.is_empty() && urls.len() <= LIMIT,
            "part {n}: {}",
            urls.len()
        );
        for url in urls {
            *seen.entry(url).or_default() += 1;
        }
    }
    // Every HTML page of the build, exactly once across the parts.
    let pages: BTreeSet<String> = site
        .keys()
        .filter_map(|path| path.strip_suffix("index.html"))
        .filter(|url| !url.starts_with("chapters/") || url.len() > "chapters/".len())
        .map(|url| format!("https://t.example/{url}"))
        .collect();
    assert!(
        pages.contains("https://t.example/p/50000/"),
        "{}",
        pages.len()
    );
    let once: BTreeSet<String> = seen
        .iter()
        .filter(|&(_, &c)| c == 1)
        .map(|(u, _)| u.clone())
        .collect();
    assert_eq!(seen.len(), once.len(), "a URL is in more than one part");
    let missing: Vec<_> = pages.difference(&once).take(5).collect();
    assert!(missing.is_empty(), "not in any part: {missing:?}");
    assert!(
        site["sitemap-1.xml"]
            .contains("<loc>https://t.example/p/0/</loc>\n    <lastmod>2026-01-02</lastmod>"),
        "dates are still the lastmod"
    );
    assert!(
        site["robots.txt"].contains("\nSitemap: https://t.example/sitemap.xml\n"),
        "{}",
        site["robots.txt"]
    );
}

#[test]
fn within_the_limits_the_sitemap_is_one_urlset() {
    // Planning alone shows which outputs there will be; rendering 50,000 pages is the other test.
    let (site, diagnostics) = chapterhouse::load::load(&sources_of(10, &[]));
    let site = site.unwrap_or_else(|| panic!("{diagnostics}"));
    let plan = chapterhouse::plan::plan(&site, &options()).unwrap_or_else(|d| panic!("{d}"));
    let outputs: Vec<&str> = plan.routes.iter().map(|r| r.output.as_str()).collect();
    assert!(outputs.contains(&"sitemap.xml"));
    assert!(
        !outputs.iter().any(|o| o.starts_with("sitemap-")),
        "{outputs:?}"
    );
}

#[test]
fn a_static_file_named_like_a_sitemap_part_is_a_collision_once_the_sitemap_splits() {
    let sources = sources_of(LIMIT + 1, &[("static/sitemap-2.xml", "<x/>")]);
    let (site, diagnostics) = chapterhouse::load::load(&sources);
    let site = site.unwrap_or_else(|| panic!("{diagnostics}"));
    let errors = chapterhouse::plan::plan(&site, &options())
        .unwrap_err()
        .sorted()
        .to_string();
    assert!(
        errors
            .contains("static/sitemap-2.xml: error: two sources map to the output `sitemap-2.xml`"),
        "{errors}"
    );
    // Below the limit the same file is just copied.
    let sources = sources_of(3, &[("static/sitemap-2.xml", "<x/>")]);
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(site["sitemap-2.xml"], "<x/>");
}
