//! Contexts for the legal pages: privacy, cookies, ethics and oath; the data-processing
//! page is dispatched to `schedules`, which also writes its CSV and JSON. Labels come from
//! the theme's translations, so a French chapter's standalone site gets French headings
//! over the same data.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::legal::cookies::Category;
use crate::legal::privacy::Anchor;
use crate::model::Site;
use crate::plan::{LegalPage, Plan};
use crate::render::context::format_date;

type Strings = BTreeMap<String, String>;

/// Renders markdown with a locator for its diagnostics (the renderer's markdown settings).
pub type MarkdownFn<'a> =
    &'a dyn Fn(&str, &dyn Fn(usize, String) -> Diagnostic) -> Result<String, Vec<Diagnostic>>;

fn label(t: &Strings, key: &str) -> String {
    t.get(key).cloned().unwrap_or_else(|| key.to_string())
}

#[derive(Serialize)]
struct BasisView {
    label: String,
    article: &'static str,
}

#[derive(Serialize)]
struct PurposeView<'a> {
    name: &'a str,
    description: &'a str,
    data: String,
    bases: Vec<BasisView>,
    legitimate_interests: Option<&'a str>,
    retention: &'a str,
    retention_is_default: bool,
}

#[derive(Serialize)]
struct SectionView {
    title: String,
    html: String,
}

#[derive(Serialize)]
struct CategoryView<'a> {
    key: &'static str,
    label: String,
    description: String,
    needs_consent: bool,
    cookies: Vec<&'a crate::legal::cookies::Cookie>,
}

/// Everything consent needs in the base template: the revision, the categories asked
/// about, and the scripts to emit blocked. `None` when only necessary cookies exist.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentView {
    pub revision: u32,
    /// Space-separated category keys, for the script's `data-categories`.
    pub categories: String,
    pub scripts: Vec<BlockedScript>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockedScript {
    pub category: &'static str,
    pub src: String,
}

pub fn consent_view(site: &Site, plan: &Plan) -> Option<ConsentView> {
    let cookies = &site.legal.cookies;
    if !cookies.needs_consent() {
        return None;
    }
    let scripts = cookies
        .services
        .iter()
        .map(|s| s.get_ref())
        .filter(|s| s.category.needs_consent())
        .flat_map(|s| {
            s.scripts.iter().map(move |src| BlockedScript {
                category: s.category.key(),
                src: if src.starts_with('/') && !src.starts_with("//") {
                    plan.href(src.trim_start_matches('/'))
                } else {
                    src.clone()
                },
            })
        })
        .collect();
    Some(ConsentView {
        revision: cookies.revision,
        categories: cookies
            .consent_categories()
            .iter()
            .map(|c| c.key())
            .collect::<Vec<_>>()
            .join(" "),
        scripts,
    })
}

/// Fills the context of one legal page and names its template.
pub fn context(
    page: LegalPage,
    site: &Site,
    plan: &Plan,
    t: &Strings,
    context: &mut Context,
    markdown: MarkdownFn<'_>,
) -> Result<&'static str, Vec<Diagnostic>> {
    context.insert(
        "page_title",
        &label(t, &format!("{}_title", page.key().replace('-', "_"))),
    );
    match page {
        LegalPage::Privacy => privacy(site, plan, t, context, markdown).map(|_| "privacy.html"),
        LegalPage::Cookies => cookies(site, t, context, markdown).map(|_| "cookies.html"),
        LegalPage::DataProcessing => {
            super::schedules::data_processing(site, plan, t, context);
            Ok("data_processing.html")
        }
        LegalPage::Ethics | LegalPage::Oath => {
            ethics(site, plan, t, context, markdown)?;
            Ok(if page == LegalPage::Ethics {
                "ethics.html"
            } else {
                "oath.html"
            })
        }
    }
}

fn toml_locator<'a>(path: &'a str, text: &'a str) -> impl Fn(usize, String) -> Diagnostic + 'a {
    move |_, message| {
        Diagnostic::error(message)
            .in_file(path)
            .hint(format!("fix the markdown in {path}"))
            .at(path, text, 0)
    }
}

