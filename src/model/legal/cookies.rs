//! `data/cookies.toml`: the cookie inventory and the services and script hosts behind it.
//!
//! The `revision` is stored with a visitor's consent; raising it (a new service, a new
//! category) makes earlier consent void, so the banner asks again. A service's `hosts` are
//! parsed into [`Origin`]s, since they are written into the content security policy.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::toml_data::{self, Embedding};

pub const COOKIES_PATH: &str = crate::source::paths::COOKIES;

/// Cookie categories; only `strictly_necessary` needs no consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    StrictlyNecessary,
    Functional,
    Analytics,
    Marketing,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::StrictlyNecessary,
        Category::Functional,
        Category::Analytics,
        Category::Marketing,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Category::StrictlyNecessary => "strictly_necessary",
            Category::Functional => "functional",
            Category::Analytics => "analytics",
            Category::Marketing => "marketing",
        }
    }

    pub fn needs_consent(self) -> bool {
        self != Category::StrictlyNecessary
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    First,
    Third,
}

/// A service that sets cookies or loads scripts (a statistics tool, a video host…).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub category: Category,
    pub purpose: String,
    /// Third-party origins pages load from for this service (`https://stats.example`).
    #[serde(default)]
    pub hosts: Vec<Origin>,
    /// Scripts emitted on every page, blocked until the category is consented to.
    #[serde(default)]
    pub scripts: Vec<String>,
    pub privacy_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cookie {
    pub name: String,
    pub provider: String,
    pub category: Category,
    pub purpose: String,
    pub duration: String,
    pub party: Party,
    /// The `id` of the service that sets it, if any.
    pub service: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cookies {
    /// Raise it when services or categories change: earlier consent then no longer counts.
    pub revision: u32,
    #[serde(default)]
    pub introduction: String,
    #[serde(default)]
    pub services: Vec<Spanned<Service>>,
    #[serde(default)]
    pub cookies: Vec<Spanned<Cookie>>,
}

impl Cookies {
    /// The services' ids, in file order.
    pub fn service_ids(&self) -> Vec<&str> {
        self.services
            .iter()
            .map(|s| s.get_ref().id.as_str())
            .collect()
    }

    /// Categories that need consent and are used by a cookie or a service.
    pub fn consent_categories(&self) -> Vec<Category> {
        let used: BTreeSet<Category> = self
            .cookies
            .iter()
            .map(|c| c.get_ref().category)
            .chain(self.services.iter().map(|s| s.get_ref().category))
            .filter(|c| c.needs_consent())
            .collect();
        used.into_iter().collect()
    }

    /// Whether the site needs consent code at all.
    pub fn needs_consent(&self) -> bool {
        !self.consent_categories().is_empty()
    }

    /// Every third-party host of a service, for the content security policy.
    pub fn hosts(&self) -> Vec<Origin> {
        let hosts: BTreeSet<Origin> = self
            .services
            .iter()
            .flat_map(|s| s.get_ref().hosts.iter().cloned())
            .collect();
        hosts.into_iter().collect()
    }
}

/// A web origin as the content security policy names one: `https` or `http`, a host in
/// lower-case ASCII (an IDN in punycode), and a port unless it is the scheme's default. Its
/// text has no path, whitespace, `;` or `,`, so it cannot add sources or header lines.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin(String);

/// Why a host is not an origin, with the hint that goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginProblem {
    pub message: String,
    pub hint: &'static str,
}

const ORIGIN_HINT: &str =
    "write hosts as origins, e.g. \"https://stats.example.org\" or \"https://cdn.example:8443\"";

impl Origin {
    /// Parses a declared host; surrounding and inner whitespace, separators, wildcards,
    /// user info, paths, queries and fragments are refused rather than cleaned up.
    pub fn parse(text: &str) -> Result<Origin, OriginProblem> {
        let problem = |what: &str, hint: &'static str| OriginProblem {
            message: format!("the host `{}` {what}", text.escape_debug()),
            hint,
        };
        if let Some(c) = text
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || matches!(c, ';' | ',' | '\'' | '"'))
        {
            return Err(problem(
                &format!("contains {:?}, which would change the security policy", c),
                ORIGIN_HINT,
            ));
        }
        if text.contains('*') {
            return Err(problem(
                "has a wildcard",
                "list each host a service loads from; wildcards would allow every subdomain",
            ));
        }
        let url = url::Url::parse(text)
            .map_err(|e| problem(&format!("is not an origin ({e})"), ORIGIN_HINT))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(problem("is not an https:// or http:// origin", ORIGIN_HINT));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(problem(
                "contains a user name or password",
                "remove the `user:password@` part; it would be published in every page's headers",
            ));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(problem(
                "has a path, query or fragment",
                "an origin ends after the host (and port): remove everything from the first `/` after it",
            ));
        }
        if !matches!(url.host(), Some(url::Host::Domain(d)) if !d.is_empty())
            && !matches!(url.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)))
        {
            return Err(problem("has no host name", ORIGIN_HINT));
        }
        Ok(Origin(url.origin().ascii_serialization()))
    }

    /// The serialisation, e.g. `https://xn--bcher-kva.example:8443`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether an absolute or protocol-relative URL is served from this origin.
    pub fn serves(&self, url: &str) -> bool {
        let base = url::Url::parse("https://base.invalid/").ok();
        let parsed = match url.strip_prefix("//") {
            Some(_) => base.and_then(|b| b.join(url).ok()),
            None => url::Url::parse(url).ok(),
        };
        parsed.is_some_and(|u| u.origin().ascii_serialization() == self.0)
    }
}

