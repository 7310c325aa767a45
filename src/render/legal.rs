//! Contexts for the legal pages: privacy, cookies, ethics and oath; the data-processing
//! page is dispatched to `schedules`, which also writes its CSV and JSON. Labels come from
//! the theme's translations, so a French chapter's standalone site gets French headings
//! over the same data.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::legal::cookies::Category;
use crate::model::Site;
use crate::plan::{LegalPage, Plan};
use crate::render::context::format_date;
use crate::render::outline::fit_outline;
use crate::render::privacy::Inline;

pub(super) type Strings = BTreeMap<String, String>;

/// Renders markdown with a locator for its diagnostics (the renderer's markdown settings).
pub type MarkdownFn<'a> =
    &'a dyn Fn(&str, &dyn Fn(usize, String) -> Diagnostic) -> Result<String, Vec<Diagnostic>>;

pub(super) fn label(t: &Strings, key: &str) -> String {
    t.get(key).cloned().unwrap_or_else(|| key.to_string())
}

#[derive(Serialize)]
struct CategoryView<'a> {
    key: &'static str,
    label: String,
    description: String,
    needs_consent: bool,
    cookies: Vec<CookieView<'a>>,
}

/// One cookie as its table row shows it; the purpose is inline markdown.
#[derive(Serialize)]
struct CookieView<'a> {
    name: &'a str,
    provider: &'a str,
    purpose: String,
    duration: &'a str,
    party: crate::legal::cookies::Party,
}

/// Fills the context of one legal page and names its template.
pub fn context(
    page: LegalPage,
    language: &crate::model::LanguageTag,
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
    let legal = site.legal.in_language(language);
    match page {
        LegalPage::Privacy => {
            super::privacy::privacy((legal, language), site, plan, t, context, markdown)
                .map(|_| "privacy.html")
        }
        LegalPage::Cookies => cookies(legal, t, context, markdown).map(|_| "cookies.html"),
        LegalPage::DataProcessing => {
            super::schedules::data_processing(legal, site, plan, t, context, markdown)
                .map(|_| "data_processing.html")
        }
        LegalPage::Ethics | LegalPage::Oath => {
            ethics(legal, site, plan, t, context, markdown)?;
            Ok(if page == LegalPage::Ethics {
                "ethics.html"
            } else {
                "oath.html"
            })
        }
    }
}

pub(super) fn toml_locator<'a>(
    path: &'a str,
    text: &'a str,
) -> impl Fn(usize, String) -> Diagnostic + 'a {
    move |_, message| {
        Diagnostic::error(message)
            .in_file(path)
            .hint(format!("fix the markdown in {path}"))
            .at(path, text, 0)
    }
}

fn cookies(
    legal: &crate::legal::Legal,
    t: &Strings,
    context: &mut Context,
    markdown: MarkdownFn<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let c = &legal.cookies;
    let mut inline = Inline::new(markdown, crate::legal::cookies::COOKIES_PATH);
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
                .map(|k| CookieView {
                    name: &k.name,
                    provider: &k.provider,
                    purpose: inline.html(&k.purpose),
                    duration: &k.duration,
                    party: k.party,
                })
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
                purpose: inline.html(&s.purpose),
                hosts: if s.hosts.is_empty() {
                    label(t, "first_party_only")
                } else {
                    s.hosts.join(", ")
                },
                privacy_url: s.privacy_url.clone().unwrap_or_default(),
            }
        })
        .collect();
    if !inline.problems.is_empty() {
        return Err(inline.problems);
    }
    let intro = markdown(
        &c.introduction,
        &toml_locator(crate::legal::cookies::COOKIES_PATH, ""),
    )?;
    context.insert("introduction", &fit_outline(&intro, 2));
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
    legal: &crate::legal::Legal,
    site: &Site,
    plan: &Plan,
    t: &Strings,
    context: &mut Context,
    markdown: MarkdownFn<'_>,
) -> Result<(), Vec<Diagnostic>> {
    // Not routed when there is no code (`LegalPage::is_published`).
    let Some(e) = &legal.ethics else {
        return Ok(());
    };
    let locate = toml_locator(crate::legal::ethics::ETHICS_PATH, "");
    context.insert("version", &e.version);
    context.insert("adopted", &format_date(e.adopted.0, t));
    context.insert("adopted_iso", &e.adopted.0.to_string());
    context.insert(
        "preamble",
        &fit_outline(&markdown(&e.preamble, &locate)?, 2),
    );
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
        &fit_outline(&markdown(&e.oath.introduction, &locate)?, 2),
    );
    context.insert("ethics_href", &plan.href("ethics/"));
    // The printed oath names the code it refers to by its full address.
    context.insert("ethics_url", &plan.layout.absolute("ethics/"));
    context.insert("oath_href", &plan.href("oath/"));
    Ok(())
}