fn privacy(
    site: &Site,
    plan: &Plan,
    t: &Strings,
    context: &mut Context,
    markdown: MarkdownFn<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let p = &site.legal.privacy;
    let default = p.retention.default.as_str();
    let chapter = plan.layout.standalone_chapter(site);
    if let Some(chapter) = chapter {
        context.insert("local_contact", &chapter.data.contact);
        context.insert("local_name", &chapter.data.name);
    }
    let intro = markdown(
        &p.introduction,
        &toml_locator(crate::legal::privacy::PRIVACY_PATH, ""),
    )?;
    let sections = privacy_sections(site, markdown)?;
    context.insert("controller", &site.config.controller);
    context.insert("dpo", &site.config.dpo);
    context.insert("last_updated", &format_date(p.last_updated(), t));
    context.insert("last_updated_iso", &p.last_updated().to_string());
    context.insert("introduction", &intro);
    context.insert("purposes", &purpose_views(p, t));
    context.insert("default_retention", default);
    context.insert("recipients", &recipient_views(p, chapter, t));
    context.insert("transfers", &transfer_views(p, t));
    context.insert("rights", &right_views(p, t));
    context.insert("authority", &p.supervisory_authority);
    context.insert("automated_decision_making", &p.automated_decision_making);
    context.insert("changes", &change_views(p, t));
    context.insert("sections", &sections);
    Ok(())
}

fn purpose_views<'p>(p: &'p crate::legal::Privacy, t: &Strings) -> Vec<PurposeView<'p>> {
    let default = p.retention.default.as_str();
    p.purposes
        .iter()
        .map(|purpose| PurposeView {
            name: &purpose.name,
            description: &purpose.description,
            data: purpose.data.join(", "),
            bases: purpose
                .legal_bases
                .get_ref()
                .iter()
                .map(|b| BasisView {
                    label: label(t, b.key()),
                    article: b.article(),
                })
                .collect(),
            legitimate_interests: purpose.legitimate_interests.as_deref(),
            retention: purpose.retention.as_deref().unwrap_or(default),
            retention_is_default: purpose.retention.is_none(),
        })
        .collect()
}

