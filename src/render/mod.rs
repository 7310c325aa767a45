//! Stage 3, render: each route → bytes, in parallel, handed to an [`OutputSink`] as it is done.
//!
//! Render never touches the file system: it only calls the sink, so the same code serves
//! `build` (a staging folder), `check` and the tests (memory).

pub mod atom;
pub mod context;
pub mod headers;
pub mod ical;
pub mod legal;
pub mod notices;
mod sitemap;
pub mod template_guard;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::check::links::{self, CheckedPage};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, Links};
use crate::model::{Scope, Site};
use crate::output::OutputSink;
use crate::plan::{Plan, Route, RouteKind};
use context::{Link, Shared};

/// The templates every theme provides (the default theme has them all).
pub const REQUIRED_TEMPLATES: [&str; 14] = [
    "notices.html",
    "notice.html",
    "privacy.html",
    "cookies.html",
    "data_processing.html",
    "ethics.html",
    "oath.html",
    "base.html",
    "home.html",
    "chapters.html",
    "chapter.html",
    "page.html",
    "404.html",
    "alias.html",
];

/// Counts from a finished render.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RenderStats {
    pub pages: usize,
    pub files: usize,
}

/// One route's result: its page's links if it is HTML, or its problems.
type RouteResult = Result<Option<(String, CheckedPage)>, Vec<Diagnostic>>;

/// What a finished render produced besides the files: counts and each page's links.
#[derive(Debug, Default)]
pub struct RenderOutcome {
    pub stats: RenderStats,
    /// Output path → the page's origin, URL and links, for link checking.
    pub pages: std::collections::BTreeMap<String, CheckedPage>,
}

/// What rendering keeps between builds whose theme, data and list of pages are unchanged:
/// the parsed templates and the context shared by all routes. `watch` keeps it so that a
/// page edit re-renders one page without re-parsing the theme or rebuilding chapter views.
pub struct RenderState {
    tera: Tera,
    shared: Shared,
    /// Main navigation per primary language.
    nav: std::collections::BTreeMap<String, Vec<Link>>,
    legal: Vec<(&'static str, String)>,
    /// (language, template) → the translations that template uses.
    strings_used:
        std::collections::HashMap<(String, String), std::collections::BTreeMap<String, String>>,
    /// Consent banner and blocked scripts; `None` when only necessary cookies exist.
    consent: Option<legal::ConsentView>,
}

impl RenderState {
    /// Parses the theme's templates once and prepares the shared context.
    pub fn new(site: &Site, plan: &Plan) -> Result<Self, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let tera = parse_templates(site)
            .map_err(|d| diagnostics.extend(d))
            .ok();
        let mut languages: Vec<&str> = plan.routes.iter().map(|r| r.language.primary()).collect();
        languages.dedup();
        languages.sort_unstable();
        languages.dedup();
        let nav = languages
            .into_iter()
            .map(|language| {
                navigation(site, plan, language).map(|links| (language.to_string(), links))
            })
            .collect::<Result<std::collections::BTreeMap<_, _>, _>>()
            .map_err(|d| diagnostics.extend(d))
            .ok();
        match (tera, nav) {
            (Some(tera), Some(nav)) if !diagnostics.has_errors() => Ok(RenderState {
                tera,
                shared: Shared::new(site, plan),
                consent: legal::consent_view(site, plan),
                strings_used: translation_subsets(site, plan),
                nav,
                legal: ["privacy", "cookies", "data-processing", "ethics", "oath"]
                    .into_iter()
                    .map(|key| (key, plan.href(&format!("{key}/"))))
                    .collect(),
            }),
            _ => Err(diagnostics),
        }
    }
}

impl RenderState {
    /// Makes the shared context anew after pages' front matter changed while the routes did
    /// not (a new title or order shows in chapter menus and the directory).
    pub fn refresh_shared(&mut self, site: &Site, plan: &Plan) {
        self.shared = Shared::new(site, plan);
    }
}

/// Renders routes of one planned site, with a [`RenderState`] made for it.
pub struct Renderer<'a> {
    site: &'a Site,
    plan: &'a Plan,
    state: RenderState,
    /// Parse pages with a full HTML parser for link checks (`check`), not the fast scanner.
    pub thorough_links: bool,
}

