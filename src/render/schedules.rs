//! The record of processing (GDPR Art. 30): the data-processing page's context,
//! `schedules.csv` and `schedules.json`. Each activity shows the purpose of the privacy
//! policy it serves with that purpose's legal bases, its recipients and the transfers to
//! them, all resolved by `legal::record` from the policy rather than restated.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Value, json};
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::legal::record::{self, Activity, RowRecipient};
use crate::model::Site;
use crate::plan::{Layout, LegalPage, Plan};

use super::legal::{MarkdownFn, Strings, label};
use super::privacy::Inline;

/// One activity as the page, and each line of the CSV, shows it.
#[derive(Serialize)]
struct RowView<'a> {
    purpose: &'a str,
    /// The name of the policy's purpose it serves, and its id (the privacy page's
    /// `#purpose-<id>`).
    serves: String,
    serves_id: &'a str,
    /// That purpose's legal bases, as the theme names them, with their articles.
    legal_basis: String,
    processing: &'a str,
    personal_data: &'a str,
    reason: &'a str,
    data_subjects: &'a str,
    /// "Name (location)" per recipient; empty when no one receives the data.
    recipients: Vec<String>,
    /// "Recipient → destination: safeguard" per transfer.
    transfers: Vec<String>,
    measures: &'a str,
    retention: &'a str,
}

fn row_view<'a>(activity: &Activity<'a>, t: &Strings) -> RowView<'a> {
    let row = activity.row;
    let (serves, legal_basis) = match activity.purpose {
        Some(purpose) => (
            purpose.name.to_string(),
            purpose
                .legal_bases
                .get_ref()
                .iter()
                .map(|b| format!("{} ({})", label(t, b.key()), b.article()))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        None => (row.serves.get_ref().to_string(), String::new()),
    };
    RowView {
        purpose: row.purpose.get_ref(),
        serves,
        serves_id: row.serves.get_ref().as_str(),
        legal_basis,
        processing: &row.processing,
        personal_data: &row.personal_data,
        reason: &row.reason,
        data_subjects: row.data_subjects.get_ref(),
        recipients: activity
            .recipients
            .iter()
            .map(|r| format!("{} ({})", r.name(), r.location().joined()))
            .collect(),
        transfers: activity
            .transfers
            .iter()
            .map(|tr| {
                format!(
                    "{} → {}: {}",
                    tr.recipient.get_ref(),
                    tr.destination.get_ref(),
                    label(t, tr.safeguard.get_ref().key())
                )
            })
            .collect(),
        measures: &row.measures,
        retention: row.retention.get_ref(),
    }
}

#[derive(Serialize)]
struct GroupView<'a> {
    function: &'a str,
    rows: Vec<RowView<'a>>,
}

/// One data-processing schedule: its rows grouped by function.
#[derive(Serialize)]
struct ScheduleView<'a> {
    id: &'a str,
    title: &'a str,
    service: &'a str,
    definition: &'a str,
    groups: Vec<GroupView<'a>>,
}

