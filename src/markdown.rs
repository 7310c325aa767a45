//! Markdown → HTML: CommonMark plus tables, footnotes and strikethrough, heading ids with
//! self-links, `@/path.md` internal links, and the site's raw-HTML policy.

use std::collections::BTreeMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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

    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
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

/// Gives each heading an id (its slugified text, made unique) and a self-link.
fn add_heading_anchors(events: &mut Vec<Event<'_>>) {
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    // Explicit `{#id}` ids count as used first, so generated ones never collide with them.
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            used.insert(id.to_string(), 1);
        }
    }
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level: HeadingLevel = *level;
            let end = (i..events.len())
                .find(|&j| matches!(events[j], Event::End(TagEnd::Heading(_))))
                .unwrap_or(events.len());
            let anchor = match id {
                Some(id) => id.to_string(),
                None => {
                    let text: String = events[i..end]
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let base = match slug::slugify(&text) {
                        s if s.is_empty() => "section".to_string(),
                        s => s,
                    };
                    let n = used.entry(base.clone()).or_insert(0);
                    *n += 1;
                    let anchor = if *n == 1 {
                        base
                    } else {
                        format!("{base}-{}", *n - 1)
                    };
                    used.entry(anchor.clone()).or_insert(1);
                    anchor
                }
            };
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(anchor.clone()));
            }
            let _ = level;
            let link = format!(
                " <a class=\"anchor\" href=\"#{anchor}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
            );
            events.insert(end, Event::InlineHtml(CowStr::from(link)));
            i = end + 1;
        }
        i += 1;
    }
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