impl<'a> Renderer<'a> {
    /// Parses the theme's templates once and prepares shared context.
    pub fn new(site: &'a Site, plan: &'a Plan) -> Result<Self, Diagnostics> {
        Ok(Self::with_state(site, plan, RenderState::new(site, plan)?))
    }

    /// A renderer reusing `state`, which must have been made for this site and plan or for
    /// one differing only in the bodies of pages.
    pub fn with_state(site: &'a Site, plan: &'a Plan, state: RenderState) -> Self {
        Renderer {
            site,
            plan,
            state,
            thorough_links: false,
        }
    }

    /// Gives the state back, for [`Renderer::with_state`].
    pub fn into_state(self) -> RenderState {
        self.state
    }

    /// Renders every route in parallel into `sink`; returns all problems found.
    pub fn render_all(&self, sink: &dyn OutputSink) -> Result<RenderOutcome, Diagnostics> {
        let progress = Progress::new(self.plan.routes.len());
        let link_context = links::LinkContext::new(self.plan, self.thorough_links);
        let results: Vec<RouteResult> = self
            .plan
            .routes
            .par_iter()
            .map(|route| {
                let result = self.render_route(route).and_then(|bytes| {
                    // Links are read while the page is at hand, so it need not be kept.
                    let checked = route.output.ends_with(".html").then(|| {
                        links::inspect(
                            &bytes,
                            &route.output,
                            &route.url,
                            &route.origin,
                            &link_context,
                        )
                    });
                    sink.put(&route.output, &bytes).map_err(|e| {
                        vec![
                            Diagnostic::error(format!("cannot write `{}`: {e}", route.output))
                                .hint("check the output folder's permissions and free disk space"),
                        ]
                    })?;
                    Ok(checked.map(|page| (route.output.clone(), page)))
                });
                progress.tick();
                result
            })
            .collect();
        progress.finish();
        let mut diagnostics = Diagnostics::new();
        let mut pages = std::collections::BTreeMap::new();
        for result in results {
            match result {
                Ok(Some((output, page))) => {
                    pages.insert(output, page);
                }
                Ok(None) => {}
                Err(problems) => diagnostics.extend(problems),
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        Ok(RenderOutcome {
            stats: RenderStats {
                pages: self.plan.routes.iter().filter(|r| r.is_html_page()).count(),
                files: self.plan.routes.len(),
            },
            pages,
        })
    }

    /// Checks the links of rendered pages against the plan's outputs.
    pub fn verify_links(&self, outcome: &RenderOutcome) -> links::LinkReport {
        links::verify(&outcome.pages)
    }

    /// Renders one route to bytes.
    pub fn render_route(&self, route: &Route) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let site = self.site;
        match &route.kind {
            RouteKind::ThemeAsset(path) => return Ok(site.theme.assets[path].clone()),
            RouteKind::StaticFile(i) => return Ok(site.static_files[*i].1.clone()),
            RouteKind::Sitemap => return Ok(sitemap::sitemap(site, self.plan).into_bytes()),
            RouteKind::Robots => return Ok(sitemap::robots(self.plan).into_bytes()),
            RouteKind::Headers => return Ok(headers::headers_file(site, self.plan).into_bytes()),
            RouteKind::SchedulesCsv => return legal::schedules_csv(site),
            RouteKind::Feed(chapter) => {
                return self.feed(route, chapter.as_ref()).map(String::into_bytes);
            }
            RouteKind::Calendar(chapter) => {
                return Ok(self.calendar(chapter.as_ref()).into_bytes());
            }
            RouteKind::SchedulesJson => return legal::schedules_json(site),
            _ => {}
        }
        let mut context = self.base_context(route);
        let template = match &route.kind {
            RouteKind::Home { intro } => {
                context.insert("page_title", &site.config.title);
                context.insert("intro", &self.markdown_of(*intro)?);
                context.insert("regions", &self.state.shared.regions);
                context.insert(
                    "notices",
                    &notices::for_home(site, self.plan, self.strings(route)),
                );
                "home.html".to_string()
            }
            RouteKind::ChapterDirectory => {
                context.insert("page_title", &self.strings(route)["chapters"]);
                context.insert("regions", &self.state.shared.regions);
                "chapters.html".to_string()
            }
            RouteKind::ChapterHome { chapter, intro } => {
                let data = &site.chapters[chapter];
                context.insert("page_title", &data.data.name);
                let description = data.data.description.get_ref();
                let locate = |at: usize, message: String| {
                    Diagnostic::error(message).at(
                        &data.source_path,
                        &data.file_text,
                        data.description_offset(at),
                    )
                };
                context.insert(
                    "description_html",
                    &self.render_markdown(description, &locate)?,
                );
                context.insert("intro", &self.markdown_of(*intro)?);
                let t = self.strings(route);
                context.insert(
                    "notices",
                    &notices::lists(site, self.plan, Some(chapter), t).0,
                );
                context.insert("upcoming", &notices::upcoming(data, self.plan.now, 3, t));
                "chapter.html".to_string()
            }
            RouteKind::Page(i) => {
                let page = &site.pages[*i];
                context.insert("page_title", &page.front.title);
                context.insert("description", &page.front.description);
                let date = page
                    .front
                    .date
                    .map(|d| context::format_date(d.0, self.strings(route)));
                context.insert("date", &date);
                context.insert("date_iso", &page.front.date.map(|d| d.0.to_string()));
                context.insert("content", &self.markdown_of(Some(*i))?);
                match &page.front.template {
                    Some(name) if !self.state.tera.get_template_names().any(|n| n == name) => {
                        let names: Vec<&str> = self
                            .state
                            .tera
                            .get_template_names()
                            .filter(|n| !n.starts_with("__"))
                            .collect();
                        let mut d =
                            page.error_in_body(0, format!("the template `{name}` does not exist"));
                        d = match crate::diagnostics::did_you_mean(name, names.iter().copied()) {
                            Some(close) => d.hint(format!("did you mean `{close}`?")),
                            None => d.hint(format!(
                                "add themes/{}/templates/{name}, or remove `template`",
                                site.config.theme
                            )),
                        };
                        return Err(vec![d]);
                    }
                    Some(name) => name.clone(),
                    None => "page.html".to_string(),
                }
            }
            RouteKind::NoticeIndex { page, pages } => {
                let t = self.strings(route);
                context.insert("page_title", &t["notices"]);
                let chapter = self.plan.standalone.as_ref();
                let (current, archived) = notices::lists(site, self.plan, chapter, t);
                let size = site.config.notices.page_size.max(1);
                let archive: Vec<_> = archived
                    .into_iter()
                    .skip((page - 1) * size)
                    .take(size)
                    .collect();
                context.insert("current", &if *page == 1 { current } else { Vec::new() });
                context.insert("archive", &archive);
                context.insert("page", page);
                context.insert("pages", pages);
                let page_href = |n: usize| {
                    if n == 1 {
                        self.plan.href("notices/")
                    } else {
                        self.plan.href(&format!("notices/page/{n}/"))
                    }
                };
                context.insert("previous_href", &(*page > 1).then(|| page_href(page - 1)));
                context.insert("next_href", &(page < pages).then(|| page_href(page + 1)));
                "notices.html".to_string()
            }
            RouteKind::Notice(i) => {
                let notice = &site.notices[*i];
                let t = self.strings(route);
                let view = notices::view(site, self.plan, notice, t);
                context.insert("page_title", &view.title);
                context.insert("notice", &view);
                let markdown = |text: &str, locate: &dyn Fn(usize, String) -> Diagnostic| {
                    self.render_markdown(text, locate)
                };
                context.insert("detail", &notices::detail(notice, self.plan, t, &markdown)?);
                "notice.html".to_string()
            }
            RouteKind::Legal(page) => {
                let t = self.strings(route);
                let markdown = |text: &str, locate: &dyn Fn(usize, String) -> Diagnostic| {
                    self.render_markdown(text, locate)
                };
                legal::context(*page, site, self.plan, t, &mut context, &markdown)?.to_string()
            }
            RouteKind::NotFound => {
                context.insert("page_title", &self.strings(route)["not_found_title"]);
                "404.html".to_string()
            }
            RouteKind::Alias { target } => {
                context.insert("page_title", &self.strings(route)["redirect_title"]);
                context.insert("target", target);
                context.insert("target_absolute", &self.absolute_of_href(target));
                "alias.html".to_string()
            }
            RouteKind::ThemeAsset(_)
            | RouteKind::StaticFile(_)
            | RouteKind::Sitemap
            | RouteKind::Robots
            | RouteKind::Headers
            | RouteKind::SchedulesCsv
            | RouteKind::SchedulesJson
            | RouteKind::Feed(_)
            | RouteKind::Calendar(_) => {
                unreachable!("handled above")
            }
        };
        // Only the translations this template (and what it extends) uses: the full table
        // would be copied into every page's context.
        match self
            .state
            .strings_used
            .get(&(route.language.primary().to_string(), template.clone()))
        {
            Some(subset) => context.insert("t", subset),
            None => context.insert("t", self.strings(route)),
        }
        self.state
            .tera
            .render(&template, &context)
            .map(String::into_bytes)
            .map_err(|e| vec![template_error(site, &template, &route.origin, &e)])
    }

    fn strings(&self, route: &Route) -> &std::collections::BTreeMap<String, String> {
        self.state.shared.strings(&route.language)
    }

    fn base_context(&self, route: &Route) -> Context {
        let site = self.site;
        let t = self.strings(route);
        let mut context = Context::new();
        context.insert("site_title", &site.config.title);
        context.insert("site_description", &site.config.description);
        context.insert("root", self.plan.root.path());
        context.insert("lang", route.language.as_str());
        context.insert("current_href", &self.plan.href(&route.url));
        context.insert("canonical", &self.plan.root.absolute(&route.url));
        context.insert(
            "nav",
            self.state
                .nav
                .get(route.language.primary())
                .map_or(&[][..], Vec::as_slice),
        );
        let legal: Vec<Link> = self
            .state
            .legal
            .iter()
            .map(|(key, href)| Link {
                title: t.get(*key).cloned().unwrap_or_else(|| key.to_string()),
                href: href.clone(),
            })
            .collect();
        context.insert("legal", &legal);
        context.insert("standalone", &self.plan.standalone.is_some());
        context.insert("organisation_href", &self.plan.organisation_href(""));
        let chapter = match &route.scope {
            Scope::Chapter(slug) => self.state.shared.chapters.get(slug),
            Scope::Organisation => None,
        };
        context.insert("chapter", &chapter);
        context.insert("consent", &self.state.consent);
        let t = self.strings(route);
        let mut feeds = vec![Link {
            title: t.get("notices_feed").cloned().unwrap_or_default(),
            href: self.plan.href("notices/atom.xml"),
        }];
        if let (Scope::Chapter(slug), None) = (&route.scope, &self.plan.standalone) {
            let name = self.site.chapters[slug].data.name.clone();
            feeds.push(Link {
                title: format!("{name}: {}", feeds[0].title),
                href: self.plan.href(&format!("chapters/{slug}/atom.xml")),
            });
        }
        context.insert("feeds", &feeds);
        context.insert("notices_href", &self.plan.href("notices/"));
        context.insert(
            "calendar_href",
            &self.chapter_file_href(&route.scope, "calendar.ics"),
        );
        context.insert(
            "chapter_feed_href",
            &self.chapter_file_href(&route.scope, "atom.xml"),
        );
        context
    }

    /// The href of a chapter's calendar or feed (at the root of a standalone chapter site).
    fn chapter_file_href(&self, scope: &Scope, file: &str) -> Option<String> {
        let Scope::Chapter(slug) = scope else {
            return None;
        };
        Some(match &self.plan.standalone {
            Some(_) if file == "atom.xml" => self.plan.href("notices/atom.xml"),
            Some(_) => self.plan.href(file),
            None => self.plan.href(&format!("chapters/{slug}/{file}")),
        })
    }

    fn feed(
        &self,
        route: &Route,
        chapter: Option<&crate::model::ChapterSlug>,
    ) -> Result<String, Vec<Diagnostic>> {
        let site = self.site;
        let t = self.strings(route);
        let host = self.plan.organisation_root.host().to_string();
        let mut entries = Vec::new();
        for (_, notice) in self.plan.notices_of(site, chapter).take(50) {
            let content = self.render_markdown(&notice.body, &|offset, message| {
                notice.error_in_body(offset, message)
            })?;
            let url = self.plan.root.absolute(&self.plan.notice_url(notice));
            let content_html = match &notice.link {
                Some(link) => format!(
                    "{content}<p><a href=\"{}\">{}</a></p>",
                    self.plan.root.absolute(link),
                    escape_html(&url)
                ),
                None => content,
            };
            entries.push(atom::Entry {
                id: atom::tag_uri(&host, &self.plan.notice_url(notice)),
                title: notices::title(notice, t),
                url,
                date: notice.front.date.0,
                summary: notice.front.summary.clone(),
                content_html,
                category: notice.front.kind.key(),
                author: match &notice.scope {
                    Scope::Chapter(slug) => site.chapter(slug).map(|c| c.data.name.clone()),
                    Scope::Organisation => None,
                },
            });
        }
        let (title, id_path, html_url) = match chapter {
            Some(slug) if self.plan.standalone.is_none() => (
                format!("{}: {}", site.chapters[slug].data.name, t["notices"]),
                format!("chapters/{slug}/notices"),
                self.plan.root.absolute(&format!("chapters/{slug}/")),
            ),
            Some(slug) => (
                format!("{}: {}", site.chapters[slug].data.name, t["notices"]),
                format!("chapters/{slug}/notices"),
                self.plan.root.absolute("notices/"),
            ),
            None => (
                format!("{}: {}", site.config.title, t["notices"]),
                "notices".to_string(),
                self.plan.root.absolute("notices/"),
            ),
        };
        let feed = atom::Feed {
            id: atom::tag_uri(&host, &id_path),
            title,
            language: route.language.as_str(),
            self_url: self.plan.root.absolute(&route.output),
            html_url,
            author: &site.config.title,
            fallback_updated: self.plan.now,
        };
        Ok(atom::render(&feed, &entries))
    }

    fn calendar(&self, chapter: Option<&crate::model::ChapterSlug>) -> String {
        let site = self.site;
        let chapters: Vec<&crate::model::Chapter> = match chapter {
            Some(slug) => site.chapter(slug).into_iter().collect(),
            None => site.chapters.values().collect(),
        };
        let name = match chapter {
            Some(slug) => format!("{}: {}", site.config.title, site.chapters[slug].data.name),
            None => site.config.title.clone(),
        };
        ical::calendar(
            &name,
            &chapters,
            self.plan.organisation_root.host(),
            self.plan.now,
        )
    }

    fn absolute_of_href(&self, href: &str) -> String {
        match href.strip_prefix(self.plan.root.path()) {
            Some(rest) => self.plan.root.absolute(rest),
            None => href.to_string(),
        }
    }

    fn markdown_of(&self, page: Option<usize>) -> Result<String, Vec<Diagnostic>> {
        let Some(i) = page else {
            return Ok(String::new());
        };
        let page = &self.site.pages[i];
        self.render_markdown(page.body(), &|offset, message| {
            page.error_in_body(offset, message)
        })
    }

    fn render_markdown(
        &self,
        text: &str,
        locate: &dyn Fn(usize, String) -> Diagnostic,
    ) -> Result<String, Vec<Diagnostic>> {
        let links = Links {
            hrefs: &self.plan.hrefs,
            drafts_left_out: &self.plan.drafts_left_out,
        };
        markdown::render(text, &links, self.site.config.build.raw_html, locate)
    }
}

/// The translation keys a template uses and the templates it pulls in.
type TemplateScan = Option<(std::collections::BTreeSet<String>, Vec<String>)>;

/// For each language and template, the translation keys the template can reach (its own
/// `t.key` uses and those of templates it extends, includes or imports). A template that uses
/// `t` in a way this scan cannot follow gets the whole table (it is left out of the map).
fn translation_subsets(
    site: &Site,
    plan: &Plan,
) -> std::collections::HashMap<(String, String), std::collections::BTreeMap<String, String>> {
    use std::collections::{BTreeSet, HashMap};
    let templates = &site.theme.templates;
    let direct: HashMap<&str, TemplateScan> = templates
        .iter()
        .map(|(name, template)| (name.as_str(), scan_template(&template.text)))
        .collect();
    let mut languages: Vec<String> = plan
        .routes
        .iter()
        .map(|r| r.language.primary().to_string())
        .collect();
    languages.sort();
    languages.dedup();
    let mut subsets = HashMap::new();
    for name in templates.keys() {
        let mut keys = BTreeSet::new();
        let mut stack = vec![name.clone()];
        let mut seen = BTreeSet::new();
        let mut complete = true;
        while let Some(current) = stack.pop() {
            if !seen.insert(current.clone()) {
                continue;
            }
            match direct.get(current.as_str()) {
                Some(Some((own, parents))) => {
                    keys.extend(own.iter().cloned());
                    stack.extend(parents.iter().cloned());
                }
                _ => complete = false,
            }
        }
        if !complete {
            continue;
        }
        for language in &languages {
            let all = site.theme.strings(language);
            let subset = all.into_iter().filter(|(k, _)| keys.contains(k)).collect();
            subsets.insert((language.clone(), name.clone()), subset);
        }
    }
    subsets
}

/// The `t.key` names a template uses and the templates it pulls in; `None` when `t` is used
/// in another way (indexed, passed on, assigned).
fn scan_template(text: &str) -> TemplateScan {
    let mut keys = std::collections::BTreeSet::new();
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    for (at, _) in text.match_indices('t') {
        let before = if at == 0 { b' ' } else { bytes[at - 1] };
        let after = bytes.get(at + 1).copied().unwrap_or(b' ');
        if is_ident(before) || before == b'.' || is_ident(after) {
            continue;
        }
        // A standalone `t`: only `t.key` is understood.
        if after != b'.' {
            let inside =
                |open: &str, close: &str| match (text[..at].rfind(open), text[..at].rfind(close)) {
                    (Some(o), Some(c)) => o > c,
                    (Some(_), None) => true,
                    _ => false,
                };
            if inside("{{", "}}") || inside("{%", "%}") {
                return None;
            }
            continue;
        }
        let key: String = text[at + 2..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .map(char::from)
            .collect();
        if !key.is_empty() {
            keys.insert(key);
        }
    }
    let mut parents = Vec::new();
    for tag in ["extends", "include", "import"] {
        for (at, _) in text.match_indices(&format!("{{% {tag} \"")) {
            let rest = &text[at + tag.len() + 5..];
            if let Some(end) = rest.find('"') {
                parents.push(rest[..end].to_string());
            }
        }
    }
    Some((keys, parents))
}

/// Parses all templates once; errors name the template file and line.
fn parse_templates(site: &Site) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    template_guard::harden(&mut tera);
    if let Some(cycle) = template_guard::find_include_cycle(&site.theme.templates) {
        let origin = |name: &str| site.theme.templates.get(name).map(|t| t.origin.clone());
        return Err(vec![template_guard::cycle_error(&cycle, origin)]);
    }
    let templates: Vec<(&str, &str)> = site
        .theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.text.as_str()))
        .collect();
    if let Err(err) = tera.add_raw_templates(templates) {
        let (origin, message) = describe_tera_error(site, &err);
        let mut diagnostic = Diagnostic::error(message.clone()).in_file(&origin);
        if let Some((line, col)) = pest_position(&message)
            && let Some(location) = diagnostic.location.as_mut()
        {
            location.line = line;
            location.col = col;
        }
        return Err(vec![diagnostic
            .hint("fix the template syntax; Tera's syntax is described at https://keats.github.io/tera/docs/")]);
    }
    let missing: Vec<Diagnostic> = REQUIRED_TEMPLATES
        .iter()
        .filter(|name| !site.theme.templates.contains_key(**name))
        .map(|name| {
            Diagnostic::error(format!("the theme has no `{name}` template"))
                .in_file(&format!("themes/{}/templates/{name}", site.config.theme))
        })
        .collect();
    if missing.is_empty() {
        Ok(tera)
    } else {
        Err(missing)
    }
}

