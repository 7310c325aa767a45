//! `data/schedules/<id>.toml`: data-processing schedules (the record of processing).
//!
//! Each row answers the reference document's eight questions, plus the two the record of
//! processing asks of the policy (GDPR Art. 30): which purpose of the privacy policy it
//! serves (`serves`, whose legal basis the row shows) and who receives the data
//! (`recipients`, `[]` for no one). Both keys are required in every row, so nothing is
//! implied by omission; `legal::record` checks their values against the policy. Purpose,
//! data subjects and retention may never be empty nor a placeholder ("N/A", "TBD"); a
//! retention text cut off mid-sentence is a warning.

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::model::ids::DataId;
use crate::model::text::is_placeholder;
use crate::toml_data::{self, Embedding};

pub const SCHEDULES_DIR: &str = crate::source::paths::SCHEDULES_DIR;

/// The file, in `SCHEDULES_DIR`, that states there are no schedules: `none = "…reason…"`.
pub const NONE_FILE: &str = "none.toml";

/// `none = "…"`: the organisation states why it keeps no published record of processing
/// (for example the Art. 30(5) exemption); no data-processing page is published then.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoSchedules {
    #[allow(dead_code)]
    none: crate::model::text::Prose,
}

/// Checks `data/schedules/none.toml`: a stated reason and nothing else.
pub fn parse_none(path: &str, text: &str) -> Result<(), Vec<Diagnostic>> {
    toml_data::parse::<NoSchedules>(text, Embedding::whole(path, text)).map(|_| ())
}

/// One processing activity, as loaded: every field present, names not yet checked against
/// the privacy policy (the record checks in `legal::record` do that).
#[derive(Debug, Clone)]
pub struct Row {
    pub function: String,
    /// The activity, in the schedule's own words.
    pub purpose: Spanned<String>,
    /// The id of the privacy policy's purpose this activity serves; its legal basis is the
    /// policy's, never restated here.
    pub serves: Spanned<DataId>,
    pub processing: String,
    pub personal_data: String,
    /// Why the data is gathered or processed.
    pub reason: String,
    pub data_subjects: Spanned<String>,
    /// Who receives the data (GDPR Art. 30(1)(d)): names of the policy's `[[recipients]]`
    /// or of a chapter's processors; empty when no one does.
    pub recipients: Vec<Spanned<String>>,
    pub measures: String,
    pub retention: Spanned<String>,
}

/// A row as written: `serves` and `recipients` are required, but reported here with a
/// hint of our own (and every row's, not serde's first only).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RowFields {
    function: String,
    purpose: Spanned<String>,
    serves: Option<Spanned<DataId>>,
    processing: String,
    personal_data: String,
    reason: String,
    data_subjects: Spanned<String>,
    recipients: Option<Vec<Spanned<String>>>,
    measures: String,
    retention: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleFields {
    title: String,
    service: String,
    definition: String,
    #[serde(default)]
    weight: i64,
    rows: Vec<Spanned<RowFields>>,
}

#[derive(Debug, Clone)]
pub struct ScheduleData {
    pub title: String,
    /// The product or service provided to members.
    pub service: String,
    /// What the product or service is.
    pub definition: String,
    /// Orders schedules on the page (lower first, then title).
    pub weight: i64,
    pub rows: Vec<Row>,
}

/// A loaded schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The file stem, used as the schedule column of the CSV and JSON.
    pub id: String,
    pub source_path: String,
    /// The file's text, for locating problems found after loading.
    pub file_text: String,
    pub data: ScheduleData,
}

impl Schedule {
    /// Consecutive rows of one function, as the reference document groups them.
    pub fn groups(&self) -> Vec<(&str, Vec<&Row>)> {
        let mut groups: Vec<(&str, Vec<&Row>)> = Vec::new();
        for row in &self.data.rows {
            match groups.last_mut() {
                Some((function, rows)) if *function == row.function => rows.push(row),
                _ => groups.push((&row.function, vec![row])),
            }
        }
        groups
    }

    /// Locates a problem at a byte offset of this schedule's file.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Embedding::whole(&self.source_path, &self.file_text).error_at(offset, message)
    }
}

/// Words that cannot end a sentence about a retention period.
const DANGLING: [&str; 14] = [
    "than", "until", "for", "within", "after", "before", "of", "to", "the", "a", "and", "or",
    "no later", "up",
];

/// Whether a retention text looks cut off mid-sentence ("deactivated no later than").
pub fn looks_truncated(text: &str) -> bool {
    let trimmed = text.trim();
    if trimmed.ends_with([',', ':', ';', '-', '–', '(']) {
        return true;
    }
    let lower = trimmed.to_lowercase();
    DANGLING
        .iter()
        .any(|w| lower == *w || lower.ends_with(&format!(" {w}")))
}

