//! Markdown → HTML: CommonMark plus tables, footnotes and strikethrough, heading ids with
//! self-links, `@/path.md` internal links, and the site's raw-HTML policy.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::config::RawHtml;
use crate::diagnostics::Diagnostic;

pub mod embed;
mod nesting;

use nesting::{MAX_NESTING, Nesting};

/// Where `@/` links point and drafts that are left out.
pub struct Links<'a> {
    pub hrefs: &'a BTreeMap<String, String>,
    pub drafts_left_out: &'a [String],
}

/// Renders `markdown`; `locate(offset, message)` turns a byte offset in it into a diagnostic.
/// An ```` ```embed ```` block is an error here: see [`render_with_embeds`].
pub fn render(
    markdown: &str,
    links: &Links<'_>,
    raw_html: RawHtml,
    locate: &dyn Fn(usize, String) -> Diagnostic,
) -> Result<String, Vec<Diagnostic>> {
    render_with_embeds(markdown, links, None, raw_html, locate)
}

/// As [`render`], with what ```` ```embed ```` blocks need (declared providers, text).
pub fn render_with_embeds(
    markdown: &str,
    links: &Links<'_>,
    embeds: Option<&embed::Embeds<'_>>,
    raw_html: RawHtml,
    locate: &dyn Fn(usize, String) -> Diagnostic,
) -> Result<String, Vec<Diagnostic>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut walk = Walk {
        links,
        embeds,
        raw_html,
        locate,
        problems: Vec::new(),
        events: Vec::new(),
        has_raw_html: false,
        has_alignment: false,
        open_links: Vec::new(),
        nesting: Nesting::default(),
        explicit_ids: BTreeSet::new(),
        too_deep_at: None,
        embed: None,
        embeds_html: Vec::new(),
    };
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        walk.visit(event, range.start);
    }
    let sanitise = walk.has_raw_html && raw_html == RawHtml::Sanitize;
    if let Some(at) = walk.too_deep_at.filter(|_| sanitise) {
        let message = format!("the text here is nested more than {MAX_NESTING} levels deep");
        walk.problems.push(locate(at, message).hint(
            "flatten the HTML, quotes or lists; with raw HTML, deeper nesting makes sanitising slow",
        ));
    }
    if !walk.problems.is_empty() {
        return Err(walk.problems);
    }
    let mut events = walk.events;
    add_heading_anchors(&mut events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // The content security policy forbids inline styles, so table alignment becomes a class.
    if walk.has_alignment {
        html = alignment_classes(&html);
    }
    if sanitise {
        html = sanitize(&html);
    }
    // Embeds go in after sanitising, which would strip their button and frame.
    for (n, embed) in walk.embeds_html.iter().enumerate() {
        html = html.replacen(&embed_token(n), embed, 1);
    }
    Ok(html)
}

/// One pass over a page's markdown events: links resolved, raw HTML handled by the policy,
/// problems collected with their offsets.
struct Walk<'w, 'm> {
    links: &'w Links<'w>,
    embeds: Option<&'w embed::Embeds<'w>>,
    raw_html: RawHtml,
    locate: &'w dyn Fn(usize, String) -> Diagnostic,
    problems: Vec<Diagnostic>,
    events: Vec<Event<'m>>,
    has_raw_html: bool,
    has_alignment: bool,
    /// For each open link: whether it was kept (unsafe links are dropped, their text stays).
    open_links: Vec<bool>,
    nesting: Nesting,
    explicit_ids: BTreeSet<String>,
    /// Where nesting first went over the limit, if it did.
    too_deep_at: Option<usize>,
    /// An open ```` ```embed ```` block: where it starts, where its body starts, its body.
    embed: Option<(usize, Option<usize>, String)>,
    /// The rendered embeds, put in place of their tokens at the end.
    embeds_html: Vec<String>,
}

/// Stands for embed `n` in the HTML until sanitising is done.
fn embed_token(n: usize) -> String {
    format!("<p>\u{E000}chapterhouse-embed-{n}\u{E000}</p>\n")
}

