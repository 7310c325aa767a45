//! `data/site.toml`: the organisation, its base URL, language, theme and build settings.

use serde::Deserialize;
use toml::Spanned;

use crate::model::text::Prose;

use crate::diagnostics::Diagnostic;
use crate::model::LanguageTag;
use crate::toml_data::{self, Embedding};

pub const SITE_CONFIG_PATH: &str = crate::source::paths::SITE_CONFIG;

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
    /// Every language the organisation's site publishes, the default (`language`) first;
    /// the others are served under their prefix (`fr/about/`).
    pub languages: Option<Spanned<Vec<LanguageTag>>>,
    #[serde(default = "default_theme")]
    pub theme: String,
    pub controller: Controller,
    pub dpo: Option<Spanned<Dpo>>,
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
    /// What a missing translation of a legal text does: `"error"` (the default) fails the
    /// build; `"warn"` publishes the original text, marked with its language, and warns.
    #[serde(default)]
    pub missing_translation: crate::model::legal::translation::MissingTranslation,
}

impl SiteConfig {
    /// The languages the organisation's site publishes, the default first.
    pub fn languages(&self) -> Vec<LanguageTag> {
        match &self.languages {
            Some(list) if !list.get_ref().is_empty() => list.get_ref().clone(),
            _ => vec![self.language.clone()],
        }
    }
}

/// Checks a `languages` list against the default `language` (written or not) and returns
/// the default: the first of the list when `language` is not written. One problem at most.
pub fn default_of_languages(
    languages: &Spanned<Vec<LanguageTag>>,
    language: Option<&LanguageTag>,
    at: Embedding<'_>,
) -> Result<Option<LanguageTag>, Diagnostic> {
    let list = languages.get_ref();
    let Some(first) = list.first() else {
        return Err(at
            .error_span(&languages.span(), "`languages` is empty")
            .hint("list the default language first, e.g. `languages = [\"en\", \"fr\"]`, or remove `languages`"));
    };
    if let Some((_, twice)) = list
        .iter()
        .enumerate()
        .find(|(i, l)| list[..*i].contains(l))
    {
        return Err(at
            .error_span(
                &languages.span(),
                format!("`{}` is listed twice in `languages`", twice.as_str()),
            )
            .hint("list each language once"));
    }
    match language {
        Some(language) if language != first => Err(at
            .error_span(
                &languages.span(),
                format!(
                    "`languages` starts with `{}`, but `language` is `{}`",
                    first.as_str(),
                    language.as_str()
                ),
            )
            .hint(format!(
                "the default language comes first: `languages = [\"{}\", …]`, or remove `language`",
                language.as_str()
            ))),
        Some(_) => Ok(None),
        None => Ok(Some(first.clone())),
    }
}

/// Whether a TOML document writes `key` at its top level.
pub fn writes_key(text: &str, key: &str) -> bool {
    toml::de::DeTable::parse(text).is_ok_and(|table| table.get_ref().contains_key(key))
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
    pub name: Prose,
    /// Postal address: every controller has one (GDPR Art. 13(1)(a)).
    pub address: Prose,
    pub email: Option<String>,
    /// A contact form or page (`@/contact.md` or a URL), for controllers without a
    /// published email address.
    pub contact_page: Option<String>,
    pub phone: Option<Prose>,
    /// Company or charity registration, shown in the footer and privacy policy.
    pub registration: Option<Prose>,
}

/// The data protection officer, where the organisation has one.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dpo {
    /// A person's name or a role ("Data Protection Officer"); the contact details are
    /// what the law requires (Art. 13(1)(b)), so at least one of them is given.
    pub name: Option<Prose>,
    pub email: Option<String>,
    pub address: Option<Prose>,
    pub contact_page: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSettings {
    #[serde(default)]
    pub raw_html: RawHtml,
    /// Repeat the content security policy in every page's `<meta http-equiv>`, for hosts
    /// that ignore `_headers` (GitHub Pages, GitLab Pages, S3).
    #[serde(default = "yes")]
    pub csp_meta: bool,
}

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings {
            raw_html: RawHtml::default(),
            csp_meta: true,
        }
    }
}