fn describe_tera_error(site: &Site, err: &tera::Error) -> (String, String) {
    let mut parts = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    let message = parts.join(": ").replace('\n', " ");
    let origin = site
        .theme
        .templates
        .iter()
        .find(|(name, _)| message.contains(&format!("'{name}'")))
        .map_or_else(|| "themes".to_string(), |(_, t)| t.origin.clone());
    (
        origin,
        message.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

/// Escapes text for HTML content and quoted attributes. Unlike Tera's default it leaves `/`
/// alone, so hrefs stay readable (`/sub/about/`, not `&#x2F;sub&#x2F;about&#x2F;`).
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    // Copy the runs between special characters whole; most values have none at all.
    let mut start = 0;
    for (at, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[start..at]);
        out.push_str(entity);
        start = at + 1;
    }
    out.push_str(&input[start..]);
    out
}

/// Tera's parse errors carry the position as `--> 22:18`.
fn pest_position(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find("--> ")? + 4..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit() && c != ':')
        .unwrap_or(rest.len());
    let (line, col) = rest[..end].split_once(':')?;
    Some((line.parse().ok()?, col.parse().ok()?))
}

fn template_error(site: &Site, template: &str, origin: &str, err: &tera::Error) -> Diagnostic {
    let (_, message) = describe_tera_error(site, err);
    let file = site
        .theme
        .templates
        .get(template)
        .map_or(template.to_string(), |t| t.origin.clone());
    Diagnostic::error(format!("{message} (rendering {origin})"))
        .in_file(&file)
        .hint("a template refers to something the page does not have; check the variable names")
}

