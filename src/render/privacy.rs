//! The privacy page's context: every sentence the template prints comes from a field of
//! `data/privacy.toml` (or site.toml's controller and DPO, or the chapter's own data), with
//! labels from the theme's translations. Short texts are inline markdown.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use super::legal::{MarkdownFn, Strings, label, toml_locator};
use super::outline::{PageIds, fit_outline};
use crate::diagnostics::Diagnostic;
use crate::legal::privacy::{Anchor, PRIVACY_PATH, Privacy, Purpose, RecipientRole, Right};
use crate::model::text::Stated;
use crate::model::{Chapter, Site};
use crate::plan::Plan;
use crate::render::context::format_date;

/// Renders short data texts as inline markdown, collecting every problem.
pub(super) struct Inline<'m> {
    markdown: MarkdownFn<'m>,
    /// The data file the texts come from, named by markdown problems.
    path: &'static str,
    pub(super) problems: Vec<Diagnostic>,
}

impl<'m> Inline<'m> {
    pub(super) fn new(markdown: MarkdownFn<'m>, path: &'static str) -> Self {
        Inline {
            markdown,
            path,
            problems: Vec::new(),
        }
    }

    pub(super) fn html(&mut self, text: &str) -> String {
        match (self.markdown)(text, &toml_locator(self.path, "")) {
            Ok(html) => unwrap_paragraph(&html),
            Err(problems) => {
                self.problems.extend(problems);
                String::new()
            }
        }
    }

    fn opt(&mut self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.html(t))
    }
}

