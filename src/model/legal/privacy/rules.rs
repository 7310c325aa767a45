//! The rules that keep a privacy policy consistent with itself and with the chapters:
//! a basis brings its rights, a purpose on special-category data names its Art. 9
//! condition, every recipient abroad has a transfer with a safeguard that fits the
//! destination. Each problem is located at the field that has to change.

use std::ops::Range;

use super::jurisdiction::{Adequacy, same_country};
use super::{LegalBasis, Privacy, Purpose, Requirement, Right, Safeguard, Transfer};
use crate::diagnostics::Diagnostic;
use crate::model::Chapter;
use crate::toml_data::Embedding;

/// The problems of the policy on its own, all of them.
pub fn check(privacy: &Privacy, at: Embedding<'_>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    dates(privacy, at, &mut problems);
    if privacy.purposes.is_empty() {
        problems.push(
            at.error_at(0, "the privacy policy lists no purposes")
                .hint("add a `[[purposes]]` table for each use of personal data"),
        );
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
        purpose_rules(privacy, purpose, at, &mut problems);
    }
    rights(privacy, at, &mut problems);
    for transfer in privacy.transfers() {
        transfer_rules(privacy, transfer, at, &mut problems);
    }
    for recipient in privacy.recipients() {
        let span = recipient.location.span();
        for country in &recipient.location.get_ref().0 {
            if let Some(problem) = uncovered(privacy, &recipient.name, country, &span, at) {
                problems.push(problem);
            }
        }
    }
    problems
}

fn dates(privacy: &Privacy, at: Embedding<'_>, problems: &mut Vec<Diagnostic>) {
    let newest = privacy.changes.iter().map(|c| c.date).max();
    if let (last, Some(newest)) = (privacy.last_updated.get_ref(), newest)
        && *last < newest
    {
        problems.push(
            at.error_span(
                &privacy.last_updated.span(),
                format!(
                    "`last_updated` ({}) is older than the newest change ({})",
                    last.0, newest.0
                ),
            )
            .hint("set `last_updated` to the date of the newest `[[changes]]` entry or later"),
        );
    }
    for change in &privacy.changes {
        if let Some(effective) = &change.effective
            && effective.get_ref().0 < change.date.0
        {
            problems.push(
                at.error_span(
                    &effective.span(),
                    format!(
                        "this change takes effect ({}) before it is published ({})",
                        effective.get_ref().0,
                        change.date.0
                    ),
                )
                .hint("`effective` is the day the new text applies: the `date` or later"),
            );
        }
    }
}

fn needs_right(
    purpose: &Purpose,
    right: Right,
    why: &str,
    privacy: &Privacy,
    at: Embedding<'_>,
) -> Option<Diagnostic> {
    if privacy.rights.get_ref().contains(&right) {
        return None;
    }
    Some(
        at.error_span(
            &purpose.legal_bases.span(),
            format!(
                "purpose `{}` {why}, but `rights` does not include `{}`",
                purpose.id.get_ref(),
                right.key()
            ),
        )
        .hint(format!("add \"{}\" to `rights`", right.key())),
    )
}

fn purpose_rules(
    privacy: &Privacy,
    purpose: &Purpose,
    at: Embedding<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let id = purpose.id.get_ref();
    let bases = purpose.legal_bases.get_ref();
    let span = purpose.legal_bases.span();
    if bases.is_empty() {
        problems.push(
            at.error_span(&span, format!("purpose `{id}` has no legal basis"))
                .hint("name at least one of consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests"),
        );
    }
    let relies_on_interests = bases.contains(&LegalBasis::LegitimateInterests);
    match (relies_on_interests, &purpose.legitimate_interests) {
        (true, None) => problems.push(
            at.error_span(
                &span,
                format!("purpose `{id}` relies on legitimate interests but does not say which"),
            )
            .hint("add `legitimate_interests = \"…\"` naming the interest (GDPR Art. 13(1)(d))"),
        ),
        (false, Some(stated)) => problems.push(
            at.error_span(
                &stated.span(),
                format!("purpose `{id}` names legitimate interests but does not list that basis"),
            )
            .hint(
                "add \"legitimate_interests\" to `legal_bases`, or remove `legitimate_interests`",
            ),
        ),
        _ => {}
    }
    let checks = [
        (
            bases.contains(&LegalBasis::Consent),
            Right::WithdrawConsent,
            "relies on consent",
        ),
        (
            relies_on_interests,
            Right::Objection,
            "relies on legitimate interests",
        ),
        (
            purpose.direct_marketing,
            Right::Objection,
            "is direct marketing",
        ),
    ];
    for (applies, right, why) in checks {
        if applies && let Some(problem) = needs_right(purpose, right, why, privacy, at) {
            problems.push(problem);
        }
    }
    special_categories(purpose, at, problems);
    if purpose.requirement.get_ref() != &Requirement::Voluntary && purpose.if_not_provided.is_none()
    {
        problems.push(
            at.error_span(
                &purpose.requirement.span(),
                format!("purpose `{id}` requires the data but does not say what happens without it"),
            )
            .hint("add `if_not_provided = \"…\"` (GDPR Art. 13(2)(e)), e.g. \"we cannot admit you as a member\""),
        );
    }
    if purpose.data_subjects.get_ref().is_empty() {
        problems.push(
            at.error_span(
                &purpose.data_subjects.span(),
                format!("purpose `{id}` names no data subjects"),
            )
            .hint("say whose data it is: `data_subjects = [\"members\", \"event delegates\"]`"),
        );
    }
}

