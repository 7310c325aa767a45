//! What can be wrong with a link, typed, and the one place a finding becomes a
//! [`Diagnostic`] with the file and line where the link is written.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::source::SourceTree;

/// One thing wrong with one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// An empty href or a bare `#`.
    Placeholder { href: String, tag: String },
    /// A `javascript:` URL.
    Javascript { href: String, tag: String },
    /// A `vbscript:` URL, or a `data:` URL anywhere but an image or media source.
    ScriptScheme {
        href: String,
        tag: String,
        scheme: String,
    },
    /// A `mailto:` link with an address that is not one.
    BadMailto { href: String, address: String },
    /// An internal link outside the base URL's path.
    LeavesBasePath { href: String, root_path: String },
    /// An internal link to a page the site does not have.
    Broken { href: String, path: String },
    /// A link to a section (`#id`) the target page does not have.
    MissingFragment {
        href: String,
        fragment: String,
        suggestion: Option<String>,
    },
    /// A resource from another origin that the content security policy does not allow:
    /// its host is undeclared (`service` is `None`), or declared for other kinds.
    ThirdParty {
        href: String,
        tag: String,
        host: String,
        service: Option<String>,
        /// What the element loads (`None`: `object`, `embed`, never allowed).
        kind: Option<&'static str>,
    },
}

impl LinkProblem {
    /// The link as written in the page.
    pub fn href(&self) -> &str {
        match self {
            LinkProblem::Placeholder { href, .. }
            | LinkProblem::Javascript { href, .. }
            | LinkProblem::ScriptScheme { href, .. }
            | LinkProblem::BadMailto { href, .. }
            | LinkProblem::LeavesBasePath { href, .. }
            | LinkProblem::Broken { href, .. }
            | LinkProblem::MissingFragment { href, .. }
            | LinkProblem::ThirdParty { href, .. } => href,
        }
    }

    /// The message, naming the output the link is on.
    pub fn message(&self, output: &str) -> String {
        match self {
            LinkProblem::Placeholder { href, tag } => {
                format!("placeholder link `{href}` in <{tag}> on {output}")
            }
            LinkProblem::Javascript { tag, .. } => {
                format!("`javascript:` link in <{tag}> on {output}")
            }
            LinkProblem::ScriptScheme { tag, scheme, .. } => {
                format!("`{scheme}:` URL in <{tag}> on {output}")
            }
            LinkProblem::BadMailto { address, .. } => {
                format!("malformed e-mail address `{address}` in a mailto link on {output}")
            }
            LinkProblem::LeavesBasePath { href, root_path } => {
                format!("link `{href}` on {output} leaves the site's base path `{root_path}`")
            }
            LinkProblem::Broken { href, path } => {
                format!("broken link `{href}` on {output}: there is no page at /{path}")
            }
            LinkProblem::MissingFragment { href, fragment, .. } => {
                format!("link `{href}` on {output} points to a missing section `#{fragment}`")
            }
            LinkProblem::ThirdParty {
                tag,
                host,
                service,
                kind,
                ..
            } => match (service, kind) {
                (None, _) => format!(
                    "{output} loads a <{tag}> from {host}, which data/cookies.toml does not declare"
                ),
                (Some(service), Some(kind)) => format!(
                    "{output} loads a <{tag}> from {host}, which service `{service}` declares but not as serving `{kind}`"
                ),
                (Some(_), None) => format!(
                    "{output} loads an <{tag}> from {host}, which the content security policy never allows (`object-src 'none'`)"
                ),
            },
        }
    }

    pub fn hint(&self) -> String {
        match self {
            LinkProblem::Placeholder { .. } => {
                "point the link at a real page or section, or remove it".to_string()
            }
            LinkProblem::Javascript { .. } => {
                "links must lead to a page; scripts belong in script files".to_string()
            }
            LinkProblem::ScriptScheme { .. } => {
                "such a URL runs code or carries a page of its own; link to a page or a file of the site".to_string()
            }
            LinkProblem::BadMailto { .. } => "write it as name@example.org".to_string(),
            LinkProblem::LeavesBasePath { .. } => {
                "internal links start with the base URL's path; write them as `@/file.md` in markdown".to_string()
            }
            LinkProblem::Broken { .. } => {
                "fix the address, or link to the markdown file as `@/path/file.md` so the build checks it".to_string()
            }
            LinkProblem::ThirdParty { service: None, host, .. } => format!(
                "declare the service and its host in data/cookies.toml (`[[services]]` with `hosts = [\"{host}\"]` and its `category`), or host the file yourself"
            ),
            LinkProblem::ThirdParty { kind: Some(kind), .. } => format!(
                "add \"{kind}\" to the service's `serves` in data/cookies.toml, so the content security policy allows it"
            ),
            LinkProblem::ThirdParty { kind: None, .. } => {
                "embed the provider's player in an <iframe>, or link to the file".to_string()
            }
            LinkProblem::MissingFragment { suggestion, .. } => match suggestion {
                Some(close) => format!("did you mean `#{close}`?"),
                None => "headings get ids from their text, e.g. `## Our history` → `#our-history`"
                    .to_string(),
            },
        }
    }
}

