//! `data/privacy.toml`: the privacy policy as data (GDPR Arts. 6, 9, 13, 14, 27 and 30).
//!
//! Every statement the page makes rests on a field: recipients and transfers are a list or
//! an explicit `"none"`, bases, rights and safeguards are closed vocabularies
//! ([`vocab`]), required texts refuse placeholders ([`Prose`]), and the rules that tie
//! bases to rights, transfers to destinations and special categories to an Art. 9
//! condition are checked in [`rules`].

pub mod jurisdiction;
pub mod rules;
pub mod vocab;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::model::ids::{ChapterSlug, DataId};
use crate::model::text::{Places, Prose, Stated};
use crate::toml_data::{self, Date, Embedding};

pub use jurisdiction::Jurisdiction;
pub use vocab::{
    Article9Condition, LegalBasis, RecipientRole, Requirement, Right, Safeguard, SpecialCategory,
};

pub const PRIVACY_PATH: &str = crate::source::paths::PRIVACY;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    /// How schedule rows and other entries refer to this purpose (`membership`).
    pub id: Spanned<DataId>,
    pub name: Prose,
    pub description: Prose,
    /// Whose data: members, event delegates, visitors (GDPR Art. 30(1)(c)).
    pub data_subjects: Spanned<Vec<Prose>>,
    /// Categories of personal data used for this purpose.
    pub data: Vec<Prose>,
    pub legal_bases: Spanned<Vec<LegalBasis>>,
    /// Required when `legitimate_interests` is among the bases (GDPR Art. 13(1)(d)).
    pub legitimate_interests: Option<Spanned<Prose>>,
    /// Sending marketing (newsletters, offers): the right to object is then absolute.
    #[serde(default)]
    pub direct_marketing: bool,
    /// Special categories among the data (Art. 9(1)); they need an `article9_condition`.
    #[serde(default)]
    pub special_categories: Vec<SpecialCategory>,
    pub article9_condition: Option<Spanned<Article9Condition>>,
    /// Whether the person must give the data (Art. 13(2)(e)).
    pub requirement: Spanned<Requirement>,
    /// What happens if the person does not give it; required unless voluntary.
    pub if_not_provided: Option<Prose>,
    /// How long data for this purpose is kept; the `[retention] default` otherwise.
    pub retention: Option<Prose>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub name: Prose,
    pub role: RecipientRole,
    pub purpose: Prose,
    /// The country or countries where the recipient holds the data.
    pub location: Spanned<Places>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The recipient's `name` (or a chapter processor's), or a description of the
    /// chapters listed in `chapters`.
    pub recipient: Spanned<String>,
    /// Chapters (by slug) that receive data under this transfer.
    #[serde(default)]
    pub chapters: Vec<ChapterSlug>,
    pub destination: Spanned<String>,
    pub safeguard: Spanned<Safeguard>,
    pub details: Option<Prose>,
    /// How to get a copy of the safeguard (Art. 13(1)(f)); required for contractual ones.
    pub copy: Option<Prose>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    pub name: Prose,
    pub url: String,
    pub address: Option<Prose>,
    pub phone: Option<Prose>,
}

/// A representative in the EU or the UK (GDPR Art. 27), or `"none"` with the reason.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Representative {
    /// Where the representative acts: "the European Union", "the United Kingdom".
    pub area: Prose,
    pub name: Prose,
    pub address: Prose,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionException {
    /// When the normal period does not apply: "an unresolved dispute", "a legal hold".
    pub case: Prose,
    /// What happens instead.
    pub rule: Prose,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    pub default: Prose,
    #[serde(default)]
    pub exceptions: Vec<RetentionException>,
}

/// A right the policy does not offer, and the exemption that allows that.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RightExemption {
    pub right: Spanned<Right>,
    pub reason: Prose,
}

/// Details the policy adds to the standard text of a right.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RightDetails {
    pub access: Option<Prose>,
    pub rectification: Option<Prose>,
    pub erasure: Option<Prose>,
    pub restriction: Option<Prose>,
    /// The formats data is given in.
    pub portability: Option<Prose>,
    pub objection: Option<Prose>,
    pub withdraw_consent: Option<Prose>,
    /// Any fee for manifestly unfounded or repeated requests (Art. 12(5)).
    pub fee: Option<Prose>,
}

