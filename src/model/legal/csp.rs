//! The content security policy, built once from the cookie inventory: per directive, the
//! site's own origin plus each declared host that serves that kind of resource. `check`
//! accepts a third-party resource exactly when [`Policy::allows`] does, and `_headers` and
//! every page's `<meta http-equiv>` write this same policy, so what the checker passes the
//! browser loads, and the browser allows nothing the inventory does not declare.

use serde::{Deserialize, Serialize};

use super::cookies::Cookies;
use super::origin::Origin;

/// What a page loads from a host, each governed by one CSP directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Script,
    Image,
    Frame,
    Style,
    Font,
    Media,
    /// `fetch`, beacons, `XMLHttpRequest` and event streams made by scripts.
    Connect,
    /// A form's `action` (or a button's `formaction`).
    Form,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 8] = [
        ResourceKind::Script,
        ResourceKind::Image,
        ResourceKind::Frame,
        ResourceKind::Style,
        ResourceKind::Font,
        ResourceKind::Media,
        ResourceKind::Connect,
        ResourceKind::Form,
    ];

    /// The name written in cookies.toml's `serves`.
    pub fn key(self) -> &'static str {
        match self {
            ResourceKind::Script => "script",
            ResourceKind::Image => "image",
            ResourceKind::Frame => "frame",
            ResourceKind::Style => "style",
            ResourceKind::Font => "font",
            ResourceKind::Media => "media",
            ResourceKind::Connect => "connect",
            ResourceKind::Form => "form",
        }
    }

    /// The directive that governs it.
    pub fn directive(self) -> &'static str {
        match self {
            ResourceKind::Script => "script-src",
            ResourceKind::Image => "img-src",
            ResourceKind::Frame => "frame-src",
            ResourceKind::Style => "style-src",
            ResourceKind::Font => "font-src",
            ResourceKind::Media => "media-src",
            ResourceKind::Connect => "connect-src",
            ResourceKind::Form => "form-action",
        }
    }

    /// What an element loads its URL as (the extractor names `poster` an `img`); `None` for
    /// an element that loads nothing by itself (`a`) or that the policy never allows
    /// (`object`, `embed`: `object-src 'none'`).
    pub fn of_tag(tag: &str) -> Option<ResourceKind> {
        Some(match tag {
            "script" => ResourceKind::Script,
            "img" | "picture" => ResourceKind::Image,
            "iframe" | "frame" => ResourceKind::Frame,
            "link" => ResourceKind::Style,
            "video" | "audio" | "source" | "track" => ResourceKind::Media,
            "form" | "button" | "input" => ResourceKind::Form,
            _ => return None,
        })
    }

    /// Kinds a page's HTML never shows (fonts come from stylesheets, beacons from scripts),
    /// so `check` cannot tell a host of only these kinds is unused.
    pub fn invisible_in_html(self) -> bool {
        matches!(self, ResourceKind::Font | ResourceKind::Connect)
    }
}

/// Every directive with its sources, in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    directives: Vec<(&'static str, Vec<String>)>,
}

/// Directives a `<meta http-equiv>` policy cannot carry (CSP 3, §3.3): browsers ignore them.
const HEADER_ONLY: [&str; 3] = ["frame-ancestors", "report-uri", "sandbox"];

impl Policy {
    /// The policy for a site with this inventory: `'self'` everywhere, `data:` images, and
    /// each declared host in the directive of every kind it serves.
    pub fn new(cookies: &Cookies) -> Policy {
        let mut directives = vec![("default-src", vec!["'self'".to_string()])];
        for kind in ResourceKind::ALL {
            let mut sources = vec!["'self'".to_string()];
            if kind == ResourceKind::Image {
                sources.push("data:".to_string());
            }
            sources.extend(
                cookies
                    .hosts_serving(kind)
                    .into_iter()
                    .map(|h| h.as_str().to_string()),
            );
            directives.push((kind.directive(), sources));
        }
        for (name, source) in [
            ("object-src", "'none'"),
            ("base-uri", "'self'"),
            ("frame-ancestors", "'self'"),
        ] {
            directives.push((name, vec![source.to_string()]));
        }
        directives.push(("upgrade-insecure-requests", Vec::new()));
        Policy { directives }
    }

    /// Whether a resource of `kind` may load from `origin` (a third party: the site's own
    /// origin is always allowed as `'self'`).
    pub fn allows(&self, kind: ResourceKind, origin: &Origin) -> bool {
        self.sources(kind.directive())
            .is_some_and(|s| s.iter().any(|s| s == origin.as_str()))
    }

