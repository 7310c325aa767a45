//! A web origin (scheme, host, port) as a cookie inventory declares one and the content
//! security policy names it, and the origin of a URL a page loads, compared by value: never
//! by string prefix, so `https://stats.example` does not serve
//! `https://stats.example.evil.net/`.

use std::fmt;

use serde::{Deserialize, Serialize};

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

    /// The origin an absolute (`https://…`) or protocol-relative (`//…`, read as https)
    /// URL is loaded from, normalised as a declared host is: scheme and host lower-case, an
    /// IDN in punycode, the scheme's default port dropped. `None` for another scheme or a
    /// URL that does not parse (a browser would not load it either).
    pub fn of_url(url: &str) -> Option<Origin> {
        let url = url.trim();
        let parsed = if url.starts_with("//") {
            url::Url::parse(&format!("https:{url}")).ok()?
        } else {
            url::Url::parse(url).ok()?
        };
        if !matches!(parsed.scheme(), "https" | "http") || parsed.host().is_none() {
            return None;
        }
        Some(Origin(parsed.origin().ascii_serialization()))
    }

    /// Whether an absolute or protocol-relative URL is served from this origin.
    pub fn serves(&self, url: &str) -> bool {
        Origin::of_url(url).is_some_and(|o| o == *self)
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!stats.serves("https://stats.example.evil.net/x.js"));
        assert!(!stats.serves("https://stats.example@evil.net/x.js"));
        assert!(stats.serves("HTTPS://STATS.Example/x.js"));
        assert!(stats.serves("https://stats.example:443/x.js"));
        assert!(!stats.serves("https://stats.example:8443/x.js"));
        assert!(!stats.serves("javascript:alert(1)"));
    }

    #[test]
    fn origins_of_urls_are_normalised() {
        for (url, origin) in [
            (
                "https://Stats.Example:443/s.js?x=1",
                Some("https://stats.example"),
            ),
            ("//stats.example/s.js", Some("https://stats.example")),
            ("http://stats.example:80/", Some("http://stats.example")),
            (
                "http://stats.example:8080/",
                Some("http://stats.example:8080"),
            ),
            (
                "https://stats.example.evil.net/x.js",
                Some("https://stats.example.evil.net"),
            ),
            ("mailto:a@b.example", None),
            ("/js/s.js", None),
        ] {
            assert_eq!(
                Origin::of_url(url).as_ref().map(Origin::as_str),
                origin,
                "{url}"
            );
        }
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
}
