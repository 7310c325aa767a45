//! `data/privacy.toml`: the privacy policy as data (GDPR Arts. 6, 13 and 14).
//!
//! Legal bases, rights and transfer safeguards are closed vocabularies, so a policy cannot
//! name a basis that does not exist; `last_updated` is required and can never be older than
//! the newest change.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::model::ids::DataId;
use crate::toml_data::{self, Date, Embedding};

pub const PRIVACY_PATH: &str = crate::source::paths::PRIVACY;

/// GDPR Art. 6(1) lawful bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

impl LegalBasis {
    /// The translation key of the basis' name (`basis_consent`).
    pub fn key(self) -> &'static str {
        match self {
            LegalBasis::Consent => "basis_consent",
            LegalBasis::Contract => "basis_contract",
            LegalBasis::LegalObligation => "basis_legal_obligation",
            LegalBasis::VitalInterests => "basis_vital_interests",
            LegalBasis::PublicTask => "basis_public_task",
            LegalBasis::LegitimateInterests => "basis_legitimate_interests",
        }
    }

    /// The article that defines it.
    pub fn article(self) -> &'static str {
        match self {
            LegalBasis::Consent => "Art. 6(1)(a)",
            LegalBasis::Contract => "Art. 6(1)(b)",
            LegalBasis::LegalObligation => "Art. 6(1)(c)",
            LegalBasis::VitalInterests => "Art. 6(1)(d)",
            LegalBasis::PublicTask => "Art. 6(1)(e)",
            LegalBasis::LegitimateInterests => "Art. 6(1)(f)",
        }
    }
}

/// Data-subject rights (GDPR Arts. 15–22 and 77), each rendered as a plain-language section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    Access,
    Rectification,
    Erasure,
    Restriction,
    Portability,
    Objection,
    WithdrawConsent,
    AutomatedDecisions,
}

impl Right {
    pub fn key(self) -> &'static str {
        match self {
            Right::Access => "access",
            Right::Rectification => "rectification",
            Right::Erasure => "erasure",
            Right::Restriction => "restriction",
            Right::Portability => "portability",
            Right::Objection => "objection",
            Right::WithdrawConsent => "withdraw_consent",
            Right::AutomatedDecisions => "automated_decisions",
        }
    }
}

/// Safeguards for transfers outside the EEA/UK (GDPR Arts. 45–49).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Safeguard {
    AdequacyDecision,
    StandardContractualClauses,
    BindingCorporateRules,
    ExplicitConsent,
    NecessaryForContract,
}

impl Safeguard {
    pub fn key(self) -> &'static str {
        match self {
            Safeguard::AdequacyDecision => "safeguard_adequacy_decision",
            Safeguard::StandardContractualClauses => "safeguard_standard_contractual_clauses",
            Safeguard::BindingCorporateRules => "safeguard_binding_corporate_rules",
            Safeguard::ExplicitConsent => "safeguard_explicit_consent",
            Safeguard::NecessaryForContract => "safeguard_necessary_for_contract",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientRole {
    Processor,
    Controller,
    PublicAuthority,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    /// How schedule rows and other entries refer to this purpose (`membership`).
    pub id: Spanned<DataId>,
    pub name: String,
    pub description: String,
    /// Categories of personal data used for this purpose.
    pub data: Vec<String>,
    pub legal_bases: Spanned<Vec<LegalBasis>>,
    /// Required when `legitimate_interests` is among the bases (GDPR Art. 13(1)(d)).
    pub legitimate_interests: Option<String>,
    /// How long data for this purpose is kept; the `[retention] default` otherwise.
    pub retention: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub name: String,
    pub role: RecipientRole,
    pub purpose: String,
    pub location: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub recipient: String,
    pub destination: String,
    pub safeguard: Safeguard,
    pub details: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    pub name: String,
    pub url: String,
    pub address: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    pub default: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub date: Date,
    pub summary: String,
    /// A material change is announced as a notice.
    #[serde(default)]
    pub material: bool,
}

/// Where an extra markdown section goes: after which generated section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    Introduction,
    Purposes,
    Recipients,
    Transfers,
    Retention,
    Rights,
    Complaints,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraSection {
    pub after: Anchor,
    /// A markdown file below `content/` (e.g. `legal/children.md`); it is not published
    /// as a page of its own.
    pub file: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    pub last_updated: Spanned<Date>,
    /// Markdown shown before the generated sections.
    #[serde(default)]
    pub introduction: String,
    pub purposes: Vec<Purpose>,
    pub retention: Retention,
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    #[serde(default)]
    pub transfers: Vec<Transfer>,
    pub rights: Vec<Right>,
    pub supervisory_authority: Authority,
    pub automated_decision_making: String,
    #[serde(default)]
    pub changes: Vec<Change>,
    #[serde(default)]
    pub sections: Vec<ExtraSection>,
}

impl Privacy {
    /// The purpose with this id.
    pub fn purpose(&self, id: &DataId) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id.get_ref() == id)
    }

