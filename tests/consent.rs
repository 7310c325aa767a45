//! Consent that holds up when a regulator crawls the site: the content security policy
//! built from the inventory (header and meta tag), third-party resources emitted inert until
//! consent, undeclared hosts failing the build, embeds, and what consent.js is given.

mod common;

use common::*;

fn build(files: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    let sources = sources_with_legal(files.iter().copied());
    build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{}", d.sorted()))
}

#[test]
fn the_meta_policy_can_be_switched_off() {
    let page = ("content/a.md", "+++\ntitle = \"A\"\n+++\nText\n");
    let on = build(&[("data/site.toml", SITE_TOML), page]);
    assert!(
        on["a/index.html"].contains("<meta http-equiv=\"Content-Security-Policy\""),
        "{}",
        on["a/index.html"]
    );
    let site = format!("{SITE_TOML}[build]\ncsp_meta = false\n");
    let off = build(&[("data/site.toml", &site), page]);
    assert!(!off["a/index.html"].contains("http-equiv=\"Content-Security-Policy\""));
    assert!(off["_headers"].contains("Content-Security-Policy: default-src 'self';"));
}