fn yes() -> bool {
    true
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

pub use super::base_url::BaseUrl;

/// Gives a diagnostic made from a [`BaseUrl`] error the hint for its problem, in place of
/// the generic one the TOML layer attaches to messages it does not know.
pub fn with_url_hint(mut diagnostic: Diagnostic) -> Diagnostic {
    if let Some(hint) = BaseUrl::hint_for(&diagnostic.message) {
        diagnostic.hint = Some(hint.to_string());
    }
    diagnostic
}

/// Parses the text of `data/site.toml`.
pub fn parse(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
    let at = Embedding::whole(SITE_CONFIG_PATH, text);
    let mut config: SiteConfig = toml_data::parse(text, at)
        .map_err(|d| d.into_iter().map(with_url_hint).collect::<Vec<_>>())?;
    if let Some(languages) = &config.languages {
        let written = writes_key(text, "language").then_some(&config.language);
        if let Some(first) = default_of_languages(languages, written, at).map_err(|d| vec![d])? {
            config.language = first;
        }
    }
    if let Some(dpo) = &config.dpo {
        let d = dpo.get_ref();
        if d.email.is_none() && d.address.is_none() && d.contact_page.is_none() {
            return Err(vec![
                at.error_span(
                    &dpo.span(),
                    "`[dpo]` gives no way to reach the data protection officer",
                )
                .hint("add `email`, `address` or `contact_page` (GDPR Art. 13(1)(b))"),
            ]);
        }
    }
    // The site's title and description reach every feed and calendar.
    match crate::model::page::control_characters(text, at)
        .into_iter()
        .next()
    {
        Some(problem) => Err(vec![problem]),
        None => Ok(config),
    }
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

    fn only_error(text: &str) -> Diagnostic {
        let errors = parse(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().unwrap()
    }

    #[test]
    fn raw_html_value_is_checked() {
        let text = format!("{MINIMAL}[build]\nraw_html = \"sanitise\"\n");
        let err = only_error(&text);
        assert!(err.message.contains("unknown variant `sanitise`"), "{err}");
        assert_eq!(err.hint.as_deref(), Some("did you mean `sanitize`?"));
    }

    #[test]
    fn base_url_is_normalised() {
        for (text, absolute, host) in [
            (
                "https://example.org//",
                "https://example.org/",
                "example.org",
            ),
            (
                "https://EXAMPLE.org:443//a//b",
                "https://example.org/a/b/",
                "example.org",
            ),
            (
                "http://example.org:8080/x",
                "http://example.org:8080/x/",
                "example.org",
            ),
            (
                "https://bücher.example/",
                "https://xn--bcher-kva.example/",
                "xn--bcher-kva.example",
            ),
            (
                "https://h.example/my site/été",
                "https://h.example/my%20site/%C3%A9t%C3%A9/",
                "h.example",
            ),
            (
                "https://h.example/a/../b/./",
                "https://h.example/b/",
                "h.example",
            ),
            ("  https://h.example  ", "https://h.example/", "h.example"),
        ] {
            let url = BaseUrl::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (url.as_str().as_str(), url.host()),
                (absolute, host),
                "{text}"
            );
            assert!(url.path().starts_with('/') && url.path().ends_with('/'));
            assert!(!url.path().contains("//"), "{text}");
        }
    }

    #[test]
    fn unsafe_base_urls_are_refused_with_a_hint() {
        for (text, phrase) in [
            (
                "https://user:secret@h.example/",
                "contains a user name or password",
            ),
            (
                "https://user@h.example/",
                "contains a user name or password",
            ),
            ("https://h.example/?a=1", "has a query"),
            ("https://h.example/#top", "has a query"),
            ("https://h.example/?", "has a query"),
            ("ftp://h.example/", "is not an http:// or https:// URL"),
            ("javascript:alert(1)", "is not an http:// or https:// URL"),
            ("//h.example/", "is not an http:// or https:// URL"),
            ("https://", "has no valid host name"),
            ("https://exa mple.org/", "has no valid host name"),
            ("https://h.example:99999/", "has no valid host name"),
        ] {
            let err = BaseUrl::parse(text).unwrap_err();
            assert!(err.contains(phrase), "{text}: {err}");
            assert!(BaseUrl::hint_for(&err).is_some(), "{text}: {err}");
        }
        let text = MINIMAL.replace("https://example.org/sub", "https://me:pw@example.org/");
        let err = only_error(&text);
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.col), (3, 12), "{err}");
        assert!(
            err.hint.as_deref().unwrap().contains("user:password@"),
            "{err}"
        );
    }

    #[test]
    fn bad_base_url_is_located() {
        let text = MINIMAL.replace("https://example.org/sub", "example.org");
        let err = only_error(&text);
        assert!(err.message.contains("not an http"), "{err}");
        assert_eq!(err.location.unwrap().line, 3);
    }
}