impl<'m> Walk<'_, 'm> {
    fn visit(&mut self, event: Event<'m>, at: usize) {
        if self.embed_event(&event, at) {
            return;
        }
        if self.too_deep_at.is_none() && self.nesting.exceeded(&event) {
            self.too_deep_at = Some(at);
        }
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = &event
            && !self.explicit_ids.insert(id.to_string())
        {
            self.problems.push(
                (self.locate)(at, format!("two headings have the id `{id}`"))
                    .hint("give each `{#id}` on a page its own name; links to it would reach only the first"),
            );
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link(link_type, dest_url, title, id, at),
            Event::End(TagEnd::Link) => {
                if self.open_links.pop().unwrap_or(true) {
                    self.events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match self.resolve(dest_url, at) {
                    Some(url) => url,
                    None => CowStr::Borrowed(""),
                };
                self.events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(html) | Event::InlineHtml(html) if self.raw_html == RawHtml::Escape => {
                self.events.push(Event::Text(html));
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                self.has_raw_html = true;
                self.events.push(event);
            }
            Event::Start(Tag::Table(ref alignments)) => {
                self.has_alignment |= alignments
                    .iter()
                    .any(|a| *a != pulldown_cmark::Alignment::None);
                self.events.push(event);
            }
            other => self.events.push(other),
        }
    }

    /// Takes the events of an ```` ```embed ```` block; `false` for any other event.
    fn embed_event(&mut self, event: &Event<'m>, at: usize) -> bool {
        if let Some(open) = &mut self.embed {
            match event {
                Event::Text(text) => {
                    open.1.get_or_insert(at);
                    open.2.push_str(text);
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (block_at, body_at, body) = self.embed.take().unwrap_or_default();
                    let body_at = body_at.unwrap_or(block_at);
                    match embed::render(&body, body_at, self.embeds, self.locate) {
                        Ok(html) => {
                            let token = embed_token(self.embeds_html.len());
                            self.embeds_html.push(html);
                            self.events.push(Event::Html(CowStr::from(token)));
                        }
                        Err(problem) => self.problems.push(problem),
                    }
                }
                _ => {}
            }
            return true;
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.trim() == "embed" => {
                self.embed = Some((at, None, String::new()));
                true
            }
            _ => false,
        }
    }

    fn link(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest_url: CowStr<'m>,
        title: CowStr<'m>,
        id: CowStr<'m>,
        at: usize,
    ) {
        match self.resolve(dest_url, at) {
            Some(dest_url) => {
                self.open_links.push(true);
                self.events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            None => self.open_links.push(false),
        }
    }

    /// A link or image target as it is published; `None` for one that is dropped. A bad
    /// `@/` link is recorded as a problem and kept as written.
    fn resolve(&mut self, dest_url: CowStr<'m>, at: usize) -> Option<CowStr<'m>> {
        match resolve(&dest_url, self.links, self.raw_html) {
            Ok(Some(url)) => Some(url),
            Ok(None) => None,
            Err(message) => {
                self.problems
                    .push((self.locate)(at, message.0).hint(message.1));
                Some(dest_url)
            }
        }
    }
}

/// Rewrites pulldown-cmark's ` style="text-align: left"` on table cells as
/// ` class="align-left"`, in one pass.
fn alignment_classes(html: &str) -> String {
    const STYLE: &str = " style=\"text-align: ";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(STYLE) {
        let after = &rest[at + STYLE.len()..];
        let align = ["left", "center", "right"]
            .into_iter()
            .find(|a| after.starts_with(a) && after[a.len()..].starts_with('"'));
        out.push_str(&rest[..at]);
        match align {
            Some(align) => {
                out.push_str(" class=\"align-");
                out.push_str(align);
                out.push('"');
                rest = &after[align.len() + 1..];
            }
            None => {
                out.push_str(STYLE);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

type LinkProblem = (String, String);

/// Resolves `@/` links; `None` drops an unsafe link (a `javascript:` URL) under sanitize.
fn resolve<'e>(
    dest: &CowStr<'e>,
    links: &Links<'_>,
    raw_html: RawHtml,
) -> Result<Option<CowStr<'e>>, LinkProblem> {
    if let Some(target) = dest.strip_prefix("@/") {
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target, None),
        };
        return match links.hrefs.get(path) {
            Some(href) => Ok(Some(CowStr::from(match fragment {
                Some(f) => format!("{href}#{f}"),
                None => href.clone(),
            }))),
            None if links.drafts_left_out.iter().any(|d| d == path) => Err((
                format!("the link `{dest}` points to a draft, which is not published"),
                "publish the target (remove `draft = true`), remove the link, or build with --drafts".to_string(),
            )),
            None => {
                let close = crate::diagnostics::did_you_mean(path, links.hrefs.keys().map(String::as_str));
                let what = if path.ends_with('/') {
                    format!("the link `{dest}` names no generated page")
                } else {
                    format!("the link `{dest}` points to content/{path}, which does not exist")
                };
                Err((
                    what,
                    match close {
                        Some(c) => format!("did you mean `@/{c}`?"),
                        None => "`@/` links name a markdown file below content/ (`@/about.md`) or a generated page: `@/privacy/`, `@/cookies/`, `@/data-processing/`, `@/ethics/`, `@/oath/`, `@/notices/`, `@/chapters/`".to_string(),
                    },
                ))
            }
        };
    }
    if raw_html != RawHtml::Allow && is_script_url(dest) {
        return Ok(None);
    }
    Ok(Some(dest.clone()))
}

fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let lower = cleaned.to_ascii_lowercase();
    lower.starts_with("javascript:")
        || lower.starts_with("vbscript:")
        || lower.starts_with("data:text/html")
}

/// Gives each heading an id (its slug, made unique: explicit `{#id}`s are taken first) and
/// a self-link, building a new list (inserting in place is quadratic in the headings).
fn add_heading_anchors(events: &mut Vec<Event<'_>>) {
    let mut taken: BTreeSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    // The next suffix to try per base, so many equal headings stay linear.
    let mut next_suffix: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(events.len() + 16);
    let mut anchor: Option<String> = None;
    let mut text = String::new();
    let mut heading_at = None;
    for event in std::mem::take(events) {
        match &event {
            Event::Start(Tag::Heading { id, .. }) => {
                anchor = id.as_ref().map(|id| id.to_string());
                text.clear();
                heading_at = Some(out.len());
            }
            Event::Text(t) | Event::Code(t) if heading_at.is_some() => text.push_str(t),
            Event::End(TagEnd::Heading(_)) => {
                let id = anchor.take().unwrap_or_else(|| {
                    let base = match slug::slugify(&text) {
                        s if s.is_empty() => "section".to_string(),
                        s => s,
                    };
                    let n = next_suffix.entry(base.clone()).or_insert(0);
                    let mut candidate = base.clone();
                    while taken.contains(&candidate) {
                        *n += 1;
                        candidate = format!("{base}-{n}");
                    }
                    taken.insert(candidate.clone());
                    candidate
                });
                if let Some(Event::Start(Tag::Heading { id: slot, .. })) =
                    heading_at.take().and_then(|i| out.get_mut(i))
                {
                    *slot = Some(CowStr::from(id.clone()));
                }
                out.push(Event::InlineHtml(CowStr::from(format!(
                    " <a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
                ))));
            }
            _ => {}
        }
        out.push(event);
    }
    *events = out;
}

/// Removes scripts, event handlers and script URLs from rendered HTML, keeping what the
/// markdown renderer itself produces (ids, classes, footnotes).
fn sanitize(html: &str) -> String {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes([
            "id",
            "class",
            "title",
            "lang",
            "dir",
            "aria-hidden",
            "aria-label",
            "tabindex",
        ])
        .add_tags([
            "abbr",
            "sup",
            "section",
            "figure",
            "figcaption",
            "details",
            "summary",
            "input",
        ])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .link_rel(None)
        .url_relative(ammonia::UrlRelative::PassThrough);
    builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_ok(md: &str, raw: RawHtml) -> String {
        let mut hrefs = BTreeMap::new();
        hrefs.insert("about.md".to_string(), "/sub/about/".to_string());
        let links = Links {
            hrefs: &hrefs,
            drafts_left_out: &[],
        };
        render(md, &links, raw, &|_, m| Diagnostic::error(m)).unwrap()
    }

    #[test]
    fn headings_get_unique_ids_and_self_links() {
        let html = render_ok("## Who we are\n\n## Who we are\n", RawHtml::Sanitize);
        assert!(
            html.contains(
                "<h2 id=\"who-we-are\">Who we are <a class=\"anchor\" href=\"#who-we-are\""
            ),
            "{html}"
        );
        assert!(html.contains("id=\"who-we-are-1\""), "{html}");
    }

    #[test]
    fn internal_links_become_urls() {
        let html = render_ok("[About](@/about.md#history)", RawHtml::Sanitize);
        assert!(
            html.contains("<a href=\"/sub/about/#history\">About</a>"),
            "{html}"
        );
    }

    #[test]
    fn missing_internal_link_is_located_with_a_hint() {
        let hrefs = BTreeMap::from([("about.md".to_string(), "/about/".to_string())]);
        let links = Links {
            hrefs: &hrefs,
            drafts_left_out: &[],
        };
        let errors = render(
            "Text\n\n[x](@/abut.md)",
            &links,
            RawHtml::Sanitize,
            &|offset, m| Diagnostic::error(format!("{offset}: {m}")),
        )
        .unwrap_err();
        assert!(
            errors[0].message.starts_with("6: the link `@/abut.md`"),
            "{}",
            errors[0]
        );
        assert_eq!(
            errors[0].hint.as_deref(),
            Some("did you mean `@/about.md`?")
        );
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let html = render_ok(
            "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: note\n",
            RawHtml::Sanitize,
        );
        assert!(html.contains("<th class=\"align-left\">a</th>"), "{html}");
        assert!(html.contains("<td class=\"align-right\">2</td>"), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("class=\"footnote-definition\""), "{html}");
    }

    #[test]
    fn raw_html_policies() {
        let md =
            "<script>alert(1)</script>\n\n<b onclick=\"x()\">bold</b> [x](javascript:alert(1))\n";
        let clean = render_ok(md, RawHtml::Sanitize);
        assert!(
            !clean.contains("script")
                && !clean.contains("onclick")
                && !clean.contains("javascript"),
            "{clean}"
        );
        assert!(clean.contains("<b>bold</b>"), "{clean}");
        let escaped = render_ok(md, RawHtml::Escape);
        assert!(escaped.contains("&lt;script&gt;"), "{escaped}");
        let allowed = render_ok(md, RawHtml::Allow);
        assert!(allowed.contains("<script>alert(1)</script>"), "{allowed}");
    }
}
