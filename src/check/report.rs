//! How `check` prints its findings: grouped by file as text, or as JSON for CI tools.
//!
//! The JSON schema (version 1) is documented in the README and kept stable:
//! `{"version":1,"summary":{"errors","warnings","pages_checked","external_links"},
//!   "files":[{"path","diagnostics":[{"severity","message","line","column","hint"}]}],
//!   "external_links":[{"url","linked_from":[…]}]}`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::CheckReport;
use crate::diagnostics::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: Summary,
    files: Vec<JsonFile<'a>>,
    external_links: Vec<JsonExternal<'a>>,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    pages_checked: usize,
    external_links: usize,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    message: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    hint: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonExternal<'a> {
    url: &'a str,
    linked_from: Vec<&'a str>,
}

/// Findings grouped by file path; findings without a file come under "(site)".
fn by_file(report: &CheckReport) -> BTreeMap<&str, Vec<&Diagnostic>> {
    let mut files: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in report.diagnostics.iter() {
        let path = d.location.as_ref().map_or("(site)", |l| l.path.as_str());
        files.entry(path).or_default().push(d);
    }
    for list in files.values_mut() {
        list.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.col)));
    }
    files
}

pub fn render_report(report: &CheckReport, format: Format) -> String {
    match format {
        Format::Text => text(report),
        Format::Json => json(report),
    }
}

fn text(report: &CheckReport) -> String {
    let mut out = String::new();
    for (path, diagnostics) in by_file(report) {
        out.push_str(&format!("{path}\n"));
        for d in diagnostics {
            for line in d.to_string().lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.push('\n');
    }
    if !report.external_links.is_empty() {
        out.push_str(&format!(
            "External links (listed, not fetched unless --external): {}\n",
            report.external_links.len()
        ));
        for (url, origins) in &report.external_links {
            let from: Vec<&str> = origins.iter().map(String::as_str).collect();
            out.push_str(&format!("  {url}  ({})\n", from.join(", ")));
        }
        out.push('\n');
    }
    let errors = report.diagnostics.error_count();
    let warnings = report.diagnostics.warning_count();
    out.push_str(&format!(
        "{} pages checked: {errors} error{}, {warnings} warning{}\n",
        report.pages_checked,
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    ));
    out
}

fn json(report: &CheckReport) -> String {
    let files = by_file(report)
        .into_iter()
        .map(|(path, diagnostics)| JsonFile {
            path,
            diagnostics: diagnostics
                .into_iter()
                .map(|d| JsonDiagnostic {
                    severity: match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    },
                    message: &d.message,
                    line: d
                        .location
                        .as_ref()
                        .filter(|l| l.has_position())
                        .map(|l| l.line),
                    column: d
                        .location
                        .as_ref()
                        .filter(|l| l.has_position())
                        .map(|l| l.col),
                    hint: d.hint.as_deref(),
                })
                .collect(),
        })
        .collect();
    let external_links = report
        .external_links
        .iter()
        .map(|(url, origins)| JsonExternal {
            url,
            linked_from: origins.iter().map(String::as_str).collect(),
        })
        .collect();
    let value = JsonReport {
        version: 1,
        summary: Summary {
            errors: report.diagnostics.error_count(),
            warnings: report.diagnostics.warning_count(),
            pages_checked: report.pages_checked,
            external_links: report.external_links.len(),
        },
        files,
        external_links,
    };
    serde_json::to_string_pretty(&value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        + "\n"
}