fn right_views(p: &crate::legal::Privacy, t: &Strings) -> Vec<SectionView> {
    p.rights
        .iter()
        .map(|r| SectionView {
            title: label(t, &format!("right_{}_title", r.key())),
            html: label(t, &format!("right_{}_text", r.key())),
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
    p: &crate::legal::Privacy,
    chapter: Option<&crate::model::Chapter>,
    t: &Strings,
) -> Vec<RecipientView> {
    use crate::legal::privacy::RecipientRole;
    let listed = p.recipients.iter().map(|r| {
        let role = match r.role {
            RecipientRole::Processor => "recipient_processor",
            RecipientRole::Controller => "recipient_controller",
            RecipientRole::PublicAuthority => "recipient_public_authority",
        };
        RecipientView {
            name: r.name.clone(),
            role: label(t, role),
            purpose: r.purpose.clone(),
            location: r.location.clone(),
        }
    });
    let local = chapter
        .into_iter()
        .flat_map(|c| c.data.legal.processors.iter())
        .map(|processor| RecipientView {
            name: processor.name.clone(),
            role: label(t, "recipient_processor"),
            purpose: processor.purpose.clone(),
            location: processor.location.clone(),
        });
    listed.chain(local).collect()
}

/// One transfer outside the UK and the EEA.
#[derive(Serialize)]
struct TransferView {
    recipient: String,
    destination: String,
    safeguard: String,
    details: String,
}

fn transfer_views(p: &crate::legal::Privacy, t: &Strings) -> Vec<TransferView> {
    p.transfers
        .iter()
        .map(|tr| TransferView {
            recipient: tr.recipient.clone(),
            destination: tr.destination.clone(),
            safeguard: label(t, tr.safeguard.key()),
            details: tr.details.clone().unwrap_or_default(),
        })
        .collect()
}

/// One entry of the policy's history, newest first.
#[derive(Serialize)]
struct ChangeView {
    date: String,
    date_iso: String,
    summary: String,
    /// `"true"` or `"false"`, as themes compare it.
    material: String,
}

fn change_views(p: &crate::legal::Privacy, t: &Strings) -> Vec<ChangeView> {
    let mut changes: Vec<ChangeView> = p
        .changes
        .iter()
        .map(|c| ChangeView {
            date: format_date(c.date.0, t),
            date_iso: c.date.0.to_string(),
            summary: c.summary.clone(),
            material: c.material.to_string(),
        })
        .collect();
    changes.sort_by(|a, b| b.date_iso.cmp(&a.date_iso));
    changes
}

/// The markdown files merged into the policy, by the section they follow.
fn privacy_sections(
    site: &Site,
    markdown: MarkdownFn<'_>,
) -> Result<BTreeMap<&'static str, Vec<SectionView>>, Vec<Diagnostic>> {
    let mut sections: BTreeMap<&'static str, Vec<SectionView>> = BTreeMap::new();
    let mut problems = Vec::new();
    for extra in &site.legal.privacy.sections {
        let Some(fragment) = site.fragments.get(extra.file.get_ref()) else {
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
                    html,
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

fn cookies(
    site: &Site,
    t: &Strings,
    context: &mut Context,
    markdown: MarkdownFn<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let c = &site.legal.cookies;
    let categories: Vec<CategoryView<'_>> = Category::ALL
        .iter()
        .map(|&category| CategoryView {
            key: category.key(),
            label: label(t, &format!("category_{}", category.key())),
            description: label(t, &format!("category_{}_text", category.key())),
            needs_consent: category.needs_consent(),
            cookies: c
                .cookies
                .iter()
                .map(|k| k.get_ref())
                .filter(|k| k.category == category)
                .collect(),
        })
        .filter(|v| {
            !v.cookies.is_empty()
                || c.services
                    .iter()
                    .any(|s| s.get_ref().category.key() == v.key)
        })
        .collect();
    let services: Vec<ServiceView> = c
        .services
        .iter()
        .map(|s| {
            let s = s.get_ref();
            ServiceView {
                name: s.name.clone(),
                provider: s.provider.clone(),
                category: label(t, &format!("category_{}", s.category.key())),
                purpose: s.purpose.clone(),
                hosts: if s.hosts.is_empty() {
                    label(t, "first_party_only")
                } else {
                    s.hosts.join(", ")
                },
                privacy_url: s.privacy_url.clone().unwrap_or_default(),
            }
        })
        .collect();
    let intro = markdown(
        &c.introduction,
        &toml_locator(crate::legal::cookies::COOKIES_PATH, ""),
    )?;
    context.insert("introduction", &intro);
    context.insert("categories", &categories);
    context.insert("services", &services);
    context.insert("revision", &c.revision);
    Ok(())
}

/// A service that sets cookies or loads scripts, as the cookie page lists it.
#[derive(Serialize)]
struct ServiceView {
    name: String,
    provider: String,
    category: String,
    purpose: String,
    hosts: String,
    privacy_url: String,
}

fn ethics(
    site: &Site,
    plan: &Plan,
    t: &Strings,
    context: &mut Context,
    markdown: MarkdownFn<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let e = &site.legal.ethics;
    let locate = toml_locator(crate::legal::ethics::ETHICS_PATH, "");
    context.insert("version", &e.version);
    context.insert("adopted", &format_date(e.adopted.0, t));
    context.insert("adopted_iso", &e.adopted.0.to_string());
    context.insert("preamble", &markdown(&e.preamble, &locate)?);
    context.insert("commitments", &e.commitments);
    let chapter = plan.layout.standalone_chapter(site);
    let mut oath = e.oath.clone();
    if let Some(chapter) = chapter {
        if !chapter.data.legal.oath.is_empty() {
            oath.text = chapter.data.legal.oath.clone();
        }
        context.insert("oath_chapter", &chapter.data.name);
    }
    context.insert("oath", &oath);
    context.insert(
        "oath_introduction",
        &markdown(&e.oath.introduction, &locate)?,
    );
    context.insert("ethics_href", &plan.href("ethics/"));
    context.insert("oath_href", &plan.href("oath/"));
    Ok(())
}
