//! Link checking over rendered pages: every internal link and fragment resolves, no
//! placeholder links, well-formed mailto addresses; external links are collected.
//!
//! Pages are parsed with lol_html while they render (only their links and ids are kept), so
//! `build` can refuse a broken link without holding every page in memory.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use lol_html::{HtmlRewriter, Settings, element};

use crate::diagnostics::Diagnostic;

/// The links and anchor targets of one rendered page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageLinks {
    /// (attribute value, element name), in document order.
    pub links: Vec<(String, String)>,
    /// Every `id` (and `a name`) in the page, for fragment checks.
    pub ids: BTreeSet<String>,
}

/// Extracts links and ids from the HTML that chapterhouse itself writes, in one pass over
/// `="`: the templates, pulldown-cmark and ammonia always quote attributes with `"` and
/// escape `"` inside them, so this is exact for build output and several times faster than
/// a full parse. `check` uses [`extract`], a real HTML parser, for anything hand-written.
pub fn extract_generated(html: &[u8]) -> PageLinks {
    let mut found = PageLinks::default();
    let Ok(text) = std::str::from_utf8(html) else {
        return extract(html);
    };
    let bytes = text.as_bytes();
    let mut from = 0;
    // `find(char)` runs on memchr; attributes are `name="value"` in our own HTML.
    while let Some(found_at) = text[from..].find('=') {
        let at = from + found_at;
        from = at + 1;
        if bytes.get(at + 1) != Some(&b'"') {
            continue;
        }
        let name_start = text[..at]
            .rfind(|c: char| c.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let name = &text[name_start..at];
        if !matches!(name, "href" | "src" | "data-src" | "id" | "name") {
            continue;
        }
        let value_start = at + 2;
        let Some(len) = text[value_start..].find('"') else {
            continue;
        };
        let value = decode_entities(&text[value_start..value_start + len]);
        let tag_start = text[..name_start].rfind('<').map_or(0, |i| i + 1);
        let tag: String = text[tag_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name {
            "id" => {
                found.ids.insert(value);
            }
            "name" if tag == "a" => {
                found.ids.insert(value);
            }
            "name" => {}
            _ => found.links.push((value, tag)),
        }
    }
    found
}

/// Extracts links and ids from an HTML page with a real parser (lol_html).
pub fn extract(html: &[u8]) -> PageLinks {
    let found = RefCell::new(PageLinks::default());
    let settings = Settings::new()
        .append_element_content_handler(element!("[href], [src], [data-src]", |el| {
            let tag = el.tag_name();
            for attr in ["href", "src", "data-src"] {
                if let Some(value) = el.get_attribute(attr) {
                    found
                        .borrow_mut()
                        .links
                        .push((decode_entities(&value), tag.clone()));
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("[id], a[name]", |el| {
            let mut found = found.borrow_mut();
            for attr in ["id", "name"] {
                if let Some(value) = el.get_attribute(attr) {
                    found.ids.insert(decode_entities(&value));
                }
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let ok = rewriter.write(html).is_ok() && rewriter.end().is_ok();
    if ok {
        found.take()
    } else {
        PageLinks::default()
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What the checker keeps of one rendered page: its problems and what can only be checked
/// once every page exists (fragments on other pages). Small, so `build` never holds pages.
#[derive(Debug, Clone, Default)]
pub struct CheckedPage {
    /// The source file the page was made from, named in findings.
    pub origin: String,
    /// Every `id` of the page, for fragment links from other pages.
    pub ids: BTreeSet<String>,
    /// (message, hint) of the problems found on this page alone.
    pub problems: Vec<(String, String)>,
    /// Links to a fragment of another page: (href, target output, fragment).
    pub pending: Vec<(String, String, String)>,
    pub external: Vec<String>,
    /// Resources (script, img, iframe, …) loaded from another origin: (tag, URL).
    pub third_party: Vec<(String, String)>,
}

/// What the site's links resolve against.
pub struct LinkContext {
    outputs: std::collections::HashSet<String>,
    /// Hrefs known to lead to a page or file (`/sub/about/`, `/sub/style.css`): the links
    /// a theme repeats on every page are accepted with one lookup.
    known: std::collections::HashSet<String>,
    /// The base URL's path (`/sub/`).
    root_path: String,
    /// The absolute root (`https://example.org/sub/`).
    root_url: String,
    /// Parse with a full HTML parser (`check`) rather than the fast scanner (`build`).
    thorough: bool,
}

impl LinkContext {
    pub fn new(plan: &crate::plan::Plan, thorough: bool) -> Self {
        let root_path = plan.layout.root().path().to_string();
        let outputs: std::collections::HashSet<String> =
            plan.routes.iter().map(|r| r.output.clone()).collect();
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
        LinkContext {
            outputs,
            known,
            root_url: plan.layout.absolute(""),
            root_path,
            thorough,
        }
    }
}

const RESOURCE_TAGS: [&str; 10] = [
    "script", "iframe", "img", "link", "source", "video", "audio", "embed", "object", "track",
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
        if let Some(problem) = check_one(href, tag, output, url, &links.ids, context, &mut page)
            && !page.problems.contains(&problem)
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
    pub problems: Vec<Diagnostic>,
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
) -> Vec<Diagnostic> {
    gather(pages, Some(changed))
}

/// The problems of every page, or with `changed`, those of the changed pages and of fragment
/// links into them; each (file, message) once.
fn gather(
    pages: &BTreeMap<String, CheckedPage>,
    changed: Option<&BTreeSet<String>>,
) -> Vec<Diagnostic> {
    let is_changed = |output: &str| changed.is_none_or(|c| c.contains(output));
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
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
                && let Some(problem) = check_fragment(fragment, &target_page.ids, output, href)
            {
                problems.push(problem);
            }
        }
        for (message, hint) in problems {
            if seen.insert((page.origin.clone(), message.clone())) {
                found.push(Diagnostic::error(message).in_file(&page.origin).hint(hint));
            }
        }
    }
    found
}

type Problem = Option<(String, String)>;

fn check_one(
    href: &str,
    tag: &str,
    output: &str,
    url: &str,
    own_ids: &BTreeSet<String>,
    context: &LinkContext,
    page: &mut CheckedPage,
) -> Problem {
    if context.known.contains(href) {
        return None;
    }
    let (root_path, root_url, outputs) = (
        context.root_path.as_str(),
        context.root_url.as_str(),
        &context.outputs,
    );
    let trimmed = href.trim();
    let lower = trimmed.to_ascii_lowercase();
    if trimmed.is_empty() || trimmed == "#" {
        return Some((
            format!("placeholder link `{href}` in <{tag}> on {output}"),
            "point the link at a real page or section, or remove it".to_string(),
        ));
    }
    if lower.starts_with("javascript:") {
        return Some((
            format!("`javascript:` link in <{tag}> on {output}"),
            "links must lead to a page; scripts belong in script files".to_string(),
        ));
    }
    if let Some(address) = lower.strip_prefix("mailto:") {
        let address = &trimmed[7..7 + address.len()];
        let addresses = address.split('?').next().unwrap_or("");
        for one in addresses.split(',') {
            let one = percent_decode(one.trim());
            if !is_email(&one) {
                return Some((
                    format!("malformed e-mail address `{one}` in a mailto link on {output}"),
                    "write it as name@example.org".to_string(),
                ));
            }
        }
        return None;
    }
    if lower.starts_with("tel:") || lower.starts_with("data:") {
        return None;
    }
    let internal = if let Some(rest) = trimmed.strip_prefix(root_url) {
        format!("{root_path}{rest}")
    } else if lower.starts_with("http://")
        || lower.starts_with("https://")
        || trimmed.starts_with("//")
    {
        if RESOURCE_TAGS.contains(&tag) {
            page.third_party
                .push((tag.to_string(), trimmed.to_string()));
        }
        if !page.external.iter().any(|e| e == trimmed) {
            page.external.push(trimmed.to_string());
        }
        return None;
    } else if lower.contains(':')
        && !lower.starts_with('/')
        && lower.split(':').next().is_some_and(|s| !s.contains('/'))
    {
        // Another scheme (sms:, geo:, …): not ours to check.
        return None;
    } else if let Some(fragment) = trimmed.strip_prefix('#') {
        return check_fragment(fragment, own_ids, output, href);
    } else if trimmed.starts_with('/') {
        trimmed.to_string()
    } else {
        format!("{root_path}{}", join_relative(url, trimmed))
    };
    let Some(site_path) = internal.strip_prefix(root_path) else {
        return Some((
            format!("link `{href}` on {output} leaves the site's base path `{root_path}`"),
            "internal links start with the base URL's path; write them as `@/file.md` in markdown"
                .to_string(),
        ));
    };
    let (path, fragment) = match site_path.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (site_path, None),
    };
    let path = percent_decode(path.split('?').next().unwrap_or(""));
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.clone(), format!("{path}/index.html")]
    };
    let Some(target) = candidates.into_iter().find(|c| outputs.contains(c)) else {
        return Some((
            format!("broken link `{href}` on {output}: there is no page at /{path}"),
            "fix the address, or link to the markdown file as `@/path/file.md` so the build checks it".to_string(),
        ));
    };
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        if target == output {
            return check_fragment(fragment, own_ids, output, href);
        }
        page.pending
            .push((href.to_string(), target, fragment.to_string()));
    }
    None
}

fn check_fragment(fragment: &str, ids: &BTreeSet<String>, output: &str, href: &str) -> Problem {
    let fragment = percent_decode(fragment);
    if fragment.is_empty() || ids.contains(&fragment) {
        return None;
    }
    let close = crate::diagnostics::did_you_mean(&fragment, ids.iter().map(String::as_str));
    Some((
        format!("link `{href}` on {output} points to a missing section `#{fragment}`"),
        match close {
            Some(c) => format!("did you mean `#{c}`?"),
            None => "headings get ids from their text, e.g. `## Our history` → `#our-history`"
                .to_string(),
        },
    ))
}

/// Resolves a relative reference against a page's URL path (`a/b/` + `../c/` → `a/c/`).
fn join_relative(base: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for segment in relative.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if relative.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    joined
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let bad_char = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | ',' | ';' | ':' | '"' | '[' | ']' | '\\'
            )
    };
    !local.is_empty()
        && !local.chars().any(bad_char)
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_links_and_ids() {
        let page = extract(b"<h2 id=\"a\">A</h2><a href=\"/x/?q=1&amp;r=2\">x</a><img src=\"i.png\"><a name=\"old\"></a>");
        assert_eq!(
            page.links,
            [
                ("/x/?q=1&r=2".to_string(), "a".to_string()),
                ("i.png".to_string(), "img".to_string())
            ]
        );
        assert!(page.ids.contains("a") && page.ids.contains("old"));
    }

    #[test]
    fn fast_scanner_agrees_with_the_parser_on_generated_html() {
        let html = b"<p><a href=\"/x/?q=1&amp;r=2\" class=\"c\">x</a></p><h2 id=\"a\">A</h2><img src=\"i.png\" alt=\"=\\\"\"><a name=\"old\"></a><meta name=\"viewport\"><script type=\"text/plain\" data-src=\"/js/s.js\"></script>";
        assert_eq!(extract_generated(html), extract(html));
    }

    #[test]
    fn relative_references_resolve() {
        assert_eq!(join_relative("a/b/", "../c/"), "a/c/");
        assert_eq!(join_relative("a/b/", "img.png"), "a/b/img.png");
        assert_eq!(join_relative("", "x"), "x");
    }

    #[test]
    fn email_addresses() {
        assert!(is_email("chair.london@iris.example"));
        assert!(!is_email("chair@london"));
        assert!(!is_email("chair london@iris.example"));
        assert!(!is_email("@iris.example"));
        assert!(!is_email("a@b@c.example"));
    }
}
