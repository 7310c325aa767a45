//! `data/site.toml`: the organisation, its base URL, language, theme and build settings.

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::model::LanguageTag;
use crate::toml_data::{self, Embedding};

pub const SITE_CONFIG_PATH: &str = "data/site.toml";

/// The parsed and checked `data/site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The organisation's name as shown in headers and titles.
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub base_url: BaseUrl,
    #[serde(default)]
    pub language: LanguageTag,
    #[serde(default = "default_theme")]
    pub theme: String,
    pub controller: Controller,
    pub dpo: Option<Dpo>,
    #[serde(default)]
    pub build: BuildSettings,
    /// Extra links shown in the main navigation after the built-in ones.
    #[serde(default)]
    pub nav: Vec<NavLink>,
    /// Settings of `chapterhouse check`.
    #[serde(default)]
    pub check: CheckSettings,
    #[serde(default)]
    pub notices: NoticeSettings,
}

/// `[notices]`: how notice lists are shown.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeSettings {
    /// Archived notices per page of `notices/`.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    /// How many of the latest notices the organisation home shows (pinned ones always show).
    #[serde(default = "default_home_count")]
    pub home_count: usize,
}

impl Default for NoticeSettings {
    fn default() -> Self {
        NoticeSettings {
            page_size: default_page_size(),
            home_count: default_home_count(),
        }
    }
}

fn default_page_size() -> usize {
    10
}

fn default_home_count() -> usize {
    5
}

/// `[check]`: what `chapterhouse check` expects of the site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// The officer roles chapters may use.
    #[serde(default = "default_officer_roles")]
    pub officer_roles: Vec<String>,
    /// Chapters deployed as their own site (`build --chapter`); each needs a `site_url`.
    #[serde(default)]
    pub standalone_chapters: Vec<String>,
    /// A privacy policy not reviewed for longer than this is a warning.
    #[serde(default = "default_privacy_max_age_days")]
    pub privacy_max_age_days: i32,
}

fn default_privacy_max_age_days() -> i32 {
    365
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings {
            officer_roles: default_officer_roles(),
            standalone_chapters: Vec::new(),
            privacy_max_age_days: default_privacy_max_age_days(),
        }
    }
}

fn default_officer_roles() -> Vec<String> {
    [
        "Chair",
        "Vice-Chair",
        "Secretary",
        "Treasurer",
        "Membership Officer",
        "Programme Officer",
    ]
    .map(String::from)
    .to_vec()
}

fn default_theme() -> String {
    "default".to_string()
}

/// The data controller: the organisation answerable for personal data (GDPR Art. 13(1)(a)).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Controller {
    pub name: String,
    pub address: String,
    pub email: String,
    pub phone: Option<String>,
    /// Company or charity registration, shown in the footer and privacy policy.
    pub registration: Option<String>,
}

/// The data protection officer, where the organisation has one.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dpo {
    pub name: String,
    pub email: String,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSettings {
    #[serde(default)]
    pub raw_html: RawHtml,
}

/// What happens to raw HTML written inside markdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Keep safe tags, drop scripts, event handlers and `javascript:` URLs (ammonia).
    #[default]
    Sanitize,
    /// Pass through unchanged: only for sites whose every editor is trusted.
    Allow,
    /// Show the HTML as text.
    Escape,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavLink {
    pub title: String,
    /// A site path (`about/`) or an absolute URL.
    pub path: String,
}

/// An absolute `http(s)` base URL, split into origin and path (always ending in `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    origin: String,
    path: String,
}

impl BaseUrl {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or_else(|| format!("`{s}` is not an http:// or https:// URL"))?;
        let scheme_len = s.len() - rest.len();
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains(['?', '#', ' ']) {
            return Err(format!("`{s}` has no valid host name"));
        }
        if path.contains(['?', '#']) {
            return Err(format!("`{s}` must not carry a query or fragment"));
        }
        let mut path = path.to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        Ok(BaseUrl {
            origin: format!("{}{host}", &s[..scheme_len]),
            path,
        })
    }

    /// The path every internal link starts with (`/` or `/sub/`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The absolute URL of a site path (`notices/` → `https://host/sub/notices/`).
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}{}", self.origin, self.path, site_path)
    }

    pub fn as_str(&self) -> String {
        self.absolute("")
    }

    /// The host name (`iris.example`), for tag URIs and calendar UIDs.
    pub fn host(&self) -> &str {
        self.origin.split("://").nth(1).unwrap_or(&self.origin)
    }
}

impl<'de> Deserialize<'de> for BaseUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        BaseUrl::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Parses the text of `data/site.toml`.
pub fn parse(text: &str) -> Result<SiteConfig, Diagnostic> {
    toml_data::parse(text, Embedding::whole(SITE_CONFIG_PATH, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
title = "Institute"
base_url = "https://example.org/sub"
[controller]
name = "Institute"
address = "1 Road"
email = "privacy@example.org"
"#;

    #[test]
    fn base_url_path_always_ends_in_slash() {
        let config = parse(MINIMAL).unwrap();
        assert_eq!(config.base_url.path(), "/sub/");
        assert_eq!(config.base_url.absolute("a/"), "https://example.org/sub/a/");
        assert_eq!(config.build.raw_html, RawHtml::Sanitize);
        assert_eq!(config.language.as_str(), "en");
    }

    #[test]
    fn raw_html_value_is_checked() {
        let text = format!("{MINIMAL}[build]\nraw_html = \"sanitise\"\n");
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("unknown variant `sanitise`"), "{err}");
        assert_eq!(err.hint.as_deref(), Some("did you mean `sanitize`?"));
    }

    #[test]
    fn bad_base_url_is_located() {
        let text = MINIMAL.replace("https://example.org/sub", "example.org");
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("not an http"), "{err}");
        assert_eq!(err.location.unwrap().line, 3);
    }
}
