//! The record of processing: the data-processing page's context, `schedules.csv` and
//! `schedules.json`, all built from the schedules as loaded and checked against the policy.

use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::plan::Plan;

#[derive(Serialize)]
struct GroupView<'a> {
    function: &'a str,
    rows: Vec<crate::legal::schedules::FlatRow<'a>>,
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

pub(super) fn data_processing(site: &Site, plan: &Plan, context: &mut Context) {
    let schedules: Vec<ScheduleView<'_>> = site
        .legal
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
                .map(|(function, rows)| GroupView { function, rows })
                .collect(),
        })
        .collect();
    context.insert("schedules", &schedules);
    context.insert("csv_href", &plan.href("data-processing/schedules.csv"));
    context.insert("json_href", &plan.href("data-processing/schedules.json"));
}

/// `schedules.csv` (RFC 4180): one row per processing row, with a schedule column.
pub fn schedules_csv(site: &Site) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| {
        vec![Diagnostic::error(format!(
            "cannot write schedules.csv: {e}"
        ))]
    };
    for schedule in &site.legal.schedules {
        for row in schedule.flat_rows() {
            writer.serialize(row).map_err(fail)?;
        }
    }
    writer.into_inner().map_err(|e| {
        vec![Diagnostic::error(format!(
            "cannot write schedules.csv: {e}"
        ))]
    })
}

/// `schedules.json`: every schedule with its rows.
pub fn schedules_json(site: &Site) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let value: Vec<serde_json::Value> = site
        .legal
        .schedules
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": s.id,
                "title": s.data.title,
                "service": s.data.service,
                "definition": s.data.definition,
                "rows": s.flat_rows().collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_vec_pretty(&serde_json::json!({ "schedules": value }))
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
