//! Judging one link: where it leads on this site (a page, a section, elsewhere) and what
//! is wrong with it.

use std::collections::BTreeSet;

use super::percent::decode_lossy;
use super::{CheckedPage, LinkContext, LinkProblem, RESOURCE_TAGS};
use crate::legal::cookies::{Origin, ResourceKind};

pub(super) fn check_one(
    href: &str,
    tag: &str,
    output: &str,
    url: &str,
    own_ids: &BTreeSet<String>,
    context: &LinkContext,
    page: &mut CheckedPage,
) -> Option<LinkProblem> {
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
    match judge_scheme(href, tag) {
        Scheme::Problem(problem) => return Some(problem),
        Scheme::NotOurs => return None,
        Scheme::Web => {}
    }
    let internal = if let Some(rest) = trimmed.strip_prefix(root_url) {
        format!("{root_path}{rest}")
    } else if lower.starts_with("http://")
        || lower.starts_with("https://")
        || trimmed.starts_with("//")
    {
        return note_external(page, tag, trimmed, context);
    } else if lower.contains(':')
        && !lower.starts_with('/')
        && lower.split(':').next().is_some_and(|s| !s.contains('/'))
    {
        // Another scheme (sms:, geo:, …): not ours to check.
        return None;
    } else if let Some(fragment) = trimmed.strip_prefix('#') {
        return check_fragment(fragment, own_ids, href);
    } else if trimmed.starts_with('/') {
        trimmed.to_string()
    } else {
        format!("{root_path}{}", join_relative(url, trimmed))
    };
    let Some(site_path) = internal.strip_prefix(root_path) else {
        return Some(LinkProblem::LeavesBasePath {
            href: href.to_string(),
            root_path: root_path.to_string(),
        });
    };
    let (path, fragment) = match site_path.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (site_path, None),
    };
    let path = decode_lossy(path.split('?').next().unwrap_or(""));
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.clone(), format!("{path}/index.html")]
    };
    let Some(target) = candidates.into_iter().find(|c| outputs.contains(c)) else {
        return Some(LinkProblem::Broken {
            href: href.to_string(),
            path,
        });
    };
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        if target == output {
            return check_fragment(fragment, own_ids, href);
        }
        page.pending
            .push((href.to_string(), target, fragment.to_string()));
    }
    None
}

/// An external link is listed; a resource loaded from another origin is kept for the
/// unused-host check, and is a problem unless the content security policy allows it (a
/// host declared in cookies.toml, serving that kind of resource).
fn note_external(
    page: &mut CheckedPage,
    tag: &str,
    url: &str,
    context: &LinkContext,
) -> Option<LinkProblem> {
    if !page.external.iter().any(|e| e == url) {
        page.external.push(url.to_string());
    }
    if !RESOURCE_TAGS.contains(&tag) {
        return None;
    }
    page.third_party.push((tag.to_string(), url.to_string()));
    let origin = Origin::of_url(url)?;
    if context.own_origin.as_ref() == Some(&origin) {
        return None;
    }
    let kind = ResourceKind::of_tag(tag);
    if kind.is_some_and(|k| context.policy.allows(k, &origin)) {
        return None;
    }
    Some(LinkProblem::ThirdParty {
        href: url.to_string(),
        tag: tag.to_string(),
        host: origin.as_str().to_string(),
        service: context.declared.get(&origin).cloned(),
        kind: kind.map(ResourceKind::key),
    })
}

/// What a link's scheme makes of it.
enum Scheme {
    /// Wrong whatever it points at.
    Problem(LinkProblem),
    /// Another scheme (`tel:`, an image's `data:`, a well-formed `mailto:`): not checked.
    NotOurs,
    /// A web address: internal or external, to resolve.
    Web,
}

/// Tags whose `src` may be a `data:` URL (an inline image or media file).
const DATA_TAGS: [&str; 6] = ["img", "source", "video", "audio", "track", "picture"];

/// Judges a link by its scheme as a browser reads it: references decoded (done by the
/// extractor), tabs and newlines inside removed, case ignored, so `java&#x09;script:` is
/// `javascript:`.
fn judge_scheme(href: &str, tag: &str) -> Scheme {
    let trimmed = href.trim();
    let scheme_text = super::entities::normalised_url(trimmed);
    let problem = |problem| Scheme::Problem(problem);
    if trimmed.is_empty() || trimmed == "#" {
        return problem(LinkProblem::Placeholder {
            href: href.to_string(),
            tag: tag.to_string(),
        });
    }
    if scheme_text.starts_with("javascript:") {
        return problem(LinkProblem::Javascript {
            href: href.to_string(),
            tag: tag.to_string(),
        });
    }
    for scheme in ["vbscript:", "data:"] {
        let inline_media = scheme == "data:" && DATA_TAGS.contains(&tag);
        if scheme_text.starts_with(scheme) && !inline_media {
            return problem(LinkProblem::ScriptScheme {
                href: href.to_string(),
                tag: tag.to_string(),
                scheme: scheme.trim_end_matches(':').to_string(),
            });
        }
    }
    if scheme_text.starts_with("mailto:") {
        // The address as written (its case kept), after the scheme's colon.
        let address = trimmed.split_once(':').map_or("", |(_, rest)| rest);
        let addresses = address.split('?').next().unwrap_or("");
        for one in addresses.split(',') {
            let one = decode_lossy(one.trim());
            if !is_email(&one) {
                return problem(LinkProblem::BadMailto {
                    href: href.to_string(),
                    address: one,
                });
            }
        }
        return Scheme::NotOurs;
    }
    if scheme_text.starts_with("tel:") || scheme_text.starts_with("data:") {
        return Scheme::NotOurs;
    }
    Scheme::Web
}

/// A link to `#fragment` of a page with the given ids.
pub(super) fn check_fragment(
    fragment: &str,
    ids: &BTreeSet<String>,
    href: &str,
) -> Option<LinkProblem> {
    let fragment = decode_lossy(fragment);
    if fragment.is_empty() || ids.contains(&fragment) {
        return None;
    }
    let suggestion = crate::diagnostics::did_you_mean(&fragment, ids.iter().map(String::as_str))
        .map(str::to_string);
    Some(LinkProblem::MissingFragment {
        href: href.to_string(),
        fragment,
        suggestion,
    })
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
