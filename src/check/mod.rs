//! `chapterhouse check`: renders the site in memory, writes nothing, and lints what a
//! maintainer must know before publishing: links, chapter data, and (with the legal pages)
//! compliance. Findings are grouped by file, as text for people or JSON for CI tools.

pub mod links;
mod lints;
mod report;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load;
use crate::output::OutputSink;
use crate::plan::{self, PlanOptions};
use crate::render::Renderer;
use crate::source::SourceTree;

pub use report::{Format, render_report};

/// What `check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub plan: PlanOptions,
    /// Fetch external links (off by default: checks must not depend on the network).
    pub external: bool,
    /// Timeout for each external request.
    pub timeout_seconds: u64,
}

/// Everything `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub diagnostics: Diagnostics,
    /// External URL → source files linking to it.
    pub external_links: BTreeMap<String, BTreeSet<String>>,
    pub pages_checked: usize,
}

impl CheckReport {
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.diagnostics.has_errors() || (deny_warnings && self.diagnostics.warning_count() > 0)
    }
}

/// A sink that keeps nothing: `check` never writes.
struct Discard;

impl OutputSink for Discard {
    fn put(&self, _path: &str, _bytes: &[u8]) -> std::io::Result<()> {
        Ok(())
    }
}

/// Loads, plans and renders in memory, then runs every lint.
pub fn run(sources: &SourceTree, options: &CheckOptions) -> CheckReport {
    let mut report = CheckReport::default();
    let (site, diagnostics) = load::load(sources);
    report.diagnostics.extend(diagnostics);
    let Some(site) = site else { return report };
    report.diagnostics.extend(lints::chapters(&site));
    report
        .diagnostics
        .extend(lints::privacy(&site, options.plan.now));
    report.diagnostics.extend(lints::schedules(&site));
    let plan = match plan::plan(&site, &options.plan) {
        Ok(plan) => plan,
        Err(problems) => {
            report.diagnostics.extend(problems);
            return report;
        }
    };
    let renderer = match Renderer::new(&site, &plan) {
        Ok(mut renderer) => {
            renderer.thorough_links = true;
            renderer
        }
        Err(problems) => {
            report.diagnostics.extend(problems);
            return report;
        }
    };
    match renderer.render_all(&Discard) {
        Ok(outcome) => {
            report.pages_checked = outcome.pages.len();
            let links = renderer.verify_links(&outcome);
            report.diagnostics.extend(lints::third_parties(
                &site,
                &outcome.pages,
                &plan.layout.absolute(""),
            ));
            report
                .diagnostics
                .extend(locate_in_sources(links.problems, sources));
            if options.external {
                report.diagnostics.extend(lints::fetch_external(
                    &links.external,
                    options.timeout_seconds.max(1),
                ));
            }
            report.external_links = links.external;
        }
        Err(problems) => report.diagnostics.extend(problems),
    }
    report
}

/// Gives a link problem the line of the source file where the link is written. A link not
/// written in the page's source comes from the theme: it is reported once, with a count.
fn locate_in_sources(problems: Vec<Diagnostic>, sources: &SourceTree) -> Vec<Diagnostic> {
    let mut located = Vec::new();
    let mut from_theme: BTreeMap<String, (Diagnostic, Vec<String>)> = BTreeMap::new();
    for d in problems {
        let path = d
            .location
            .as_ref()
            .map(|l| l.path.clone())
            .unwrap_or_default();
        let href = d.message.split('`').nth(1).unwrap_or("").to_string();
        let file = sources.get(&path);
        let offset = file.and_then(|f| {
            f.text
                .find(&format!("({href})"))
                .map(|o| o + 1)
                .or_else(|| f.text.find(&href))
        });
        match (file, offset) {
            (Some(file), Some(offset)) if !href.is_empty() => {
                located.push(d.at(&path, &file.text, offset))
            }
            _ => {
                let page = d
                    .message
                    .split(" on ")
                    .nth(1)
                    .and_then(|r| r.split(':').next())
                    .unwrap_or("")
                    .to_string();
                let key = d.message.replace(&format!(" on {page}"), "");
                from_theme
                    .entry(key)
                    .or_insert_with(|| (d, Vec::new()))
                    .1
                    .push(page);
            }
        }
    }
    for (message, (first, pages)) in from_theme {
        let shown: Vec<&str> = pages.iter().take(3).map(String::as_str).collect();
        let more = if pages.len() > 3 {
            format!(" and {} more", pages.len() - 3)
        } else {
            String::new()
        };
        let mut d = Diagnostic::error(format!(
            "{message} (from the theme, on {}{more})",
            shown.join(", ")
        ))
        .in_file("themes");
        d.hint = first.hint;
        located.push(d);
    }
    located
}