    /// The material changes, newest first: each becomes a "Privacy policy updated" notice.
    pub fn material_changes(&self) -> Vec<&Change> {
        let mut changes: Vec<&Change> = self.changes.iter().filter(|c| c.material).collect();
        changes.sort_by_key(|c| std::cmp::Reverse(c.date));
        changes
    }

    pub fn last_updated(&self) -> jiff::civil::Date {
        self.last_updated.get_ref().0
    }
}

/// Parses and checks `data/privacy.toml`.
pub fn parse(text: &str) -> Result<Privacy, Vec<Diagnostic>> {
    let at = Embedding::whole(PRIVACY_PATH, text);
    let privacy: Privacy = toml_data::parse(text, at).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let newest = privacy.changes.iter().map(|c| c.date).max();
    match (privacy.last_updated.get_ref(), newest) {
        (last, Some(newest)) if *last < newest => problems.push(
            at.error_span(
                &privacy.last_updated.span(),
                format!(
                    "`last_updated` ({}) is older than the newest change ({})",
                    last.0, newest.0
                ),
            )
            .hint("set `last_updated` to the date of the newest `[[changes]]` entry or later"),
        ),
        _ => {}
    }
    for purpose in &privacy.purposes {
        let bases = purpose.legal_bases.get_ref();
        if bases.is_empty() {
            problems.push(
                at.error_span(&purpose.legal_bases.span(), format!("purpose `{}` has no legal basis", purpose.name))
                    .hint("name at least one of consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests"),
            );
        }
        let relies_on_interests = bases.contains(&LegalBasis::LegitimateInterests);
        let states_interests = purpose
            .legitimate_interests
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        if relies_on_interests && !states_interests {
            problems.push(
                at.error_span(
                    &purpose.legal_bases.span(),
                    format!(
                        "purpose `{}` relies on legitimate interests but does not say which",
                        purpose.name
                    ),
                )
                .hint(
                    "add `legitimate_interests = \"…\"` naming the interest (GDPR Art. 13(1)(d))",
                ),
            );
        }
        if !relies_on_interests && states_interests {
            problems.push(
                at.error_span(
                    &purpose.legal_bases.span(),
                    format!("purpose `{}` names legitimate interests but does not list that basis", purpose.name),
                )
                .hint("add \"legitimate_interests\" to `legal_bases`, or remove `legitimate_interests`"),
            );
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for purpose in &privacy.purposes {
        if !seen.insert(purpose.id.get_ref()) {
            problems.push(
                at.error_span(
                    &purpose.id.span(),
                    format!("two purposes have the id `{}`", purpose.id.get_ref()),
                )
                .hint("each `[[purposes]]` entry needs its own `id`"),
            );
        }
    }
    if privacy.purposes.is_empty() {
        problems.push(
            at.error_at(0, "the privacy policy lists no purposes")
                .hint("add a `[[purposes]]` table for each use of personal data"),
        );
    }
    if problems.is_empty() {
        Ok(privacy)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const MINIMAL: &str = r#"last_updated = 2026-10-01
rights = ["access", "erasure"]
automated_decision_making = "We make no automated decisions."

[retention]
default = "Six years after membership ends."

[supervisory_authority]
name = "Information Commissioner's Office"
url = "https://ico.org.uk/make-a-complaint/"

[[purposes]]
id = "membership"
name = "Membership"
description = "Running your membership."
data = ["name", "email address"]
legal_bases = ["contract"]

[[changes]]
date = 2026-10-01
summary = "New processor."
material = true
"#;

    #[test]
    fn minimal_policy_parses() {
        let privacy = parse(MINIMAL).unwrap();
        assert_eq!(privacy.material_changes().len(), 1);
        assert_eq!(privacy.last_updated().to_string(), "2026-10-01");
    }

    #[test]
    fn unknown_legal_basis_names_the_allowed_ones() {
        let errors =
            parse(&MINIMAL.replace("[\"contract\"]", "[\"legitimate_interest\"]")).unwrap_err();
        let text = errors[0].to_string();
        assert!(
            text.starts_with(
                "data/privacy.toml:17:16: error: unknown variant `legitimate_interest`"
            ),
            "{text}"
        );
        assert!(text.contains("legitimate_interests"), "{text}");
    }

    #[test]
    fn last_updated_must_cover_the_newest_change() {
        let errors =
            parse(&MINIMAL.replace("last_updated = 2026-10-01", "last_updated = 2026-09-01"))
                .unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("older than the newest change (2026-10-01)"),
            "{}",
            errors[0]
        );
        let errors = parse(&MINIMAL.replace("last_updated = 2026-10-01\n", "")).unwrap_err();
        assert!(errors[0].message.contains("last_updated"), "{}", errors[0]);
    }

    #[test]
    fn legitimate_interests_must_be_named() {
        let errors =
            parse(&MINIMAL.replace("[\"contract\"]", "[\"contract\", \"legitimate_interests\"]"))
                .unwrap_err();
        assert!(
            errors[0].message.contains("does not say which"),
            "{}",
            errors[0]
        );
    }
}
