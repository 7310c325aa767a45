//! `data/cookies.toml`: the cookie inventory and the services and script hosts behind it.
//!
//! The `revision` is stored with a visitor's consent; raising it (a new service, a new
//! category) makes earlier consent void, so the banner asks again. A service's `hosts` are
//! parsed into [`Origin`]s, since they are written into the content security policy.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::toml_data::{self, Embedding};

pub use super::csp::ResourceKind;
pub use super::origin::Origin;

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
    pub purpose: crate::model::text::Prose,
    /// Third-party origins pages load from for this service (`https://stats.example`).
    #[serde(default)]
    pub hosts: Vec<Origin>,
    /// What its hosts serve (`script`, `image`, `frame`, …), each opening one directive of
    /// the content security policy; empty means every kind.
    #[serde(default)]
    pub serves: Vec<ResourceKind>,
    /// Scripts emitted on every page, blocked until the category is consented to.
    #[serde(default)]
    pub scripts: Vec<String>,
    pub privacy_url: Option<String>,
}

impl Service {
    /// Whether its hosts serve this kind of resource.
    pub fn serves(&self, kind: ResourceKind) -> bool {
        self.serves.is_empty() || self.serves.contains(&kind)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cookie {
    pub name: String,
    pub provider: String,
    pub category: Category,
    pub purpose: crate::model::text::Prose,
    pub duration: String,
    pub party: Party,
    /// The `id` of the service that sets it, if any.
    pub service: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cookies {
    /// Optional: raising it asks every visitor again even when the inventory is unchanged
    /// (the inventory itself is hashed into the revision consent is stored with).
    #[serde(default)]
    pub revision: u32,
    #[serde(default)]
    pub introduction: String,
    #[serde(default)]
    pub services: Vec<Spanned<Service>>,
    #[serde(default)]
    pub cookies: Vec<Spanned<Cookie>>,
    #[serde(default)]
    pub consent: ConsentSettings,
}

/// `[consent]`: how long a choice holds and where a record of each choice is sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentSettings {
    /// Days after which a stored choice is asked again (about six months by default).
    #[serde(default = "default_expiry_days")]
    pub expiry_days: u32,
    /// A first-party path (`/api/consent`) that receives a JSON record of every choice.
    pub log_endpoint: Option<Spanned<String>>,
}

impl Default for ConsentSettings {
    fn default() -> Self {
        ConsentSettings {
            expiry_days: default_expiry_days(),
            log_endpoint: None,
        }
    }
}

fn default_expiry_days() -> u32 {
    182
}

impl Cookies {
    /// The revision a visitor's choice is stored with: a hash of everything consent is
    /// asked for (the non-necessary services with their hosts, kinds and scripts, and the
    /// non-necessary cookies) and of `revision`, so any change to them asks again.
    pub fn inventory_revision(&self) -> String {
        let services: Vec<&Service> = self
            .services
            .iter()
            .map(|s| s.get_ref())
            .filter(|s| s.category.needs_consent())
            .collect();
        let cookies: Vec<&Cookie> = self
            .cookies
            .iter()
            .map(|c| c.get_ref())
            .filter(|c| c.category.needs_consent())
            .collect();
        let text = serde_json::to_string(&(self.revision, services, cookies)).unwrap_or_default();
        // FNV-1a, 64 bits: stable across builds and platforms, and no secret to keep.
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        format!("{hash:016x}")
    }

    /// Whether a Google tag is declared (its scripts or hosts), for Consent Mode.
    pub fn has_google_tag(&self) -> bool {
        const GOOGLE: [&str; 2] = ["www.googletagmanager.com", "www.google-analytics.com"];
        self.services.iter().map(|s| s.get_ref()).any(|s| {
            s.hosts
                .iter()
                .any(|h| GOOGLE.iter().any(|g| h.as_str() == format!("https://{g}")))
        })
    }

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

    /// The hosts that serve `kind`, for its directive of the content security policy.
    pub fn hosts_serving(&self, kind: ResourceKind) -> Vec<Origin> {
        let hosts: BTreeSet<Origin> = self
            .services
            .iter()
            .map(|s| s.get_ref())
            .filter(|s| s.serves(kind))
            .flat_map(|s| s.hosts.iter().cloned())
            .collect();
        hosts.into_iter().collect()
    }

    /// The service that declares `origin`, if any.
    pub fn service_of(&self, origin: &Origin) -> Option<&Service> {
        self.services
            .iter()
            .map(|s| s.get_ref())
            .find(|s| s.hosts.contains(origin))
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
    problems.extend(log_endpoint_problem(&cookies, at));
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

/// The consent log is first-party: a path on the site's own origin.
fn log_endpoint_problem(cookies: &Cookies, at: Embedding<'_>) -> Option<Diagnostic> {
    let endpoint = cookies.consent.log_endpoint.as_ref()?;
    let path = endpoint.get_ref();
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\')
        });
    (!ok).then(|| {
        at.error_span(
            &endpoint.span(),
            format!(
                "`log_endpoint` `{}` is not a path on this site",
                path.escape_debug()
            ),
        )
        .hint("consent records go to the site's own server: write a path such as \"/api/consent\"")
    })
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