/// Fills the data-processing page's context: the controller and the DPO (as the privacy
/// page names them), then every schedule.
pub(super) fn data_processing(
    legal: &crate::legal::Legal,
    site: &Site,
    plan: &Plan,
    t: &Strings,
    context: &mut Context,
    markdown: MarkdownFn<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let mut inline = Inline::new(markdown, crate::source::paths::SITE_CONFIG);
    super::privacy::contacts(site, t, context, &mut inline);
    if !inline.problems.is_empty() {
        return Err(inline.problems);
    }
    let privacy = &legal.privacy;
    let schedules: Vec<ScheduleView<'_>> = legal
        .schedules
        .iter()
        .map(|s| ScheduleView {
            id: &s.id,
            title: &s.data.title,
            service: &s.data.service,
            definition: &s.data.definition,
            groups: s
                .groups()
                .into_iter()
                .map(|(function, rows)| GroupView {
                    function,
                    rows: rows
                        .into_iter()
                        .map(|row| row_view(&record::activity(privacy, &site.chapters, row), t))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    context.insert("schedules", &schedules);
    context.insert(
        "privacy_href",
        &plan.href(&Layout::legal(LegalPage::Privacy)),
    );
    context.insert("csv_href", &plan.href("data-processing/schedules.csv"));
    context.insert("json_href", &plan.href("data-processing/schedules.json"));
    Ok(())
}

/// The CSV's columns, in order.
pub const CSV_COLUMNS: [&str; 13] = [
    "schedule",
    "function",
    "purpose",
    "serves",
    "legal_basis",
    "processing",
    "personal_data",
    "reason",
    "data_subjects",
    "recipients",
    "transfers",
    "measures",
    "retention",
];

/// A cell a spreadsheet would run as a formula gets a leading `'` (OWASP's advice on CSV
/// injection): `=`, `+`, `-`, `@`, a tab or a carriage return first.
fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `schedules.csv` (RFC 4180, UTF-8 with a byte-order mark so spreadsheets read it as
/// UTF-8): one line per activity, with a schedule column; lists joined with "; ", an
/// empty one stated as the theme's "None".
pub fn schedules_csv(
    legal: &crate::legal::Legal,
    site: &Site,
    t: &Strings,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let fail = |e: &dyn std::fmt::Display| {
        vec![Diagnostic::error(format!(
            "cannot write schedules.csv: {e}"
        ))]
    };
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    writer.write_record(CSV_COLUMNS).map_err(|e| fail(&e))?;
    let privacy = &legal.privacy;
    for schedule in &legal.schedules {
        for row in &schedule.data.rows {
            let v = row_view(&record::activity(privacy, &site.chapters, row), t);
            let list = |items: &[String]| {
                if items.is_empty() {
                    label(t, "processing_none")
                } else {
                    items.join("; ")
                }
            };
            let (recipients, transfers) = (list(&v.recipients), list(&v.transfers));
            let cells = [
                schedule.id.as_str(),
                row.function.as_str(),
                v.purpose,
                &v.serves,
                &v.legal_basis,
                v.processing,
                v.personal_data,
                v.reason,
                v.data_subjects,
                &recipients,
                &transfers,
                v.measures,
                v.retention,
            ];
            writer
                .write_record(cells.map(neutralise).iter().map(|c| c.as_bytes()))
                .map_err(|e| fail(&e))?;
        }
    }
    writer.into_inner().map_err(|e| fail(&e))
}

/// The version of `schedules.json`'s shape (described in the README); raised when a field
/// changes meaning or goes away.
pub const JSON_VERSION: u32 = 1;

fn activity_json(a: &Activity<'_>) -> Value {
    let row = a.row;
    let recipients: Vec<Value> = a
        .recipients
        .iter()
        .map(|r| match r {
            RowRecipient::Policy(r) => json!({
                "name": r.name, "role": r.role, "location": r.location.get_ref(), "chapter": null,
            }),
            RowRecipient::Chapter { chapter, processor } => json!({
                "name": processor.name, "role": "processor", "location": processor.location.get_ref(),
                "chapter": chapter.slug,
            }),
        })
        .collect();
    let transfers: Vec<Value> = a
        .transfers
        .iter()
        .map(|t| {
            json!({
                "recipient": t.recipient.get_ref(), "destination": t.destination.get_ref(),
                "safeguard": t.safeguard.get_ref(), "details": t.details, "copy": t.copy,
            })
        })
        .collect();
    let serves = a.purpose.map(|p| {
        let bases: Vec<Value> = p
            .legal_bases
            .get_ref()
            .iter()
            .map(|b| json!({ "basis": b, "article": b.article() }))
            .collect();
        json!({ "id": p.id.get_ref(), "name": p.name, "legal_bases": bases })
    });
    json!({
        "function": row.function,
        "purpose": row.purpose.get_ref(),
        "serves": serves,
        "processing": row.processing,
        "personal_data": row.personal_data,
        "reason": row.reason,
        "data_subjects": row.data_subjects.get_ref(),
        "recipients": recipients,
        "transfers": transfers,
        "measures": row.measures,
        "retention": row.retention.get_ref(),
    })
}

/// `schedules.json`: the controller, the DPO and every schedule with its activities.
pub fn schedules_json(
    legal: &crate::legal::Legal,
    site: &Site,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let privacy = &legal.privacy;
    let schedules: Vec<Value> = legal
        .schedules
        .iter()
        .map(|s| {
            let rows: Vec<Value> = s
                .data
                .rows
                .iter()
                .map(|row| activity_json(&record::activity(privacy, &site.chapters, row)))
                .collect();
            json!({
                "id": s.id,
                "title": s.data.title,
                "service": s.data.service,
                "definition": s.data.definition,
                "rows": rows,
            })
        })
        .collect();
    let value = json!({
        "version": JSON_VERSION,
        "controller": site.config.controller,
        "dpo": site.config.dpo,
        "schedules": schedules,
    });
    serde_json::to_vec_pretty(&value)
        .map(|mut v| {
            v.push(b'\n');
            v
        })
        .map_err(|e| {
            vec![Diagnostic::error(format!(
                "cannot write schedules.json: {e}"
            ))]
        })
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_cells_get_a_leading_apostrophe_and_others_are_kept() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["Name, email", "1-2 years", "'quoted", ""] {
            assert_eq!(neutralise(cell), cell);
        }
    }
}
