//! What the consent banner and consent.js are given, made at build time from the cookie
//! inventory: the revision (a hash of what consent is asked for), the categories with their
//! services for the banner's text, each category's first-party cookies (deleted when consent
//! is withdrawn), the expiry, the optional log endpoint, and whether Google Consent Mode is
//! needed. `None` when only strictly necessary storage exists.

use serde::Serialize;

use crate::legal::cookies::{Category, Party};
use crate::model::Site;
use crate::plan::Plan;

use super::strings::Strings;

/// Shared by every page of a site.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentView {
    /// JSON for the banner's `data-consent-config`, read by consent.js.
    pub config: String,
    pub revision: String,
    /// Non-necessary categories in use, with the names of their services.
    #[serde(skip)]
    categories: Vec<(Category, Vec<String>)>,
    /// Blocked scripts of the inventory, emitted on every page.
    pub scripts: Vec<BlockedScript>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockedScript {
    pub category: &'static str,
    pub src: String,
}

/// One line of the banner: a category, in the page's language, and what it covers.
#[derive(Debug, Clone, Serialize)]
pub struct BannerLine {
    pub key: &'static str,
    pub label: String,
    pub services: String,
}

#[derive(Serialize)]
struct Config<'a> {
    /// Revision.
    r: &'a str,
    /// Categories offered.
    c: Vec<&'static str>,
    /// Category → its first-party cookies and storage entries.
    k: std::collections::BTreeMap<&'static str, Vec<&'a str>>,
    /// Expiry in days.
    e: u32,
    /// Log endpoint (a site path), if any.
    l: Option<&'a str>,
    /// Google Consent Mode v2.
    g: bool,
}

pub fn consent_view(site: &Site, plan: &Plan) -> Option<ConsentView> {
    let cookies = &site.legal.cookies;
    if !cookies.needs_consent() {
        return None;
    }
    let services: Vec<_> = cookies.services.iter().map(|s| s.get_ref()).collect();
    let categories: Vec<(Category, Vec<String>)> = cookies
        .consent_categories()
        .into_iter()
        .map(|c| {
            let names = services
                .iter()
                .filter(|s| s.category == c)
                .map(|s| s.name.clone())
                .collect();
            (c, names)
        })
        .collect();
    let mut first_party: std::collections::BTreeMap<&'static str, Vec<&str>> = Default::default();
    for cookie in cookies.cookies.iter().map(|c| c.get_ref()) {
        if cookie.category.needs_consent() && cookie.party == Party::First {
            first_party
                .entry(cookie.category.key())
                .or_default()
                .push(&cookie.name);
        }
    }
    let revision = cookies.inventory_revision();
    let config = Config {
        r: &revision,
        c: categories.iter().map(|(c, _)| c.key()).collect(),
        k: first_party,
        e: cookies.consent.expiry_days,
        l: cookies
            .consent
            .log_endpoint
            .as_ref()
            .map(|l| l.get_ref().as_str()),
        g: cookies.has_google_tag(),
    };
    let scripts = services
        .iter()
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
        config: serde_json::to_string(&config).unwrap_or_default(),
        revision,
        categories,
        scripts,
    })
}

impl ConsentView {
    /// What the banner asks for, in the language of `t`: each category with its services.
    pub fn banner(&self, t: &Strings) -> Vec<BannerLine> {
        self.categories
            .iter()
            .map(|(category, services)| BannerLine {
                key: category.key(),
                label: t.text(&format!("category_{}", category.key())),
                services: services.join(", "),
            })
            .collect()
    }
}