fn special_categories(purpose: &Purpose, at: Embedding<'_>, problems: &mut Vec<Diagnostic>) {
    let id = purpose.id.get_ref();
    match (
        purpose.special_categories.is_empty(),
        &purpose.article9_condition,
    ) {
        (false, None) => problems.push(
            at.error_span(
                &purpose.id.span(),
                format!("purpose `{id}` uses special-category data without an Art. 9 condition"),
            )
            .hint("add `article9_condition`, e.g. \"explicit_consent\" or \"not_for_profit_body\" (GDPR Art. 9(2))"),
        ),
        (true, Some(condition)) => problems.push(
            at.error_span(
                &condition.span(),
                format!("purpose `{id}` names an Art. 9 condition but no special category"),
            )
            .hint("list the categories in `special_categories` (e.g. [\"health\"]), or remove `article9_condition`"),
        ),
        _ => {}
    }
}

fn rights(privacy: &Privacy, at: Embedding<'_>, problems: &mut Vec<Diagnostic>) {
    let listed = privacy.rights.get_ref();
    for right in Right::ARTICLES_15_TO_21 {
        let exempt = privacy
            .right_exemptions
            .iter()
            .any(|e| *e.right.get_ref() == right);
        if !listed.contains(&right) && !exempt {
            problems.push(
                at.error_span(
                    &privacy.rights.span(),
                    format!("`rights` leaves out `{}`", right.key()),
                )
                .hint(format!(
                    "everyone has the rights of GDPR Arts. 15–21: add \"{}\", or add a `[[right_exemptions]]` entry with `right = \"{}\"` and the `reason`",
                    right.key(),
                    right.key()
                )),
            );
        }
    }
    for exemption in &privacy.right_exemptions {
        if listed.contains(exemption.right.get_ref()) {
            problems.push(
                at.error_span(
                    &exemption.right.span(),
                    format!(
                        "`{}` is both offered in `rights` and exempted",
                        exemption.right.get_ref().key()
                    ),
                )
                .hint("remove it from `rights` or remove this exemption"),
            );
        }
    }
}

fn transfer_rules(
    privacy: &Privacy,
    transfer: &Transfer,
    at: Embedding<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let jurisdiction = privacy.jurisdiction;
    let destination = transfer.destination.get_ref();
    let safeguard = *transfer.safeguard.get_ref();
    if jurisdiction.is_home(destination) {
        problems.push(
            at.error_span(
                &transfer.destination.span(),
                format!(
                    "{destination} is within {}: sending data there is not a transfer",
                    jurisdiction.area_name()
                ),
            )
            .hint("remove this `[[transfers]]` entry; the recipient's location already says where the data goes"),
        );
        return;
    }
    let adequacy = jurisdiction.adequacy(destination);
    if safeguard == Safeguard::AdequacyDecision {
        let unsupported = match adequacy {
            Adequacy::Full => None,
            Adequacy::Partial if transfer.details.is_some() => None,
            Adequacy::Partial => Some(
                "covers only some recipients there; say in `details` why this one is covered (e.g. its certification)",
            ),
            Adequacy::None => Some("has no adequacy decision"),
        };
        if let Some(why) = unsupported {
            problems.push(
                at.error_span(
                    &transfer.safeguard.span(),
                    format!("{destination} {why}"),
                )
                .hint("name the safeguard that really applies: standard_contractual_clauses, binding_corporate_rules, explicit_consent or necessary_for_contract"),
            );
        }
    }
    let contractual = matches!(
        safeguard,
        Safeguard::StandardContractualClauses | Safeguard::BindingCorporateRules
    );
    if contractual && transfer.copy.is_none() {
        problems.push(
            at.error_span(
                &transfer.safeguard.span(),
                format!(
                    "the transfer to {} does not say how to get a copy of its safeguards",
                    transfer.recipient.get_ref()
                ),
            )
            .hint("add `copy = \"…\"`, e.g. \"Ask the data protection officer for a copy.\" (GDPR Art. 13(1)(f))"),
        );
    }
}

