//! `chapterhouse check`: renders the site in memory, writes nothing, and lints what a
//! maintainer must know before publishing: links, chapter data, and (with the legal pages)
//! compliance. Findings are grouped by file, as text for people or JSON for CI tools.

mod lints;
mod report;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::Diagnostics;
use crate::load;
use crate::output::OutputSink;
use crate::pipeline::{Pipeline, Routes};
use crate::plan::PlanOptions;
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

/// Loads, plans and renders in memory through the pipeline, then runs every lint.
pub fn run(sources: &SourceTree, options: &CheckOptions) -> CheckReport {
    let mut report = CheckReport::default();
    let (site, diagnostics) = load::load(sources);
    // A build only warns about example texts left from `init`; check refuses them.
    report
        .diagnostics
        .extend(diagnostics.into_iter().map(|mut d| {
            if crate::starter::is_leftover(&d) {
                d.severity = crate::diagnostics::Severity::Error;
            }
            d
        }));
    let Some(site) = site else { return report };
    report.diagnostics.extend(lints::chapters(&site));
    report.diagnostics.extend(lints::shared_site_urls(&site));
    report
        .diagnostics
        .extend(lints::privacy(&site, options.plan.now));
    report.diagnostics.extend(lints::schedules(&site));
    report.diagnostics.extend(lints::translations(&site));
    let mut pipeline = match Pipeline::new(site, &options.plan, true) {
        Ok(pipeline) => pipeline,
        Err(problems) => {
            report.diagnostics.extend(problems);
            return report;
        }
    };
    if let Err(problems) = pipeline.render(Routes::All, &Discard) {
        report.diagnostics.extend(problems);
        return report;
    }
    report.pages_checked = pipeline.pages().len();
    let links = pipeline.verify_links();
    report.diagnostics.extend(lints::third_parties(
        &pipeline.site,
        pipeline.pages(),
        &pipeline.plan.layout.absolute(""),
        pipeline.plan.layout.is_standalone(),
    ));
    report
        .diagnostics
        .extend(pipeline.diagnose(links.problems, sources));
    if options.external {
        report.diagnostics.extend(lints::fetch_external(
            &links.external,
            options.timeout_seconds.max(1),
        ));
    }
    report.external_links = links.external;
    report
}