/// Parses one schedule; errors for empty required cells and missing keys (every row's),
/// warnings for truncated retention.
pub fn parse(
    id: &str,
    path: &str,
    text: &str,
) -> Result<(Schedule, Vec<Diagnostic>), Vec<Diagnostic>> {
    let at = Embedding::whole(path, text);
    let fields: ScheduleFields = toml_data::parse(text, at)?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if fields.rows.is_empty() {
        errors.push(
            at.error_at(0, format!("schedule `{}` has no rows", fields.title))
                .hint("add a `[[rows]]` table per processing activity"),
        );
    }
    let rows: Vec<Row> = fields
        .rows
        .into_iter()
        .filter_map(|row| check_row(row, at, &mut errors, &mut warnings))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let data = ScheduleData {
        title: fields.title,
        service: fields.service,
        definition: fields.definition,
        weight: fields.weight,
        rows,
    };
    let schedule = Schedule {
        id: id.to_string(),
        source_path: path.to_string(),
        file_text: text.to_string(),
        data,
    };
    Ok((schedule, warnings))
}

/// The cells the record states as facts: never empty, never a placeholder ("N/A", "TBD").
fn check_cells(row: &RowFields, at: Embedding<'_>, errors: &mut Vec<Diagnostic>) {
    for (name, cell) in [
        ("purpose", &row.purpose),
        ("data_subjects", &row.data_subjects),
        ("retention", &row.retention),
    ] {
        let (text, what) = (cell.get_ref().trim(), name.replace('_', " "));
        if text.is_empty() {
            errors.push(
                at.error_span(
                    &cell.span(),
                    format!("`{name}` is empty in a `{}` row", row.function),
                )
                .hint(format!("every processing row states its {what}")),
            );
        } else if is_placeholder(text) {
            errors.push(
                at.error_span(
                    &cell.span(),
                    format!(
                        "`{name}` is a placeholder (\"{text}\") in a `{}` row",
                        row.function
                    ),
                )
                .hint(format!("write the {what} the record should state")),
            );
        }
    }
}

/// One row's own checks; the row when it has every key.
fn check_row(
    row: Spanned<RowFields>,
    at: Embedding<'_>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Row> {
    let start = row.span().start;
    let row = row.into_inner();
    check_cells(&row, at, errors);
    if row.serves.is_none() {
        errors.push(
            at.error_at(start, format!("a `{}` row does not say which purpose of the privacy policy it serves", row.function))
                .hint("add `serves = \"<id>\"` naming the `id` of a `[[purposes]]` entry of data/privacy.toml; the row shows that purpose's legal basis"),
        );
    }
    if row.recipients.is_none() {
        errors.push(
            at.error_at(start, format!("a `{}` row does not say who receives its data", row.function))
                .hint("add `recipients = [\"…\"]` naming recipients of data/privacy.toml or a chapter's processors, or `recipients = []` when no one outside the organisation does"),
        );
    }
    let retention = row.retention.get_ref();
    if !retention.trim().is_empty() && looks_truncated(retention) {
        warnings.push(
            at.warning_at(
                row.retention.span().start,
                format!(
                    "the retention of a `{}` row ends mid-sentence: \"{}\"",
                    row.function,
                    retention.trim()
                ),
            )
            .hint("finish the sentence, e.g. \"no later than 3 months after membership ends\""),
        );
    }
    Some(Row {
        function: row.function,
        purpose: row.purpose,
        serves: row.serves?,
        processing: row.processing,
        personal_data: row.personal_data,
        reason: row.reason,
        data_subjects: row.data_subjects,
        recipients: row.recipients?,
        measures: row.measures,
        retention: row.retention,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEDULE: &str = r#"title = "Membership"
service = "Individual membership"
definition = "Membership of the institute."

[[rows]]
function = "Register"
purpose = "Keeping the register"
processing = "Entered in the CRM"
personal_data = "Name, email"
reason = "To administer membership"
data_subjects = "Members"
measures = "MFA"
retention = "Six years after membership ends"
serves = "membership"
recipients = []

[[rows]]
function = "Register"
purpose = "Renewals"
processing = "Reminder emails"
personal_data = "Email"
reason = "To renew"
data_subjects = "Members"
measures = "MFA"
retention = "Accounts are deactivated no later than"
serves = "membership"
recipients = ["Ledgerly Ltd"]
"#;

    #[test]
    fn truncated_retention_is_a_warning_and_rows_group() {
        let (schedule, warnings) =
            parse("membership", "data/schedules/membership.toml", SCHEDULE).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].message.contains("ends mid-sentence"),
            "{}",
            warnings[0]
        );
        assert_eq!(warnings[0].location.as_ref().unwrap().line, 25);
        assert_eq!(schedule.groups().len(), 1);
        assert_eq!(schedule.groups()[0].1.len(), 2);
    }

    #[test]
    fn empty_data_subjects_is_an_error_at_its_line() {
        let errors = parse(
            "m",
            "data/schedules/m.toml",
            &SCHEDULE.replacen("data_subjects = \"Members\"", "data_subjects = \" \"", 1),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .to_string()
                .starts_with("data/schedules/m.toml:11:17: error: `data_subjects` is empty"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn truncation_heuristic() {
        assert!(looks_truncated(
            "Deactivated no sooner than 3 months after, and no later than"
        ));
        assert!(looks_truncated("Held until,"));
        assert!(!looks_truncated("Six years after the end of membership."));
        assert!(!looks_truncated("As per retention policy"));
    }
}