/// A recipient's country outside the home area with no transfer entry for it.
fn uncovered(
    privacy: &Privacy,
    name: &str,
    country: &str,
    span: &Range<usize>,
    at: Embedding<'_>,
) -> Option<Diagnostic> {
    let jurisdiction = privacy.jurisdiction;
    if jurisdiction.is_home(country) || transfer_for(privacy, name, country).is_some() {
        return None;
    }
    Some(
        at.error_span(
            span,
            format!(
                "{name} holds data in {country}, outside {}, but no `[[transfers]]` entry covers it",
                jurisdiction.area_name()
            ),
        )
        .hint(format!(
            "add to data/privacy.toml:\n[[transfers]]\nrecipient = \"{name}\"\ndestination = \"{country}\"\nsafeguard = \"standard_contractual_clauses\"  # or the safeguard that applies"
        )),
    )
}

fn transfer_for<'p>(privacy: &'p Privacy, name: &str, country: &str) -> Option<&'p Transfer> {
    privacy.transfers().iter().find(|t| {
        t.recipient
            .get_ref()
            .trim()
            .eq_ignore_ascii_case(name.trim())
            && same_country(t.destination.get_ref(), country)
    })
}

/// The rules that tie the policy to the chapters: a chapter outside the home area is a
/// transfer, each chapter processor abroad needs one, and every transfer names someone.
pub fn check_chapters<'c>(
    privacy: &Privacy,
    policy_text: &str,
    chapters: impl Iterator<Item = &'c Chapter> + Clone,
) -> Vec<Diagnostic> {
    let at = Embedding::whole(super::PRIVACY_PATH, policy_text);
    let mut problems = Vec::new();
    let jurisdiction = privacy.jurisdiction;
    for chapter in chapters.clone() {
        let chapter_at = Embedding::whole(&chapter.source_path, &chapter.file_text);
        let country = chapter.data.country.get_ref();
        let covered = privacy.transfers().iter().any(|t| {
            t.chapters.contains(&chapter.slug) && same_country(t.destination.get_ref(), country)
        });
        if !jurisdiction.is_home(country) && !covered {
            problems.push(
                chapter_at
                    .error_span(&chapter.data.country.span(), format!(
                        "the {} chapter is in {country}, outside {}, but no transfer in data/privacy.toml covers it",
                        chapter.data.name,
                        jurisdiction.area_name()
                    ))
                    .hint(format!(
                        "add `chapters = [\"{}\"]` to the `[[transfers]]` entry for {country} in data/privacy.toml, or add one",
                        chapter.slug
                    )),
            );
        }
        for processor in &chapter.data.legal.processors {
            let span = processor.location.span();
            for place in &processor.location.get_ref().0 {
                if let Some(problem) = uncovered(privacy, &processor.name, place, &span, chapter_at)
                {
                    problems.push(problem);
                }
            }
        }
    }
    for transfer in privacy.transfers() {
        let name = transfer.recipient.get_ref();
        let known = !transfer.chapters.is_empty()
            || privacy
                .recipients()
                .iter()
                .any(|r| r.name.eq_ignore_ascii_case(name))
            || chapters.clone().any(|c| {
                c.data
                    .legal
                    .processors
                    .iter()
                    .any(|p| p.name.eq_ignore_ascii_case(name))
            });
        if !known {
            problems.push(
                at.error_span(
                    &transfer.recipient.span(),
                    format!("the transfer names `{name}`, which is not a recipient"),
                )
                .hint("use the `name` of a `[[recipients]]` entry or of a chapter's `[legal] processors`, or list the receiving chapters in `chapters`"),
            );
        }
    }
    problems
}
