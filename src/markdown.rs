//! Markdown → HTML: CommonMark plus tables, footnotes and strikethrough, heading ids with
//! self-links, `@/path.md` internal links, and the site's raw-HTML policy.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::config::RawHtml;
use crate::diagnostics::Diagnostic;

/// Where `@/` links point and drafts that are left out.
pub struct Links<'a> {
    pub hrefs: &'a BTreeMap<String, String>,
    pub drafts_left_out: &'a [String],
}

/// Renders `markdown`; `locate(offset, message)` turns a byte offset in it into a diagnostic.
pub fn render(
    markdown: &str,
    links: &Links<'_>,
    raw_html: RawHtml,
    locate: &dyn Fn(usize, String) -> Diagnostic,
) -> Result<String, Vec<Diagnostic>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut problems = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut has_raw_html = false;
    let mut has_alignment = false;
    // For each open link: whether it was kept (unsafe links are dropped, their text stays).
    let mut open_links: Vec<bool> = Vec::new();
    let mut nesting = Nesting::default();
    let mut explicit_ids = BTreeSet::new();
    let mut too_deep_at = None; // where nesting first went over the limit, if it did

    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        if too_deep_at.is_none() && nesting.exceeded(&event) {
            too_deep_at = Some(range.start);
        }
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = &event
            && !explicit_ids.insert(id.to_string())
        {
            problems.push(
                locate(range.start, format!("two headings have the id `{id}`"))
                    .hint("give each `{#id}` on a page its own name; links to it would reach only the first"),
            );
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match resolve(&dest_url, links, raw_html) {
                Ok(Some(url)) => {
                    open_links.push(true);
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: url,
                        title,
                        id,
                    }));
                }
                Ok(None) => open_links.push(false),
                Err(message) => {
                    problems.push(locate(range.start, message.0).hint(message.1));
                    open_links.push(true);
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            },
            Event::End(TagEnd::Link) => {
                if open_links.pop().unwrap_or(true) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match resolve(&dest_url, links, raw_html) {
                    Ok(Some(url)) => url,
                    Ok(None) => CowStr::Borrowed(""),
                    Err(message) => {
                        problems.push(locate(range.start, message.0).hint(message.1));
                        dest_url
                    }
                };
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(html) | Event::InlineHtml(html) if raw_html == RawHtml::Escape => {
                events.push(Event::Text(html));
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                has_raw_html = true;
                events.push(event);
            }
            Event::Start(Tag::Table(ref alignments)) => {
                has_alignment |= alignments
                    .iter()
                    .any(|a| *a != pulldown_cmark::Alignment::None);
                events.push(event);
            }
            other => events.push(other),
        }
    }
    if let Some(at) = too_deep_at.filter(|_| has_raw_html && raw_html == RawHtml::Sanitize) {
        let message = format!("the text here is nested more than {MAX_NESTING} levels deep");
        problems.push(locate(at, message).hint(
            "flatten the HTML, quotes or lists; with raw HTML, deeper nesting makes sanitising slow",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    add_heading_anchors(&mut events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // The content security policy forbids inline styles, so table alignment becomes a class.
    if has_alignment {
        html = alignment_classes(&html);
    }
    if has_raw_html && raw_html == RawHtml::Sanitize {
        html = sanitize(&html);
    }
    Ok(html)
}

/// How deeply markdown containers and raw HTML tags together may nest: the sanitiser's time
/// grows with the square of the depth, and no real page comes near this.
pub const MAX_NESTING: usize = 512;

/// Estimates the depth the sanitiser's parser will build: markdown containers, plus raw HTML
/// read by a tokenizer following HTML where depth depends on it (comments, quotes, `<script>`
/// and other raw text, end tags matching nothing, `<b>` and other formatting elements, which
/// the parser reopens after a block, so only their own end tag counts). It errs too deep.
#[derive(Default)]
struct Nesting {
    containers: usize,
    /// Open raw-HTML elements (names); formatting ones are counted in `formatting`.
    open: Vec<String>,
    formatting: Vec<String>,
    /// Open `<svg>`/`<math>`, where `/>` closes an element.
    foreign: usize,
    state: Scan,
    name: String,
    closing: bool,
    last: char,
    after_equals: bool,
}

#[derive(Default, Clone, PartialEq, Eq)]
enum Scan {
    #[default]
    Text,
    Open,
    EndOpen,
    Bang(usize),
    Bogus,
    Name,
    Attributes,
    Quoted(char),
    /// A comment, in one of the states of [`comment`].
    Comment(u8),
    /// Inside `<script>`, `<style>`…: only `</name` ends it (the scan keeps what matched).
    RawText(String, usize),
    Plaintext,
}

/// Elements that hold no others (void), or whose end HTML implies when a sibling starts.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rp", "rt", "thead",
    "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
];
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

impl Nesting {
    fn depth(&self) -> usize {
        self.containers + self.open.len() + self.formatting.len()
    }

    /// Takes one event into account; whether the depth is now over [`MAX_NESTING`].
    fn exceeded(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::Start(_) => self.containers += 1,
            Event::End(_) => self.containers = self.containers.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                for c in html.chars() {
                    self.scan(c);
                    if self.depth() > MAX_NESTING {
                        return true;
                    }
                }
            }
            _ => {}
        }
        self.depth() > MAX_NESTING
    }

    fn scan(&mut self, c: char) {
        match std::mem::take(&mut self.state) {
            Scan::Text if c == '<' => self.state = Scan::Open,
            Scan::Text | Scan::Bogus if c == '>' => {}
            Scan::Text => {}
            Scan::Bogus => self.state = Scan::Bogus,
            Scan::Open => self.open_tag(c, false),
            Scan::EndOpen => self.open_tag(c, true),
            Scan::Bang(n) if c == '-' && n < 1 => self.state = Scan::Bang(n + 1),
            Scan::Bang(_) if c == '-' => self.state = Scan::Comment(0),
            Scan::Bang(_) => self.state = if c == '>' { Scan::Text } else { Scan::Bogus },
            Scan::Name if !(c.is_whitespace() || c == '/' || c == '>') => {
                self.name.push(c.to_ascii_lowercase());
                self.state = Scan::Name;
            }
            Scan::Name | Scan::Attributes => self.in_tag(c),
            Scan::Quoted(q) => {
                self.state = if c == q {
                    Scan::Attributes
                } else {
                    Scan::Quoted(q)
                }
            }
            Scan::Comment(n) => self.state = comment(n, c),
            Scan::RawText(name, matched) => self.state = raw_text(name, matched, c),
            Scan::Plaintext => self.state = Scan::Plaintext,
        }
    }

    /// The character after `<` (or after `</`, when `closing`).
    fn open_tag(&mut self, c: char, closing: bool) {
        self.name.clear();
        self.closing = closing;
        self.after_equals = false;
        self.last = '<';
        self.state = match c {
            c if c.is_ascii_alphabetic() => {
                self.name.push(c.to_ascii_lowercase());
                Scan::Name
            }
            '>' if closing => Scan::Text,
            _ if closing => Scan::Bogus,
            '!' => Scan::Bang(0),
            '?' => Scan::Bogus,
            '/' => Scan::EndOpen,
            '<' => Scan::Open,
            _ => Scan::Text,
        };
    }

    fn in_tag(&mut self, c: char) {
        self.state = Scan::Attributes;
        match c {
            '"' | '\'' if self.after_equals => {
                self.state = Scan::Quoted(c);
                self.after_equals = false;
            }
            '=' => self.after_equals = true,
            '>' => self.end_of_tag(),
            c if c.is_whitespace() => {}
            _ => self.after_equals = false,
        }
        self.last = c;
    }

    fn end_of_tag(&mut self) {
        self.state = Scan::Text;
        let name = std::mem::take(&mut self.name);
        let self_closing = self.last == '/' && self.foreign > 0;
        if self.closing {
            let list = if FORMATTING.contains(&name.as_str()) {
                &mut self.formatting
            } else {
                &mut self.open
            };
            if let Some(at) = list.iter().rposition(|n| *n == name) {
                self.foreign -= list[at..]
                    .iter()
                    .filter(|n| *n == "svg" || *n == "math")
                    .count();
                list.truncate(at);
            }
        } else if RAW_TEXT.contains(&name.as_str()) && self.foreign == 0 {
            self.state = Scan::RawText(name, 0);
        } else if name == "plaintext" {
            self.state = Scan::Plaintext;
        } else if FORMATTING.contains(&name.as_str()) {
            self.formatting.push(name);
        } else if !self_closing && !FLAT.contains(&name.as_str()) {
            self.foreign += usize::from(name == "svg" || name == "math");
            self.open.push(name);
        }
    }
}