/// `<p>text</p>` → `text`, so a one-paragraph field sits inside a table cell or sentence.
fn unwrap_paragraph(html: &str) -> String {
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

#[derive(Serialize)]
struct BasisView {
    label: String,
    article: &'static str,
}

#[derive(Serialize)]
struct PurposeView {
    id: String,
    name: String,
    description: String,
    data_subjects: String,
    data: String,
    bases: Vec<BasisView>,
    legitimate_interests: Option<String>,
    /// "Health data (Art. 9(2)(a): your explicit consent)" when special categories are used.
    special: Option<String>,
    requirement: String,
    if_not_provided: Option<String>,
    retention: String,
    retention_is_default: bool,
}

fn purpose_view(purpose: &Purpose, default: &str, t: &Strings, inline: &mut Inline) -> PurposeView {
    let special = purpose.article9_condition.as_ref().map(|condition| {
        let categories: Vec<String> = purpose
            .special_categories
            .iter()
            .map(|c| label(t, c.key()))
            .collect();
        let condition = condition.get_ref();
        format!(
            "{} ({}: {})",
            categories.join(", "),
            condition.article(),
            label(t, condition.key())
        )
    });
    PurposeView {
        id: purpose.id.get_ref().to_string(),
        name: inline.html(&purpose.name),
        description: inline.html(&purpose.description),
        data_subjects: join(purpose.data_subjects.get_ref().iter().map(|s| s.as_str())),
        data: join(purpose.data.iter().map(|s| s.as_str())),
        bases: purpose
            .legal_bases
            .get_ref()
            .iter()
            .map(|b| BasisView {
                label: label(t, b.key()),
                article: b.article(),
            })
            .collect(),
        legitimate_interests: inline.opt(
            purpose
                .legitimate_interests
                .as_ref()
                .map(|s| s.get_ref().as_str()),
        ),
        special,
        requirement: label(t, purpose.requirement.get_ref().key()),
        if_not_provided: inline.opt(purpose.if_not_provided.as_deref()),
        retention: inline.html(purpose.retention.as_deref().unwrap_or(default)),
        retention_is_default: purpose.retention.is_none(),
    }
}

fn join<'s>(items: impl Iterator<Item = &'s str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

#[derive(Serialize)]
struct RightView {
    title: String,
    html: String,
    details: Option<String>,
}

#[derive(Serialize)]
struct ExemptionView {
    title: String,
    reason: String,
}

fn right_views(p: &Privacy, t: &Strings, inline: &mut Inline) -> Vec<RightView> {
    let marketing = p.purposes.iter().any(|purpose| purpose.direct_marketing);
    p.rights
        .get_ref()
        .iter()
        .map(|&r| {
            let mut html = label(t, &format!("right_{}_text", r.key()));
            if r == Right::Objection && marketing {
                html = format!("{html} {}", label(t, "right_objection_marketing"));
            }
            RightView {
                title: label(t, &format!("right_{}_title", r.key())),
                html,
                details: inline.opt(p.right_details.of(r).map(|d| d.as_str())),
            }
        })
        .collect()
}

/// One recipient of personal data as the privacy page lists it.
#[derive(Serialize)]
struct RecipientView {
    name: String,
    role: String,
    purpose: String,
    location: String,
}

/// The policy's recipients, then a standalone chapter's own processors.
fn recipient_views(
    p: &Privacy,
    chapter: Option<&Chapter>,
    t: &Strings,
    inline: &mut Inline,
) -> Vec<RecipientView> {
    let mut views = Vec::new();
    for r in p.recipients() {
        let role = match r.role {
            RecipientRole::Processor => "recipient_processor",
            RecipientRole::Controller => "recipient_controller",
            RecipientRole::PublicAuthority => "recipient_public_authority",
        };
        views.push(RecipientView {
            name: r.name.to_string(),
            role: label(t, role),
            purpose: inline.html(&r.purpose),
            location: r.location.get_ref().joined(),
        });
    }
    for processor in chapter.into_iter().flat_map(|c| &c.data.legal.processors) {
        views.push(RecipientView {
            name: processor.name.to_string(),
            role: label(t, "recipient_processor"),
            purpose: inline.html(&processor.purpose),
            location: processor.location.get_ref().joined(),
        });
    }
    views
}

/// One transfer outside the home area.
#[derive(Serialize)]
struct TransferView {
    recipient: String,
    destination: String,
    safeguard: String,
    details: Option<String>,
    copy: Option<String>,
}

fn transfer_views(p: &Privacy, t: &Strings, inline: &mut Inline) -> Vec<TransferView> {
    p.transfers()
        .iter()
        .map(|tr| TransferView {
            recipient: tr.recipient.get_ref().clone(),
            destination: tr.destination.get_ref().clone(),
            safeguard: label(t, tr.safeguard.get_ref().key()),
            details: inline.opt(tr.details.as_deref()),
            copy: inline.opt(tr.copy.as_deref()),
        })
        .collect()
}

/// One entry of the policy's history, newest first.
#[derive(Serialize)]
struct ChangeView {
    date: String,
    date_iso: String,
    /// When the change applies, if later than its publication.
    effective: Option<String>,
    effective_iso: Option<String>,
    summary: String,
    /// `"true"` or `"false"`, as themes compare it.
    material: String,
}

fn change_views(p: &Privacy, t: &Strings, inline: &mut Inline) -> Vec<ChangeView> {
    let mut changes: Vec<ChangeView> = p
        .changes
        .iter()
        .map(|c| {
            let later = (c.effective_date() > c.date.0).then(|| c.effective_date());
            ChangeView {
                date: format_date(c.date.0, t),
                date_iso: c.date.0.to_string(),
                effective: later.map(|d| format_date(d, t)),
                effective_iso: later.map(|d| d.to_string()),
                summary: inline.html(&c.summary),
                material: c.material.to_string(),
            }
        })
        .collect();
    changes.sort_by(|a, b| b.date_iso.cmp(&a.date_iso));
    changes
}

#[derive(Serialize)]
struct SectionView {
    title: String,
    html: String,
}

/// The markdown files merged into the policy, by the section they follow.
fn privacy_sections(
    legal: &crate::legal::Legal,
    site: &Site,
    language: &crate::model::LanguageTag,
    markdown: MarkdownFn<'_>,
) -> Result<BTreeMap<&'static str, Vec<SectionView>>, Vec<Diagnostic>> {
    let mut sections: BTreeMap<&'static str, Vec<SectionView>> = BTreeMap::new();
    let mut problems = Vec::new();
    for extra in &legal.privacy.sections {
        let file = extra.file.get_ref();
        let translated = format!("{}.{language}.md", file.strip_suffix(".md").unwrap_or(file));
        let Some(fragment) = site
            .fragments
            .get(&translated)
            .or_else(|| site.fragments.get(file))
        else {
            continue;
        };
        match markdown(fragment.body(), &|offset, message| {
            fragment.error_in_body(offset, message)
        }) {
            Ok(html) => sections
                .entry(anchor_key(extra.after))
                .or_default()
                .push(SectionView {
                    title: fragment.front.title.clone(),
                    html: fit_outline(&html, 3),
                }),
            Err(p) => problems.extend(p),
        }
    }
    if problems.is_empty() {
        Ok(sections)
    } else {
        Err(problems)
    }
}

