//! Helpers shared by the integration tests: fixture sites and in-memory builds.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chapterhouse::build::build_in_memory;
use chapterhouse::diagnostics::Diagnostics;
use chapterhouse::plan::PlanOptions;
use chapterhouse::source::{SourceTree, read_tree};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixed_now() -> jiff::Timestamp {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

/// Edits a file in place, replacing `from` with `to`; panics if `from` is not there, so a
/// test never goes on with an edit that did nothing.
pub fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "`{from}` is not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// Copies a fixture site into `to` (a temporary folder a test may then edit).
pub fn copy_fixture(name: &str, to: &Path) {
    let from = fixture(name);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn options() -> PlanOptions {
    PlanOptions {
        now: fixed_now(),
        ..PlanOptions::default()
    }
}

/// Builds a fixture in memory; panics with the diagnostics if it fails.
pub fn build_fixture(name: &str, options: &PlanOptions) -> BTreeMap<String, String> {
    let sources = read_tree(&fixture(name)).unwrap_or_else(|d| panic!("{d}"));
    build_sources(&sources, options).unwrap_or_else(|d| panic!("{d}"))
}

pub fn build_sources(
    sources: &SourceTree,
    options: &PlanOptions,
) -> Result<BTreeMap<String, String>, Diagnostics> {
    let (files, _warnings) = build_in_memory(sources, options)?;
    Ok(files
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect())
}

/// In-memory sources: the given files plus the starter legal data every site needs.
pub fn sources_with_legal<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> SourceTree {
    let files: Vec<(&str, &str)> = files.into_iter().collect();
    let mut all: Vec<(&str, &str)> = chapterhouse::scaffold::STARTER_LEGAL
        .into_iter()
        .filter(|(path, _)| !files.iter().any(|(p, _)| p == path))
        .collect();
    all.extend(files);
    SourceTree::from_memory(all)
}

/// The errors of building in-memory sources (with starter legal data), as printed.
pub fn build_errors(files: &[(&str, &str)]) -> String {
    let sources = sources_with_legal(files.iter().copied());
    match build_sources(&sources, &options()) {
        Ok(_) => panic!("the build was expected to fail"),
        Err(diagnostics) => {
            // The starter legal data is the backdrop here, not what is being tested.
            let mut kept = chapterhouse::diagnostics::Diagnostics::new();
            kept.extend(
                diagnostics
                    .into_iter()
                    .filter(|d| !chapterhouse::starter::is_leftover(d)),
            );
            kept.sorted().to_string()
        }
    }
}

pub const SITE_TOML: &str = "title = \"T\"\nbase_url = \"https://t.example/\"\n[controller]\nname = \"T\"\naddress = \"A\"\nemail = \"p@t.example\"\n";

/// Every `href="…"` and `src="…"` value in an HTML text.
pub fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            found.push(rest[..end].to_string());
        }
    }
    found
}

/// The text of an HTML fragment with tags removed and whitespace collapsed.
pub fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Polls until `condition` holds, for at most 15 seconds; panics naming `what` otherwise.
pub fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(15) {
        if condition() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("timed out waiting for: {what}");
}

/// Keeps draining a server's stdout (so it never blocks on a full pipe) and returns once it
/// reports its first build: pages are written in parallel, so one page being served does not
/// mean the whole site is.
pub fn drain_until_first_build(
    lines: impl Iterator<Item = std::io::Result<String>> + Send + 'static,
) {
    let (built, first_build) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.starts_with("Rebuilt in") {
                let _ = built.send(());
            }
        }
    });
    first_build
        .recv_timeout(std::time::Duration::from_secs(15))
        .expect("the first build");
}
