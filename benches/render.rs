//! Micro-benchmarks of the per-page work: markdown to HTML, and a whole page through the
//! templates. Run with `cargo bench --bench render`; never part of `cargo test`.

use std::collections::BTreeMap;
use std::path::Path;

use chapterhouse::config::RawHtml;
use chapterhouse::diagnostics::Diagnostic;
use chapterhouse::markdown::{Links, render};
use chapterhouse::plan::{PlanOptions, plan};
use chapterhouse::render::{RenderState, Renderer};

fn main() {
    divan::main();
}

/// A ~600-word page like the benchmark corpus: headings, lists, a table, emphasis, links.
fn page() -> String {
    let paragraph = "Records are *kept* with care, **retained** only as long as needed, and then destroyed securely under an approved schedule. ".repeat(4);
    let mut body = String::new();
    for section in 0..4 {
        body.push_str(&format!(
            "## Section {section}\n\n{paragraph}\n\n{paragraph}\n\n"
        ));
        body.push_str("- one item of a list\n- another item\n- a third item\n\n");
        body.push_str("| Function | Retention |\n|---|---|\n| Register | 6 years |\n| Journal | 30 days |\n\n");
        body.push_str("Read [about us](@/about.md) and [the rules](@/about.md#history).\n\n");
    }
    body
}

#[divan::bench]
fn markdown_page(bencher: divan::Bencher) {
    let text = page();
    let hrefs = BTreeMap::from([("about.md".to_string(), "/about/".to_string())]);
    let links = Links {
        hrefs: &hrefs,
        drafts_left_out: &[],
    };
    bencher.bench(|| {
        render(
            divan::black_box(&text),
            &links,
            RawHtml::Sanitize,
            &|_, m| Diagnostic::error(m),
        )
    });
}

#[divan::bench]
fn template_page(bencher: divan::Bencher) {
    let sources = chapterhouse::source::read_tree(Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect("the example site");
    let (site, _) = chapterhouse::load::load(&sources);
    let site = site.expect("the example site loads");
    let options = PlanOptions {
        now: "2026-11-23T12:00:00Z".parse().expect("a timestamp"),
        ..PlanOptions::default()
    };
    let plan = plan(&site, &options).expect("the example site plans");
    let state = RenderState::new(&site, &plan).expect("templates parse");
    let renderer = Renderer::new(&site, &plan, &state);
    let route = plan
        .routes
        .iter()
        .find(|r| r.output == "about/index.html")
        .expect("the about page");
    bencher.bench(|| renderer.render_route(divan::black_box(route)));
}
