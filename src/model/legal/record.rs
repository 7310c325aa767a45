//! The record of processing against the privacy policy (GDPR Art. 30): every schedule row
//! serves a purpose the policy states, and every recipient it names is one the policy lists
//! or a chapter's own processor, so the record and the policy cannot disagree.
//!
//! [`check`] runs once the policy and the schedules are parsed and reports every problem of
//! every row; [`activity`] gives render one row with what the policy says about it (the
//! purpose and its bases, the recipients, the transfers to them), looked up in one place.

use std::collections::BTreeMap;

use super::privacy::{PRIVACY_PATH, Privacy, Purpose, Recipient, Transfer};
use super::schedules::{Row, Schedule};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::model::chapter::{Chapter, LocalProcessor};
use crate::model::ids::ChapterSlug;
use crate::model::text::Places;

/// Who receives a row's data.
#[derive(Debug, Clone, Copy)]
pub enum RowRecipient<'a> {
    /// A `[[recipients]]` entry of the privacy policy.
    Policy(&'a Recipient),
    /// A processor of a chapter's `[legal] processors`.
    Chapter {
        chapter: &'a Chapter,
        processor: &'a LocalProcessor,
    },
}

impl RowRecipient<'_> {
    pub fn name(&self) -> &str {
        match self {
            RowRecipient::Policy(r) => &r.name,
            RowRecipient::Chapter { processor, .. } => &processor.name,
        }
    }

    /// The country or countries where the recipient holds the data.
    pub fn location(&self) -> &Places {
        match self {
            RowRecipient::Policy(r) => r.location.get_ref(),
            RowRecipient::Chapter { processor, .. } => processor.location.get_ref(),
        }
    }
}

/// One processing activity with what the policy says about it.
#[derive(Debug, Clone)]
pub struct Activity<'a> {
    pub row: &'a Row,
    /// The purpose the row serves (always found once [`check`] passed).
    pub purpose: Option<&'a Purpose>,
    pub recipients: Vec<RowRecipient<'a>>,
    /// The policy's transfers to this row's recipients.
    pub transfers: Vec<&'a Transfer>,
}

/// A row with its purpose, recipients and transfers resolved.
pub fn activity<'a>(
    privacy: &'a Privacy,
    chapters: &'a BTreeMap<ChapterSlug, Chapter>,
    row: &'a Row,
) -> Activity<'a> {
    let recipients: Vec<RowRecipient<'a>> = row
        .recipients
        .iter()
        .filter_map(|name| recipient(privacy, chapters, name.get_ref()))
        .collect();
    let transfers = privacy
        .transfers()
        .iter()
        .filter(|t| recipients.iter().any(|r| r.name() == t.recipient.get_ref()))
        .collect();
    Activity {
        row,
        purpose: privacy.purpose(row.serves.get_ref()),
        recipients,
        transfers,
    }
}

fn recipient<'a>(
    privacy: &'a Privacy,
    chapters: &'a BTreeMap<ChapterSlug, Chapter>,
    name: &str,
) -> Option<RowRecipient<'a>> {
    if let Some(r) = privacy
        .recipients()
        .iter()
        .find(|r| r.name.as_str() == name)
    {
        return Some(RowRecipient::Policy(r));
    }
    chapters.values().find_map(|chapter| {
        let processor = chapter
            .data
            .legal
            .processors
            .iter()
            .find(|p| p.name.as_str() == name)?;
        Some(RowRecipient::Chapter { chapter, processor })
    })
}

/// Every row of every schedule against the policy; all problems together.
pub fn check(
    privacy: &Privacy,
    schedules: &[Schedule],
    chapters: &BTreeMap<ChapterSlug, Chapter>,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for schedule in schedules {
        for row in &schedule.data.rows {
            if privacy.purpose(row.serves.get_ref()).is_none() {
                problems.push(unknown_purpose(privacy, schedule, row));
            }
            for (i, name) in row.recipients.iter().enumerate() {
                let offset = name.span().start;
                if row.recipients[..i]
                    .iter()
                    .any(|n| n.get_ref() == name.get_ref())
                {
                    problems.push(
                        schedule
                            .error_at(
                                offset,
                                format!(
                                    "`{}` is named twice in the recipients of a `{}` row",
                                    name.get_ref(),
                                    row.function
                                ),
                            )
                            .hint("name each recipient once"),
                    );
                } else if recipient(privacy, chapters, name.get_ref()).is_none() {
                    problems.push(unknown_recipient(privacy, chapters, schedule, name));
                }
            }
        }
    }
    problems
}

