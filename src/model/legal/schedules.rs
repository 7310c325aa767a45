//! `data/schedules/<id>.toml`: data-processing schedules (the record of processing).
//!
//! Each row answers the reference document's eight questions. Purpose, data subjects and
//! retention may never be empty; a retention text cut off mid-sentence is a warning.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::toml_data::{self, Embedding};

pub const SCHEDULES_DIR: &str = crate::source::paths::SCHEDULES_DIR;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub function: String,
    pub purpose: Spanned<String>,
    pub processing: String,
    pub personal_data: String,
    /// Why the data is gathered or processed.
    pub reason: String,
    pub data_subjects: Spanned<String>,
    pub measures: String,
    pub retention: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleData {
    pub title: String,
    /// The product or service provided to members.
    pub service: String,
    /// What the product or service is.
    pub definition: String,
    /// Orders schedules on the page (lower first, then title).
    #[serde(default)]
    pub weight: i64,
    pub rows: Vec<Row>,
}

/// A loaded schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The file stem, used as the schedule column of the CSV and JSON.
    pub id: String,
    pub source_path: String,
    pub data: ScheduleData,
}

/// A flat row for tables, CSV and JSON.
#[derive(Debug, Clone, Serialize)]
pub struct FlatRow<'a> {
    pub schedule: &'a str,
    pub function: &'a str,
    pub purpose: &'a str,
    pub processing: &'a str,
    pub personal_data: &'a str,
    pub reason: &'a str,
    pub data_subjects: &'a str,
    pub measures: &'a str,
    pub retention: &'a str,
}

impl Schedule {
    pub fn flat_rows(&self) -> impl Iterator<Item = FlatRow<'_>> {
        self.data.rows.iter().map(|r| self.flat_row(r))
    }

    fn flat_row<'s>(&'s self, r: &'s Row) -> FlatRow<'s> {
        FlatRow {
            schedule: &self.id,
            function: &r.function,
            purpose: r.purpose.get_ref(),
            processing: &r.processing,
            personal_data: &r.personal_data,
            reason: &r.reason,
            data_subjects: r.data_subjects.get_ref(),
            measures: &r.measures,
            retention: r.retention.get_ref(),
        }
    }

    /// Consecutive rows of one function, as the reference document groups them.
    pub fn groups(&self) -> Vec<(&str, Vec<FlatRow<'_>>)> {
        let mut groups: Vec<(&str, Vec<FlatRow<'_>>)> = Vec::new();
        for row in &self.data.rows {
            match groups.last_mut() {
                Some((function, rows)) if *function == row.function => {
                    rows.push(self.flat_row(row))
                }
                _ => groups.push((&row.function, vec![self.flat_row(row)])),
            }
        }
        groups
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

/// Parses one schedule; errors for empty required cells, warnings for truncated retention.
pub fn parse(
    id: &str,
    path: &str,
    text: &str,
) -> Result<(Schedule, Vec<Diagnostic>), Vec<Diagnostic>> {
    let at = Embedding::whole(path, text);
    let data: ScheduleData = toml_data::parse(text, at)?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if data.rows.is_empty() {
        errors.push(
            at.error_at(0, format!("schedule `{}` has no rows", data.title))
                .hint("add a `[[rows]]` table per processing activity"),
        );
    }
    for row in &data.rows {
        for (name, cell) in [
            ("purpose", &row.purpose),
            ("data_subjects", &row.data_subjects),
            ("retention", &row.retention),
        ] {
            if cell.get_ref().trim().is_empty() {
                errors.push(
                    at.error_span(
                        &cell.span(),
                        format!("`{name}` is empty in a `{}` row", row.function),
                    )
                    .hint(format!(
                        "every processing row states its {}",
                        name.replace('_', " ")
                    )),
                );
            }
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
    }
    if errors.is_empty() {
        Ok((
            Schedule {
                id: id.to_string(),
                source_path: path.to_string(),
                data,
            },
            warnings,
        ))
    } else {
        Err(errors)
    }
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

[[rows]]
function = "Register"
purpose = "Renewals"
processing = "Reminder emails"
personal_data = "Email"
reason = "To renew"
data_subjects = "Members"
measures = "MFA"
retention = "Accounts are deactivated no later than"
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
        assert_eq!(warnings[0].location.as_ref().unwrap().line, 23);
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
