//! Third-party resources held until consent: in a rendered page, every element that would
//! load from a host of a non-necessary service (script, img, iframe, stylesheet or other
//! `<link>`, audio, video, source, track, form action) is emitted inert. Its URL attribute
//! moves to `data-consent-<attribute>` and it gains `data-consent-category`; a script also
//! becomes `type="text/plain"`. consent.js puts the attributes back once the visitor has
//! agreed to that category, so a crawler that refuses, or never answers, sees no request to
//! the host.

use std::collections::BTreeMap;

use lol_html::{HtmlRewriter, Settings, element};

use crate::legal::Cookies;
use crate::legal::cookies::Origin;

/// The attributes through which an element loads a URL.
const URL_ATTRIBUTES: [&str; 6] = ["src", "srcset", "href", "action", "formaction", "poster"];

/// Elements whose URL attributes load something by themselves (`<a href>` only on a click).
const LOADING: &str =
    "script, img, iframe, frame, link, audio, video, source, track, form, button, input";

/// The gated hosts of a site: each host of a service that needs consent, with its category.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    hosts: BTreeMap<Origin, &'static str>,
    /// The declared first-party scripts of such services, as pages link them (`/js/s.js`):
    /// hand-written HTML that loads one is held like the theme's copy.
    scripts: BTreeMap<String, &'static str>,
    /// Gate every page, not only those naming a gated host (`raw_html = "allow"`: hand
    /// written HTML may spell a host with character references).
    always: bool,
}

impl Gate {
    pub fn new(cookies: &Cookies, plan: &crate::plan::Plan, always: bool) -> Gate {
        let optional = || {
            cookies
                .services
                .iter()
                .map(|s| s.get_ref())
                .filter(|s| s.category.needs_consent())
        };
        let hosts = optional()
            .flat_map(|s| s.hosts.iter().map(|h| (h.clone(), s.category.key())))
            .collect();
        let scripts = optional()
            .flat_map(|s| {
                s.scripts
                    .iter()
                    .filter(|src| src.starts_with('/') && !src.starts_with("//"))
                    .map(|src| (plan.href(src.trim_start_matches('/')), s.category.key()))
            })
            .collect();
        Gate {
            hosts,
            scripts,
            always,
        }
    }

    /// The page with every gated resource made inert; unchanged when there is none.
    pub fn apply(&self, html: Vec<u8>) -> Vec<u8> {
        let nothing_to_gate = self.hosts.is_empty() && (!self.always || self.scripts.is_empty());
        if nothing_to_gate || !(self.always || self.mentions_a_host(&html)) {
            return html;
        }
        let mut out = Vec::with_capacity(html.len() + 256);
        let settings = Settings::new().append_element_content_handler(element!(LOADING, |el| {
            let tag = el.tag_name();
            let mut category = None;
            for name in URL_ATTRIBUTES {
                let Some(value) = el.get_attribute(name) else {
                    continue;
                };
                let script = (tag == "script" && name == "src")
                    .then(|| self.scripts.get(value.trim()).copied())
                    .flatten();
                let Some(found) = script.or_else(|| self.category_of(name, &value)) else {
                    continue;
                };
                category = Some(found);
                el.remove_attribute(name);
                el.set_attribute(&format!("data-consent-{name}"), &value)?;
            }
            if let Some(category) = category {
                el.set_attribute("data-consent-category", category)?;
                if tag == "script" {
                    el.set_attribute("type", "text/plain")?;
                }
            }
            Ok(())
        }));
        let mut rewriter = HtmlRewriter::new(settings, |chunk: &[u8]| out.extend_from_slice(chunk));
        if rewriter.write(&html).is_err() || rewriter.end().is_err() {
            // lol_html refuses only on memory limits we do not set; keep the page as it was
            // (the checker still fails it for a live third-party resource).
            return html;
        }
        out
    }