fn unknown_purpose(privacy: &Privacy, schedule: &Schedule, row: &Row) -> Diagnostic {
    let id = row.serves.get_ref().as_str();
    let ids: Vec<&str> = privacy
        .purposes
        .iter()
        .map(|p| p.id.get_ref().as_str())
        .collect();
    let fix = format!(
        "use the `id` of a `[[purposes]]` entry of {PRIVACY_PATH}, or add the purpose to the policy first"
    );
    schedule
        .error_at(
            row.serves.span().start,
            format!(
                "`serves = \"{id}\"` names no purpose of {PRIVACY_PATH}; its purposes are {}",
                quoted(&ids)
            ),
        )
        .hint(match did_you_mean(id, ids.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? {fix}"),
            None => fix,
        })
}

fn unknown_recipient(
    privacy: &Privacy,
    chapters: &BTreeMap<ChapterSlug, Chapter>,
    schedule: &Schedule,
    name: &toml::Spanned<String>,
) -> Diagnostic {
    let policy: Vec<&str> = privacy
        .recipients()
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    let local: Vec<&str> = chapters
        .values()
        .flat_map(|c| c.data.legal.processors.iter().map(|p| p.name.as_str()))
        .collect();
    let (offset, name) = (name.span().start, name.get_ref().as_str());
    let fix = format!(
        "every processor a schedule names is a recipient of the privacy policy: add a `[[recipients]]` entry named \"{}\" to {PRIVACY_PATH}, or correct the name",
        name
    );
    schedule
        .error_at(
            offset,
            format!(
                "recipient `{}` is not in {PRIVACY_PATH} (its recipients are {}) nor a chapter's processor ({})",
                name,
                quoted(&policy),
                quoted(&local)
            ),
        )
        .hint(
            match did_you_mean(name, policy.iter().chain(&local).copied()) {
                Some(best) => format!("did you mean `{best}`? {fix}"),
                None => fix,
            },
        )
}

/// `` `a`, `b` `` or "none".
fn quoted(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVACY: &str = r#"last_updated = 2026-10-01
jurisdiction = "uk"
rights = ["access", "rectification", "erasure", "restriction", "portability", "objection"]
automated_decision_making = "We make no automated decisions."
representatives = "none"

[retention]
default = "Six years after membership ends."

[supervisory_authority]
name = "Information Commissioner's Office"
url = "https://ico.org.uk/make-a-complaint/"

[[purposes]]
id = "membership"
name = "Membership"
description = "Running your membership."
data_subjects = ["members"]
data = ["name"]
legal_bases = ["contract"]
requirement = "contractual"
if_not_provided = "We cannot admit you."

[[recipients]]
name = "Postmark Mail Services"
role = "processor"
purpose = "sending emails"
location = "United States"

[[transfers]]
recipient = "Postmark Mail Services"
destination = "United States"
safeguard = "standard_contractual_clauses"
copy = "Ask us for a copy."
"#;

    fn schedule(recipients: &str) -> Schedule {
        let text = format!(
            "title = \"M\"\nservice = \"M\"\ndefinition = \"M\"\n\n[[rows]]\nfunction = \"Register\"\npurpose = \"Register\"\nprocessing = \"CRM\"\npersonal_data = \"Name\"\nreason = \"To admit\"\ndata_subjects = \"Members\"\nmeasures = \"MFA\"\nretention = \"Six years\"\nserves = \"membership\"\nrecipients = {recipients}\n"
        );
        schedules::parse("m", "data/schedules/m.toml", &text)
            .unwrap()
            .0
    }

    use super::super::schedules;

    #[test]
    fn a_recipient_named_twice_and_an_unknown_one_are_each_an_error() {
        let privacy = super::super::privacy::parse(PRIVACY).unwrap_or_else(|d| panic!("{d:?}"));
        let schedules = [schedule(
            r#"["Postmark Mail Services", "Postmark Mail Services", "Mailchimp"]"#,
        )];
        let problems: Vec<String> = check(&privacy, &schedules, &BTreeMap::new())
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("data/schedules/m.toml:15:41: error: `Postmark Mail Services` is named twice in the recipients of a `Register` row"), "{}", problems[0]);
        assert!(problems[1].starts_with("data/schedules/m.toml:15:67: error: recipient `Mailchimp` is not in data/privacy.toml (its recipients are `Postmark Mail Services`) nor a chapter's processor (none)"), "{}", problems[1]);
    }

    #[test]
    fn an_activity_carries_the_transfers_to_its_recipients_only() {
        let privacy = super::super::privacy::parse(PRIVACY).unwrap_or_else(|d| panic!("{d:?}"));
        let chapters = BTreeMap::new();
        let with = schedule(r#"["Postmark Mail Services"]"#);
        let activity = activity(&privacy, &chapters, &with.data.rows[0]);
        assert_eq!(
            activity.purpose.map(|p| p.name.as_str()),
            Some("Membership")
        );
        assert_eq!(activity.transfers.len(), 1);
        assert_eq!(activity.transfers[0].destination.get_ref(), "United States");
        let without = schedule("[]");
        let activity = super::activity(&privacy, &chapters, &without.data.rows[0]);
        assert!(activity.recipients.is_empty() && activity.transfers.is_empty());
    }
}
