//! Stage 3, render: each route → bytes, in parallel, handed to an [`OutputSink`] as it is done.
//!
//! Render never touches the file system: it only calls the sink, so the same code serves
//! `build` (a staging folder), `check` and the tests (memory).

pub mod atom;
pub mod context;
mod escape;
mod feeds;
pub mod headers;
pub mod ical;
pub mod legal;
pub mod notices;
mod pages;
mod sitemap;
pub mod template_guard;
mod templates;

use rayon::prelude::*;
use tera::Tera;

use crate::check::links::{self, CheckedPage};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, Links};
use crate::model::Site;
use crate::output::OutputSink;
use crate::plan::{Layout, LegalPage, Plan, Route, RouteKind};
use context::{Link, Shared};
pub use escape::escape_html;
use templates::{TranslationSubsets, parse_templates, template_error, translation_subsets};

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
    strings_used: TranslationSubsets,
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
            .map(|language| (language.to_string(), navigation(site, plan, language)))
            .collect();
        match tera {
            Some(tera) if !diagnostics.has_errors() => Ok(RenderState {
                tera,
                shared: Shared::new(site, plan),
                consent: legal::consent_view(site, plan),
                strings_used: translation_subsets(site, plan),
                nav,
                legal: LegalPage::ALL
                    .into_iter()
                    .map(|page| (page.key(), plan.href(&Layout::legal(page))))
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
                            &route.origin.to_string(),
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
        if let Some(file) = self.file(route) {
            return file;
        }
        let mut context = self.base_context(route);
        let template = self.page_context(route, &mut context)?;
        // Only the translations this template (and what it extends) uses: the full table
        // would be copied into every page's context.
        let used = (route.language.primary().to_string(), template.clone());
        match self.state.strings_used.get(&used) {
            Some(subset) => context.insert("t", subset),
            None => context.insert("t", self.strings(route)),
        }
        self.state
            .tera
            .render(&template, &context)
            .map(String::into_bytes)
            .map_err(|e| vec![template_error(self.site, &template, &route.origin, &e)])
    }

    /// The routes that are files rather than templated pages; `None` for pages.
    fn file(&self, route: &Route) -> Option<Result<Vec<u8>, Vec<Diagnostic>>> {
        let (site, plan) = (self.site, self.plan);
        Some(match &route.kind {
            RouteKind::ThemeAsset(path) => Ok(site.theme.assets[path].clone()),
            RouteKind::StaticFile(i) => Ok(site.static_files[*i].1.clone()),
            RouteKind::Sitemap => Ok(sitemap::sitemap(site, plan).into_bytes()),
            RouteKind::Robots => Ok(sitemap::robots(plan).into_bytes()),
            RouteKind::Headers => Ok(headers::headers_file(site, plan).into_bytes()),
            RouteKind::SchedulesCsv => legal::schedules_csv(site),
            RouteKind::SchedulesJson => legal::schedules_json(site),
            RouteKind::Feed(chapter) => self.feed(route, chapter.as_ref()).map(String::into_bytes),
            RouteKind::Calendar(chapter) => Ok(self.calendar(chapter.as_ref()).into_bytes()),
            _ => return None,
        })
    }

    fn strings(&self, route: &Route) -> &std::collections::BTreeMap<String, String> {
        self.state.shared.strings(&route.language)
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

/// Main navigation: the home and chapters directory, then `[[nav]]` links of site.toml
/// (plan has checked that every `@/` link among them leads to a page).
fn navigation(site: &Site, plan: &Plan, language: &str) -> Vec<Link> {
    let t = site.theme.strings(language);
    let text = |key: &str| t.get(key).cloned().unwrap_or_else(|| key.to_string());
    let layout = &plan.layout;
    if let Some(chapter) = layout.standalone_chapter(site) {
        return vec![
            Link {
                title: chapter.data.name.clone(),
                href: layout.href(""),
            },
            Link {
                title: site.config.title.clone(),
                href: layout.organisation_href(""),
            },
        ];
    }
    let mut links = vec![
        Link {
            title: text("home"),
            href: layout.href(""),
        },
        Link {
            title: text("chapters"),
            href: layout.href("chapters/"),
        },
    ];
    for item in &site.config.nav {
        let href = match item.path.strip_prefix("@/") {
            Some(content) => match plan.hrefs.get(content) {
                Some(href) => href.clone(),
                None => continue,
            },
            None if item.path.contains("://") => item.path.clone(),
            None => layout.href(item.path.trim_start_matches('/')),
        };
        links.push(Link {
            title: item.title.clone(),
            href,
        });
    }
    links
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