impl RightDetails {
    pub fn of(&self, right: Right) -> Option<&Prose> {
        match right {
            Right::Access => self.access.as_ref(),
            Right::Rectification => self.rectification.as_ref(),
            Right::Erasure => self.erasure.as_ref(),
            Right::Restriction => self.restriction.as_ref(),
            Right::Portability => self.portability.as_ref(),
            Right::Objection => self.objection.as_ref(),
            Right::WithdrawConsent => self.withdraw_consent.as_ref(),
            Right::AutomatedDecisions => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub date: Date,
    pub summary: Prose,
    /// A material change is announced as a notice.
    #[serde(default)]
    pub material: bool,
    /// When the new text applies, if later than `date` (advance notice to members).
    pub effective: Option<Spanned<Date>>,
}

impl Change {
    /// The day the changed text applies.
    pub fn effective_date(&self) -> jiff::civil::Date {
        self.effective
            .as_ref()
            .map_or(self.date.0, |e| e.get_ref().0)
    }
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
    /// Whose rules apply to transfers: `uk` or `eu`.
    pub jurisdiction: Jurisdiction,
    /// Markdown shown before the generated sections.
    #[serde(default)]
    pub introduction: String,
    pub purposes: Vec<Purpose>,
    pub retention: Retention,
    pub recipients: Spanned<Stated<Recipient>>,
    pub transfers: Spanned<Stated<Transfer>>,
    /// Representatives in the EU or the UK (Art. 27), or `"none"`.
    pub representatives: Stated<Representative>,
    pub rights: Spanned<Vec<Right>>,
    #[serde(default)]
    pub right_exemptions: Vec<RightExemption>,
    #[serde(default)]
    pub right_details: RightDetails,
    pub supervisory_authority: Authority,
    pub automated_decision_making: Prose,
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

    pub fn recipients(&self) -> &[Recipient] {
        self.recipients.get_ref().entries()
    }

    pub fn transfers(&self) -> &[Transfer] {
        self.transfers.get_ref().entries()
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

/// Parses and checks `data/privacy.toml`; every rule's problems are reported together.
pub fn parse(text: &str) -> Result<Privacy, Vec<Diagnostic>> {
    let at = Embedding::whole(PRIVACY_PATH, text);
    let privacy: Privacy = toml_data::parse(text, at)
        .map_err(|d| d.into_iter().map(stated_hint).collect::<Vec<_>>())?;
    let problems = rules::check(&privacy, at);
    if problems.is_empty() {
        Ok(privacy)
    } else {
        Err(problems)
    }
}

/// Parses a translation merged with the original's facts: the rules are about facts, which
/// were checked on the original (a country's name in another language is not in the
/// adequacy lists, which are in English).
pub fn parse_translated(text: &str) -> Result<Privacy, Vec<Diagnostic>> {
    toml_data::parse(text, Embedding::whole(PRIVACY_PATH, text))
}

/// A missing list that must be stated gets a hint showing both ways to state it.
fn stated_hint(diagnostic: Diagnostic) -> Diagnostic {
    let example = |key: &str| match key {
        "recipients" => Some(
            "[[recipients]]\nname = \"…\"\nrole = \"processor\"\npurpose = \"…\"\nlocation = \"United Kingdom\"",
        ),
        "transfers" => Some(
            "[[transfers]]\nrecipient = \"…\"\ndestination = \"…\"\nsafeguard = \"standard_contractual_clauses\"\ncopy = \"…\"",
        ),
        "representatives" => Some(
            "[[representatives]]\narea = \"the European Union\"\nname = \"…\"\naddress = \"…\"",
        ),
        _ => None,
    };
    let missing = diagnostic
        .message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
        .map(str::to_string);
    if missing.as_deref() == Some("jurisdiction") {
        return diagnostic.hint(
            "say whose rules apply to transfers: `jurisdiction = \"uk\"` (UK GDPR) or `jurisdiction = \"eu\"` (EU GDPR)",
        );
    }
    match missing
        .as_deref()
        .and_then(|key| Some((key, example(key)?)))
    {
        Some((key, tables)) => diagnostic.hint(format!(
            "the policy must say it: write `{key} = \"none\"`, or list each one:\n{tables}"
        )),
        None => diagnostic,
    }
}

#[cfg(test)]
mod tests;