    fn sources(&self, directive: &str) -> Option<&[String]> {
        self.directives
            .iter()
            .find(|(name, _)| *name == directive)
            .map(|(_, s)| s.as_slice())
    }

    /// The `Content-Security-Policy` header's value.
    pub fn header(&self) -> String {
        self.write(|_| true)
    }

    /// The same policy as a `<meta http-equiv>` may carry it: without `frame-ancestors`
    /// (the `X-Frame-Options` header, where there is one, does that part).
    pub fn meta(&self) -> String {
        self.write(|name| !HEADER_ONLY.contains(&name))
    }

    fn write(&self, keep: impl Fn(&str) -> bool) -> String {
        self.directives
            .iter()
            .filter(|(name, _)| keep(name))
            .map(|(name, sources)| {
                std::iter::once(*name)
                    .chain(sources.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Reads a written policy back (for tests that hold the written text to the checker).
    pub fn parse(text: &str) -> Vec<(String, Vec<String>)> {
        text.split(';')
            .filter_map(|d| {
                let mut words = d.split_whitespace();
                let name = words.next()?.to_string();
                Some((name, words.map(str::to_string).collect()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(services: &str) -> Cookies {
        super::super::cookies::parse(&format!("revision = 1\n{services}")).unwrap()
    }

    const VIDEO: &str = "[[services]]\nid = \"video\"\nname = \"Video\"\nprovider = \"V\"\ncategory = \"marketing\"\npurpose = \"Videos\"\nhosts = [\"https://Video.example:443\", \"https://cdn.video.example\"]\nserves = [\"frame\", \"image\"]\n";

    #[test]
    fn each_host_opens_only_the_directives_of_its_kinds() {
        let policy = Policy::new(&inventory(VIDEO));
        let header = policy.header();
        assert!(
            header.contains("frame-src 'self' https://cdn.video.example https://video.example;"),
            "{header}"
        );
        assert!(
            header
                .contains("img-src 'self' data: https://cdn.video.example https://video.example;"),
            "{header}"
        );
        assert!(header.contains("script-src 'self';"), "{header}");
        assert!(header.contains("frame-ancestors 'self'"), "{header}");
        assert!(
            !policy.meta().contains("frame-ancestors"),
            "{}",
            policy.meta()
        );
        assert!(!header.contains("unsafe-inline") && !header.contains('*'));
    }

    #[test]
    fn a_host_without_serves_serves_every_kind() {
        let policy = Policy::new(&inventory(
            &VIDEO.replace("serves = [\"frame\", \"image\"]\n", ""),
        ));
        let video = Origin::parse("https://video.example").unwrap();
        for kind in ResourceKind::ALL {
            assert!(policy.allows(kind, &video), "{kind:?}");
        }
    }

    /// The property `check` relies on: what the written header allows for each kind is
    /// exactly what [`Policy::allows`] (the checker's rule) accepts, over declared and
    /// undeclared origins alike.
    #[test]
    fn the_written_policy_is_the_checkers_rule() {
        let cookies = inventory(&format!(
            "{VIDEO}[[services]]\nid = \"stats\"\nname = \"S\"\nprovider = \"S\"\ncategory = \"analytics\"\npurpose = \"P\"\nhosts = [\"https://stats.example\"]\nserves = [\"script\", \"connect\"]\n"
        ));
        let policy = Policy::new(&cookies);
        let written = Policy::parse(&policy.header());
        let candidates = [
            "https://video.example",
            "https://cdn.video.example",
            "https://stats.example",
            "https://stats.example.evil.net",
            "http://video.example",
            "https://video.example:8443",
        ];
        for kind in ResourceKind::ALL {
            let (_, sources) = written
                .iter()
                .find(|(name, _)| name == kind.directive())
                .unwrap_or_else(|| panic!("no {}", kind.directive()));
            for candidate in candidates {
                let origin = Origin::parse(candidate).unwrap();
                let in_header = sources.iter().any(|s| s == candidate);
                assert_eq!(
                    in_header,
                    policy.allows(kind, &origin),
                    "{kind:?} {candidate}"
                );
                let declared = cookies.services.iter().any(|s| {
                    let s = s.get_ref();
                    s.hosts.contains(&origin) && s.serves(kind)
                });
                assert_eq!(in_header, declared, "{kind:?} {candidate}");
            }
            for source in sources.iter().filter(|s| s.contains("://")) {
                assert!(
                    candidates.contains(&source.as_str()),
                    "{source} is undeclared"
                );
            }
        }
    }
}