impl std::ops::Deref for Origin {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Origin {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Origin::parse(&text).map_err(|p| serde::de::Error::custom(p.message))
    }
}

/// Just the hosts, with their spans, so each bad one is reported at its value with its own
/// hint before the typed parse (which stops at the first).
#[derive(Deserialize)]
struct RawHosts {
    #[serde(default)]
    services: Vec<RawService>,
}

#[derive(Deserialize)]
struct RawService {
    #[serde(default)]
    hosts: Vec<Spanned<String>>,
}

fn host_problems(text: &str, at: Embedding<'_>) -> Vec<Diagnostic> {
    let Ok(raw) = toml::from_str::<RawHosts>(text) else {
        return Vec::new();
    };
    raw.services
        .iter()
        .flat_map(|s| &s.hosts)
        .filter_map(|host| {
            let problem = Origin::parse(host.get_ref()).err()?;
            Some(
                at.error_span(&host.span(), problem.message)
                    .hint(problem.hint),
            )
        })
        .collect()
}

/// Parses and checks `data/cookies.toml`.
pub fn parse(text: &str) -> Result<Cookies, Vec<Diagnostic>> {
    let at = Embedding::whole(COOKIES_PATH, text);
    let hosts = host_problems(text, at);
    if !hosts.is_empty() {
        return Err(hosts);
    }
    let cookies: Cookies = toml_data::parse(text, at)?;
    let mut problems = duplicate_services(&cookies, at);
    problems.extend(script_problems(&cookies, at));
    problems.extend(cookie_service_problems(&cookies, at));
    if problems.is_empty() {
        Ok(cookies)
    } else {
        Err(problems)
    }
}

/// Each service has its own id.
fn duplicate_services(cookies: &Cookies, at: Embedding<'_>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let ids = cookies.service_ids();
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            problems.push(
                at.error_span(
                    &cookies.services[i].span(),
                    format!("two services have the id `{id}`"),
                )
                .hint("give each service its own id"),
            );
        }
    }
    problems
}

/// A service's scripts are site paths, or URLs on one of its declared hosts.
fn script_problems(cookies: &Cookies, at: Embedding<'_>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for service in &cookies.services {
        let s = service.get_ref();
        for script in &s.scripts {
            let external = script.starts_with("http://")
                || script.starts_with("https://")
                || script.starts_with("//");
            if external && !s.hosts.iter().any(|h| h.serves(script)) {
                problems.push(
                    at.error_span(
                        &service.span(),
                        format!(
                            "service `{}` loads `{script}` from a host it does not declare",
                            s.id
                        ),
                    )
                    .hint("add the script's origin to the service's `hosts`"),
                );
            }
            if !external && !script.starts_with('/') {
                problems.push(
                    at.error_span(
                        &service.span(),
                        format!(
                            "script `{script}` of service `{}` is neither a site path nor a URL",
                            s.id
                        ),
                    )
                    .hint("write first-party scripts as site paths, e.g. \"/js/stats.js\""),
                );
            }
        }
    }
    problems
}