/// Main navigation: the home and chapters directory, then `[[nav]]` links of site.toml.
fn navigation(site: &Site, plan: &Plan, language: &str) -> Result<Vec<Link>, Vec<Diagnostic>> {
    let t = site.theme.strings(language);
    let text = |key: &str| t.get(key).cloned().unwrap_or_else(|| key.to_string());
    let mut links = Vec::new();
    let mut problems = Vec::new();
    if let Some(slug) = &plan.standalone {
        let chapter = &site.chapters[slug];
        links.push(Link {
            title: chapter.data.name.clone(),
            href: plan.href(""),
        });
        links.push(Link {
            title: site.config.title.clone(),
            href: plan.organisation_href(""),
        });
        return Ok(links);
    }
    links.push(Link {
        title: text("home"),
        href: plan.href(""),
    });
    links.push(Link {
        title: text("chapters"),
        href: plan.href("chapters/"),
    });
    for item in &site.config.nav {
        let href = match item.path.strip_prefix("@/") {
            Some(content) => match plan.hrefs.get(content) {
                Some(href) => href.clone(),
                None => {
                    problems.push(
                        Diagnostic::error(format!("the navigation link `{}` points to content/{content}, which does not exist", item.path))
                            .in_file(crate::config::SITE_CONFIG_PATH)
                            .hint("`path` is `@/file.md` below content/, or a URL path such as `notices/`"),
                    );
                    continue;
                }
            },
            None if item.path.contains("://") => item.path.clone(),
            None => plan.href(item.path.trim_start_matches('/')),
        };
        links.push(Link {
            title: item.title.clone(),
            href,
        });
    }
    if problems.is_empty() {
        Ok(links)
    } else {
        Err(problems)
    }
}

/// A progress bar, only for long builds on a terminal.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(total: usize) -> Self {
        use std::io::IsTerminal;
        let show = total >= 2000 && std::io::stderr().is_terminal();
        Progress(show.then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} rendering {pos}/{len} {wide_bar} {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        }))
    }

    fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{escape_html, scan_template};

    #[test]
    fn escaping_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html("Café <b>\"R&D\"</b> it's"),
            "Café &lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; it&#39;s"
        );
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn template_scan_finds_keys_and_parents() {
        let (keys, parents) = scan_template("{% extends \"base.html\" %}{{ t.home }} {% if x %}{{ t.notices_feed }}{% endif %} at.x").expect("understood");
        assert_eq!(
            keys.into_iter().collect::<Vec<_>>(),
            ["home", "notices_feed"]
        );
        assert_eq!(parents, ["base.html"]);
        assert!(
            scan_template("{{ t[\"home\"] }}").is_none(),
            "indexing falls back to the whole table"
        );
        assert!(scan_template("{% set s = t %}").is_none());
    }
}