/// HTML's comment states: 0 start, 1 start dash, 2 text, 3 one dash, 4 `--`, 5 `--!`.
/// `-->`, `--!>`, `<!-->` and `<!--->` end a comment.
fn comment(state: u8, c: char) -> Scan {
    match (state, c) {
        (0 | 1 | 4 | 5, '>') => Scan::Text,
        (0, '-') => Scan::Comment(1),
        (1 | 3 | 4, '-') => Scan::Comment(4),
        (2 | 5, '-') => Scan::Comment(3),
        (4, '!') => Scan::Comment(5),
        _ => Scan::Comment(2),
    }
}

/// Inside a raw-text element, only `</name` followed by a space, `/` or `>` ends it.
fn raw_text(name: String, matched: usize, c: char) -> Scan {
    let expected = |i: usize| match i {
        0 => Some('<'),
        1 => Some('/'),
        i => name[i - 2..].chars().next(),
    };
    if matched == name.len() + 2 && (c.is_whitespace() || c == '/' || c == '>') {
        return if c == '>' { Scan::Text } else { Scan::Bogus };
    }
    match expected(matched) {
        Some(e) if c.to_ascii_lowercase() == e => Scan::RawText(name, matched + 1),
        _ if c == '<' => Scan::RawText(name, 1),
        _ => Scan::RawText(name, 0),
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
                Err((
                    format!("the link `{dest}` points to content/{path}, which does not exist"),
                    match close {
                        Some(c) => format!("did you mean `@/{c}`?"),
                        None => "`@/` links name a markdown file below content/, e.g. `@/about.md`".to_string(),
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