fn anchor_key(anchor: Anchor) -> &'static str {
    match anchor {
        Anchor::Introduction => "introduction",
        Anchor::Purposes => "purposes",
        Anchor::Recipients => "recipients",
        Anchor::Transfers => "transfers",
        Anchor::Retention => "retention",
        Anchor::Rights => "rights",
        Anchor::Complaints => "complaints",
    }
}

/// The controller and the DPO, with their contact pages as checked links (also the
/// data-processing page's).
pub(super) fn contacts(site: &Site, t: &Strings, context: &mut Context, inline: &mut Inline) {
    let controller = &site.config.controller;
    let dpo = site.config.dpo.as_ref().map(|d| d.get_ref());
    let mut contact_link = |target: &Option<String>| {
        target
            .as_ref()
            .map(|to| inline.html(&format!("[{}]({to})", label(t, "privacy_contact_page"))))
    };
    let controller_page = contact_link(&controller.contact_page);
    let dpo_page = dpo.and_then(|d| contact_link(&d.contact_page));
    context.insert("controller", controller);
    context.insert("controller_page", &controller_page);
    context.insert("dpo", &dpo);
    context.insert("dpo_page", &dpo_page);
}

/// The ids the page's template and the base template write themselves.
fn page_ids(site: &Site, template: &str) -> PageIds {
    PageIds::of_templates(
        [template, "base.html"]
            .into_iter()
            .filter_map(|name| site.theme.templates.get(name))
            .map(|t| t.text.as_str()),
    )
}

/// Fills the privacy page's context.
pub fn privacy(
    (legal, language): (&crate::legal::Legal, &crate::model::LanguageTag),
    site: &Site,
    plan: &Plan,
    t: &Strings,
    context: &mut Context,
    markdown: MarkdownFn<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let p = &legal.privacy;
    let chapter = plan.layout.standalone_chapter(site);
    let mut inline = Inline::new(markdown, PRIVACY_PATH);
    let mut ids = page_ids(site, "privacy.html");
    let intro = ids.fit(&fit_outline(
        &markdown(&p.introduction, &toml_locator(PRIVACY_PATH, ""))?,
        2,
    ));
    let sections = privacy_sections(legal, site, language, markdown)?;
    if let Some(chapter) = chapter {
        context.insert("local_contact", &chapter.data.contact);
        context.insert("local_name", &chapter.data.name);
        context.insert("local_authority", &chapter.data.legal.supervisory_authority);
    }
    let area = label(t, p.jurisdiction.area_key());
    let default = inline.html(&p.retention.default);
    let purposes: Vec<PurposeView> = p
        .purposes
        .iter()
        .map(|purpose| purpose_view(purpose, &p.retention.default, t, &mut inline))
        .collect();
    let exceptions: Vec<(String, String)> = p
        .retention
        .exceptions
        .iter()
        .map(|e| (inline.html(&e.case), inline.html(&e.rule)))
        .collect();
    let exemptions: Vec<ExemptionView> = p
        .right_exemptions
        .iter()
        .map(|e| ExemptionView {
            title: label(t, &format!("right_{}_title", e.right.get_ref().key())),
            reason: inline.html(&e.reason),
        })
        .collect();
    contacts(site, t, context, &mut inline);
    context.insert("last_updated", &format_date(p.last_updated(), t));
    context.insert("last_updated_iso", &p.last_updated().to_string());
    context.insert("introduction", &intro);
    context.insert("purposes", &purposes);
    context.insert("default_retention", &default);
    context.insert("retention_exceptions", &exceptions);
    context.insert("recipients", &recipient_views(p, chapter, t, &mut inline));
    context.insert("transfers", &transfer_views(p, t, &mut inline));
    context.insert(
        "transfers_title",
        &label(t, "privacy_transfers").replace("{area}", &area),
    );
    context.insert(
        "no_transfers",
        &label(t, "privacy_no_transfers").replace("{area}", &area),
    );
    if let Stated::List(reps) = &p.representatives {
        context.insert("representatives", reps);
    }
    context.insert("rights", &right_views(p, t, &mut inline));
    context.insert("right_exemptions", &exemptions);
    context.insert("right_fee", &inline.opt(p.right_details.fee.as_deref()));
    context.insert("authority", &p.supervisory_authority);
    context.insert(
        "automated_decision_making",
        &inline.html(&p.automated_decision_making),
    );
    context.insert("changes", &change_views(p, t, &mut inline));
    context.insert("sections", &sections);
    if inline.problems.is_empty() {
        Ok(())
    } else {
        Err(inline.problems)
    }
}