/// A problem on one rendered page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The source the page was made from (a file, or what generated the page).
    pub origin: String,
    /// The page's output path.
    pub output: String,
    pub problem: LinkProblem,
}

/// Where to look for the links of a finding: the files besides the page's own source
/// (markdown merged into generated pages), and how a rendered href may have been written
/// (`/about/#history` as `@/about.md#history`).
pub struct Spellings<'a> {
    pub merged_files: &'a [String],
    pub written_as: &'a dyn Fn(&str) -> Option<String>,
}

/// Turns findings into diagnostics at the line where each link is written: in the page's
/// own source, or else in one of the merged files. A link found in no source comes from
/// the theme: it is reported once, with the pages it is on.
pub fn diagnose(
    findings: Vec<Finding>,
    sources: &SourceTree,
    spellings: &Spellings<'_>,
) -> Vec<Diagnostic> {
    let mut located = Vec::new();
    let mut from_theme: BTreeMap<String, (Finding, Vec<String>)> = BTreeMap::new();
    // The same link written several times on a page is found once per occurrence: the
    // n-th finding is located at the n-th place it is written.
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for finding in findings {
        let nth = {
            let count = seen
                .entry((finding.output.clone(), finding.problem.href().to_string()))
                .or_default();
            *count += 1;
            *count - 1
        };
        let message = finding.problem.message(&finding.output);
        let hint = finding.problem.hint();
        let href = finding.problem.href();
        let written = (spellings.written_as)(href);
        let found = written
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(href))
            .find_map(|href| locate(href, nth, &finding.origin, sources, spellings.merged_files));
        match found {
            Some((path, text, offset)) => {
                let diagnostic = Diagnostic::error(message).at(path, text, offset).hint(hint);
                if !located.contains(&diagnostic) {
                    located.push(diagnostic);
                }
            }
            None => {
                let key = message.replace(&format!(" on {}", finding.output), "");
                let output = finding.output.clone();
                from_theme
                    .entry(key)
                    .or_insert_with(|| (finding, Vec::new()))
                    .1
                    .push(output);
            }
        }
    }
    for (message, (first, mut pages)) in from_theme {
        pages.dedup();
        let shown: Vec<&str> = pages.iter().take(3).map(String::as_str).collect();
        let more = if pages.len() > 3 {
            format!(" and {} more", pages.len() - 3)
        } else {
            String::new()
        };
        located.push(
            Diagnostic::error(format!(
                "{message} (from the theme, on {}{more})",
                shown.join(", ")
            ))
            .in_file("themes")
            .hint(first.problem.hint()),
        );
    }
    located
}

/// The file, its text and the offset where `href` is written: first as a markdown link
/// target `(href)`, in the page's own source and then in the merged markdown files; else
/// in the page's own source as a quoted value (`href="…"`, a TOML string) or an
/// entity-encoded attribute. Bare text is never matched: a `#` would land on a heading or
/// a comment, and a theme's link must not be pinned on a stray match.
fn locate<'s>(
    href: &str,
    nth: usize,
    origin: &'s str,
    sources: &'s SourceTree,
    also: &'s [String],
) -> Option<(&'s str, &'s str, usize)> {
    if href.is_empty() {
        return None;
    }
    let target = format!("({href})");
    // Every place the link is written as a target, the page's own source first.
    let places: Vec<(&'s str, &'s str, usize)> = std::iter::once(origin)
        .chain(also.iter().map(String::as_str))
        .filter_map(|path| Some((path, sources.get(path)?.text.as_str())))
        .flat_map(|(path, text)| {
            text.match_indices(&target)
                .map(move |(offset, _)| (path, text, offset + 1))
        })
        .collect();
    let as_value = |path: &'s str| {
        let text = sources.get(path)?.text.as_str();
        let quoted = [format!("\"{href}\""), format!("'{href}'")];
        let offset = quoted
            .iter()
            .find_map(|q| text.find(q.as_str()).map(|o| o + 1))
            .or_else(|| written_encoded(text, href))?;
        Some((path, text, offset))
    };
    places
        .get(nth)
        .or(places.last())
        .copied()
        .or_else(|| as_value(origin))
}

/// Where a raw-HTML attribute value that decodes to `href` is written (`&#106;avascript:` for
/// `javascript:`): the extractor decoded it, so the text as written differs.
fn written_encoded(text: &str, href: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find("=\"") {
        let start = from + found + 2;
        let end = start + text[start..].find('"')?;
        let value = &text[start..end];
        if value.contains('&') && super::entities::decode(value).trim() == href.trim() {
            return Some(start);
        }
        from = end;
    }
    None
}
