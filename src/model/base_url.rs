//! The base URL a site is served from: parsed and normalised once, then trusted.
//!
//! A leaf of the model: it depends on nothing in the crate.

use serde::Deserialize;

/// An absolute `http(s)` base URL, split into origin and path (always ending in `/`).
///
/// Parsed once with the `url` crate (WHATWG rules) and normalised: the host in lower-case
/// ASCII (an IDN in its punycode form), the default port dropped, repeated slashes collapsed,
/// spaces and non-ASCII letters of the path percent-encoded. User info, a query or a fragment
/// are refused: the base URL is published in every sitemap, feed and calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://host` or `http://host:8080`.
    origin: String,
    /// The host alone, without port (`iris.example`).
    host: String,
    path: String,
}

/// Why a text is not a usable base URL; `message` and `hint` become the diagnostic's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BaseUrlProblem {
    NotAUrl,
    Scheme,
    UserInfo,
    QueryOrFragment,
    NoHost,
}

impl BaseUrlProblem {
    const ALL: [BaseUrlProblem; 5] = [
        BaseUrlProblem::NotAUrl,
        BaseUrlProblem::Scheme,
        BaseUrlProblem::UserInfo,
        BaseUrlProblem::QueryOrFragment,
        BaseUrlProblem::NoHost,
    ];

    /// The end of the message, which also identifies the problem in a serde error.
    fn phrase(self) -> &'static str {
        match self {
            BaseUrlProblem::NotAUrl => "is not an absolute URL",
            BaseUrlProblem::Scheme => "is not an http:// or https:// URL",
            BaseUrlProblem::UserInfo => "contains a user name or password",
            BaseUrlProblem::QueryOrFragment => "has a query (`?`) or fragment (`#`)",
            BaseUrlProblem::NoHost => "has no valid host name",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            BaseUrlProblem::NotAUrl | BaseUrlProblem::Scheme | BaseUrlProblem::NoHost => {
                "write the address the site is served from, e.g. \"https://example.org/\" or \"https://example.org/sub/\""
            }
            BaseUrlProblem::UserInfo => {
                "remove the `user:password@` part: the base URL is published in every sitemap, feed and calendar"
            }
            BaseUrlProblem::QueryOrFragment => {
                "a base URL is a folder: remove everything from the `?` or `#` on"
            }
        }
    }

    fn message(self, text: &str) -> String {
        format!("`{}` {}", text.escape_debug(), self.phrase())
    }
}

impl BaseUrl {
    /// Parses and normalises a base URL (site.toml's `base_url`, a chapter's `site_url`,
    /// `--base-url`); the error is a one-line message.
    pub fn parse(s: &str) -> Result<Self, String> {
        let text = s.trim();
        Self::check(text).map_err(|problem| problem.message(text))
    }

    fn check(text: &str) -> Result<Self, BaseUrlProblem> {
        let url = url::Url::parse(text).map_err(|e| match e {
            url::ParseError::RelativeUrlWithoutBase => BaseUrlProblem::Scheme,
            url::ParseError::EmptyHost
            | url::ParseError::IdnaError
            | url::ParseError::InvalidDomainCharacter
            | url::ParseError::InvalidIpv4Address
            | url::ParseError::InvalidIpv6Address
            | url::ParseError::InvalidPort => BaseUrlProblem::NoHost,
            _ => BaseUrlProblem::NotAUrl,
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BaseUrlProblem::Scheme);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(BaseUrlProblem::UserInfo);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BaseUrlProblem::QueryOrFragment);
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) if !d.is_empty() => d.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => format!("[{ip}]"),
            _ => return Err(BaseUrlProblem::NoHost),
        };
        // `url` has already percent-encoded spaces and non-ASCII letters and resolved `.`
        // and `..`; an empty segment (`https://host//`) would make links protocol-relative.
        let mut path = String::from("/");
        for segment in url.path().split('/').filter(|s| !s.is_empty()) {
            path.push_str(segment);
            path.push('/');
        }
        Ok(BaseUrl {
            origin: url.origin().ascii_serialization(),
            host,
            path,
        })
    }

    /// The hint for a message made by [`BaseUrl::parse`], for diagnostics built from it.
    pub fn hint_for(message: &str) -> Option<&'static str> {
        BaseUrlProblem::ALL
            .into_iter()
            .find(|p| message.starts_with('`') && message.ends_with(p.phrase()))
            .map(BaseUrlProblem::hint)
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

    /// The host name without port (`iris.example`), for tag URIs and calendar UIDs.
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl<'de> Deserialize<'de> for BaseUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        BaseUrl::parse(&s).map_err(serde::de::Error::custom)
    }
}