/// A cookie's service exists and has the cookie's category.
fn cookie_service_problems(cookies: &Cookies, at: Embedding<'_>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let ids = cookies.service_ids();
    for cookie in &cookies.cookies {
        let c = cookie.get_ref();
        if let Some(service) = &c.service {
            match cookies.services.iter().find(|s| &s.get_ref().id == service) {
                None => {
                    let mut d = at.error_span(
                        &cookie.span(),
                        format!("cookie `{}` names the unknown service `{service}`", c.name),
                    );
                    d = match crate::diagnostics::did_you_mean(service, ids.iter().copied()) {
                        Some(close) => d.hint(format!("did you mean `{close}`?")),
                        None => {
                            d.hint("add a `[[services]]` table with that id, or remove `service`")
                        }
                    };
                    problems.push(d);
                }
                Some(s) if s.get_ref().category != c.category => problems.push(
                    at.error_span(
                        &cookie.span(),
                        format!(
                            "cookie `{}` is `{}` but its service `{service}` is `{}`",
                            c.name,
                            c.category.key(),
                            s.get_ref().category.key()
                        ),
                    )
                    .hint("a cookie has the category of the service that sets it"),
                ),
                Some(_) => {}
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVENTORY: &str = r#"revision = 2
[[services]]
id = "stats"
name = "Statistics"
provider = "Us"
category = "analytics"
purpose = "Counting visits"
scripts = ["/js/stats.js"]

[[cookies]]
name = "stats_id"
provider = "Us"
category = "analytics"
purpose = "Distinguishes visitors"
duration = "13 months"
party = "first"
service = "stats"
"#;

    #[test]
    fn inventory_with_analytics_needs_consent() {
        let cookies = parse(INVENTORY).unwrap();
        assert_eq!(cookies.consent_categories(), [Category::Analytics]);
    }

    #[test]
    fn unknown_category_and_service_are_located() {
        let errors = parse(&INVENTORY.replace(
            "category = \"analytics\"\npurpose = \"Distinguishes",
            "category = \"analytic\"\npurpose = \"Distinguishes",
        ))
        .unwrap_err();
        assert!(
            errors[0].to_string().contains("unknown variant `analytic`"),
            "{}",
            errors[0]
        );
        let errors =
            parse(&INVENTORY.replace("service = \"stats\"", "service = \"stat\"")).unwrap_err();
        assert!(errors[0].message.contains("unknown service `stat`"));
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `stats`?"));
    }

    #[test]
    fn hosts_are_normalised_origins() {
        for (text, origin) in [
            ("https://stats.example", "https://stats.example"),
            ("https://Stats.Example/", "https://stats.example"),
            ("https://stats.example:443", "https://stats.example"),
            ("http://stats.example:8080", "http://stats.example:8080"),
            ("https://bücher.example", "https://xn--bcher-kva.example"),
            ("https://[::1]:8443", "https://[::1]:8443"),
        ] {
            assert_eq!(
                Origin::parse(text).map(|o| o.0),
                Ok(origin.to_string()),
                "{text}"
            );
        }
        let stats = Origin::parse("https://stats.example").unwrap();
        assert!(stats.serves("https://stats.example/s.js"));
        assert!(stats.serves("//stats.example/s.js"));
        assert!(!stats.serves("https://stats.example.evil.example/s.js"));
        assert!(!stats.serves("http://stats.example/s.js"));
    }

    #[test]
    fn hosts_that_are_not_origins_are_refused() {
        for (text, phrase) in [
            ("https://a.example\nX-Evil: 1", "contains '\\n'"),
            ("https://a.example; script-src *", "contains ';'"),
            ("https://a.example;", "contains ';'"),
            ("https://a.example,https://b.example", "contains ','"),
            (" https://a.example", "contains ' '"),
            ("https://*.example", "has a wildcard"),
            ("https://a.example/js/", "has a path"),
            ("https://a.example?x", "has a path"),
            ("https://u:p@a.example", "user name or password"),
            ("ftp://a.example", "is not an https:// or http:// origin"),
            ("stats.example", "is not an origin"),
            ("https://", "is not an origin"),
        ] {
            let problem = Origin::parse(text).unwrap_err();
            assert!(
                problem.message.contains(phrase),
                "{text}: {}",
                problem.message
            );
        }
    }

    #[test]
    fn every_bad_host_is_located_at_its_value() {
        let text = INVENTORY.replace(
            "scripts = [\"/js/stats.js\"]",
            "hosts = [\"https://ok.example\", \"https://a.example\\nX: 1\"]\nscripts = []\n[[services]]\nid = \"b\"\nname = \"B\"\nprovider = \"B\"\ncategory = \"analytics\"\npurpose = \"P\"\nhosts = [\"https://b.example/x\"]",
        );
        let errors: Vec<String> = parse(&text)
            .unwrap_err()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with(
                "data/cookies.toml:8:32: error: the host `https://a.example\\nX: 1` contains '\\n'"
            ),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].starts_with(
                "data/cookies.toml:16:10: error: the host `https://b.example/x` has a path"
            ),
            "{}",
            errors[1]
        );
    }

    #[test]
    fn external_scripts_need_a_declared_host() {
        let errors = parse(&INVENTORY.replace("\"/js/stats.js\"", "\"https://cdn.example/s.js\""))
            .unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("from a host it does not declare"),
            "{}",
            errors[0]
        );
    }
}