    /// A cheap pre-check: whether any gated host's name occurs in the page at all.
    fn mentions_a_host(&self, html: &[u8]) -> bool {
        let text = String::from_utf8_lossy(html).to_ascii_lowercase();
        self.hosts.keys().any(|origin| {
            let host = origin.split_once("://").map_or(origin.as_str(), |(_, h)| h);
            text.contains(host)
        })
    }

    /// The category of the gated host an attribute value loads from, if any.
    fn category_of(&self, attribute: &str, value: &str) -> Option<&'static str> {
        let decoded = crate::links::decode_references(value);
        let urls: Vec<&str> = if attribute == "srcset" {
            decoded
                .split(',')
                .filter_map(|c| c.split_whitespace().next())
                .collect()
        } else {
            vec![decoded.as_str()]
        };
        urls.into_iter()
            .filter_map(Origin::of_url)
            .find_map(|origin| self.hosts.get(&origin).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate() -> Gate {
        let mut gate = Gate::default();
        let cookies = crate::legal::cookies::parse(
            "revision = 1\n[[services]]\nid = \"v\"\nname = \"V\"\nprovider = \"V\"\ncategory = \"marketing\"\npurpose = \"P\"\nhosts = [\"https://video.example\"]\n[[services]]\nid = \"cdn\"\nname = \"C\"\nprovider = \"C\"\ncategory = \"strictly_necessary\"\npurpose = \"P\"\nhosts = [\"https://cdn.example\"]\n",
        )
        .unwrap();
        for service in cookies.services.iter().map(|s| s.get_ref()) {
            if service.category.needs_consent() {
                for host in &service.hosts {
                    gate.hosts.insert(host.clone(), service.category.key());
                }
            }
        }
        gate.scripts.insert("/js/stats.js".to_string(), "analytics");
        gate.always = true;
        gate
    }

    fn gated(html: &str) -> String {
        String::from_utf8(gate().apply(html.as_bytes().to_vec())).unwrap()
    }

    #[test]
    fn every_kind_of_resource_from_a_gated_host_is_inert() {
        let html = gated(
            "<img src=\"https://Video.example:443/p.png\" alt=\"\"><iframe src=\"//video.example/e/1\" title=\"t\"></iframe><link rel=\"stylesheet\" href=\"https://video.example/s.css\"><video poster=\"https://video.example/p.jpg\"><source src=\"https://video.example/v.mp4\"></video><form action=\"https://video.example/f\"></form><script src=\"https://video.example/s.js\"></script>",
        );
        assert!(
            !html.contains(" src=\"")
                && !html.contains(" href=\"")
                && !html.contains(" action=\"")
                && !html.contains(" poster=\""),
            "{html}"
        );
        assert!(html.contains("<img alt=\"\" data-consent-src=\"https://Video.example:443/p.png\" data-consent-category=\"marketing\">"), "{html}");
        assert!(html.contains("<script data-consent-src=\"https://video.example/s.js\" data-consent-category=\"marketing\" type=\"text/plain\">"), "{html}");
        assert_eq!(
            html.matches("data-consent-category=\"marketing\"").count(),
            7,
            "{html}"
        );
    }

    #[test]
    fn a_declared_first_party_script_written_by_hand_is_held() {
        let html =
            gated("<script src=\"/js/stats.js\"></script><script src=\"/js/menu.js\"></script>");
        assert_eq!(
            html,
            "<script data-consent-src=\"/js/stats.js\" data-consent-category=\"analytics\" type=\"text/plain\"></script><script src=\"/js/menu.js\"></script>"
        );
    }

    #[test]
    fn other_hosts_links_and_necessary_hosts_stay_live() {
        let page = "<a href=\"https://video.example/watch\">watch</a><img src=\"https://cdn.example/x.png\" alt=\"\"><img src=\"https://video.example.evil.net/x.png\" alt=\"\">";
        assert_eq!(gated(page), page);
    }
}
