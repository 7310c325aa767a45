//! Links: every internal link and fragment of the rendered pages resolves, no placeholder
//! or `javascript:` links, well-formed mailto addresses; external links and third-party
//! resources are collected. Used alike by `build`, `check` and `watch` (through the
//! pipeline): pages are inspected while they render (only their links and ids are kept),
//! verified once every page exists, and findings become diagnostics in [`diagnose`].

mod entities;
mod extract;
pub mod percent;
mod problem;
mod resolve;

use std::collections::{BTreeMap, BTreeSet, HashSet};

pub use extract::{PageLinks, extract, extract_generated};
pub use problem::{Finding, LinkProblem, Spellings, diagnose};
pub use resolve::is_email;

/// Decodes character references in an attribute value as a browser does.
pub fn decode_references(value: &str) -> String {
    entities::decode(value)
}

/// What the checker keeps of one rendered page: its problems and what can only be checked
/// once every page exists (fragments on other pages). Small, so `build` never holds pages.
#[derive(Debug, Clone, Default)]
pub struct CheckedPage {
    /// The source the page was made from, named in findings.
    pub origin: String,
    /// Every `id` of the page, for fragment links from other pages.
    pub ids: BTreeSet<String>,
    /// The problems found on this page alone.
    pub problems: Vec<LinkProblem>,
    /// Links to a fragment of another page: (href, target output, fragment).
    pub pending: Vec<(String, String, String)>,
    pub external: Vec<String>,
    /// Resources (script, img, iframe, …) loaded from another origin: (tag, URL).
    pub third_party: Vec<(String, String)>,
}

/// What the site's links resolve against.
pub struct LinkContext {
    outputs: HashSet<String>,
    /// Hrefs known to lead to a page or file (`/sub/about/`, `/sub/style.css`): the links
    /// a theme repeats on every page are accepted with one lookup.
    known: HashSet<String>,
    /// The base URL's path (`/sub/`).
    root_path: String,
    /// The absolute root (`https://example.org/sub/`).
    root_url: String,
    /// Parse with a full HTML parser (`check`) rather than the fast scanner (`build`).
    thorough: bool,
    /// What third-party resources may load: the content security policy and the site's own
    /// origin.
    policy: crate::legal::csp::Policy,
    own_origin: Option<crate::legal::cookies::Origin>,
    /// The declared services by host, to tell an undeclared host from a wrong kind.
    declared: std::collections::BTreeMap<crate::legal::cookies::Origin, String>,
}

impl LinkContext {
    pub fn new(plan: &crate::plan::Plan, cookies: &crate::legal::Cookies, thorough: bool) -> Self {
        let root_path = plan.layout.root().path().to_string();
        let outputs: HashSet<String> = plan.routes.iter().map(|r| r.output.clone()).collect();
        let known = outputs
            .iter()
            .flat_map(|output| {
                let folder = output
                    .strip_suffix("index.html")
                    .filter(|f| f.is_empty() || f.ends_with('/'))
                    .map(|folder| format!("{root_path}{folder}"));
                std::iter::once(format!("{root_path}{output}")).chain(folder)
            })
            .collect();
        let root_url = plan.layout.absolute("");
        LinkContext {
            outputs,
            known,
            own_origin: crate::legal::cookies::Origin::of_url(&root_url),
            root_url,
            root_path,
            thorough,
            policy: crate::legal::csp::Policy::new(cookies),
            declared: cookies
                .services
                .iter()
                .flat_map(|s| {
                    let s = s.get_ref();
                    s.hosts.iter().map(|h| (h.clone(), s.id.clone()))
                })
                .collect(),
        }
    }
}

const RESOURCE_TAGS: [&str; 14] = [
    "script", "iframe", "frame", "img", "link", "source", "video", "audio", "embed", "object",
    "track", "form", "button", "input",
];

/// Checks one page's links against the outputs; fragments on other pages are left pending.
pub fn inspect(
    html: &[u8],
    output: &str,
    url: &str,
    origin: &str,
    context: &LinkContext,
) -> CheckedPage {
    let links = if context.thorough {
        extract(html)
    } else {
        extract_generated(html)
    };
    let mut page = CheckedPage {
        origin: origin.to_string(),
        ..CheckedPage::default()
    };
    for (href, tag) in &links.links {
        // Every occurrence is kept: diagnose locates the n-th at the n-th place written.
        if let Some(problem) =
            resolve::check_one(href, tag, output, url, &links.ids, context, &mut page)
        {
            page.problems.push(problem);
        }
    }
    page.ids = links.ids;
    page
}

/// The result of checking all pages' links.
#[derive(Debug, Default)]
pub struct LinkReport {
    pub problems: Vec<Finding>,
    /// External URL → the source files linking to it.
    pub external: BTreeMap<String, BTreeSet<String>>,
}

/// Resolves what was pending (fragments on other pages) and gathers every finding.
pub fn verify(pages: &BTreeMap<String, CheckedPage>) -> LinkReport {
    let mut report = LinkReport {
        problems: gather(pages, None),
        ..LinkReport::default()
    };
    for page in pages.values() {
        for url in &page.external {
            report
                .external
                .entry(url.clone())
                .or_default()
                .insert(page.origin.clone());
        }
    }
    report
}

/// The internal-link problems after the `changed` pages were re-inspected, when all other
/// pages were found clean before: the changed pages' own links, and fragment links from any
/// page into a changed page (an edit can remove a heading others point to).
pub fn verify_changed(
    pages: &BTreeMap<String, CheckedPage>,
    changed: &BTreeSet<String>,
) -> Vec<Finding> {
    gather(pages, Some(changed))
}

/// The problems of every page, or with `changed`, those of the changed pages and of fragment
/// links into them; each (source, message) once.
fn gather(
    pages: &BTreeMap<String, CheckedPage>,
    changed: Option<&BTreeSet<String>>,
) -> Vec<Finding> {
    let is_changed = |output: &str| changed.is_none_or(|c| c.contains(output));
    let mut found = Vec::new();
    for (output, page) in pages {
        let whole = is_changed(output);
        let mut problems = if whole {
            page.problems.clone()
        } else {
            Vec::new()
        };
        for (href, target, fragment) in &page.pending {
            if (whole || is_changed(target))
                && let Some(target_page) = pages.get(target)
                && let Some(problem) = resolve::check_fragment(fragment, &target_page.ids, href)
            {
                problems.push(problem);
            }
        }
        for problem in problems {
            found.push(Finding {
                origin: page.origin.clone(),
                output: output.clone(),
                problem,
            });
        }
    }
    found
}
