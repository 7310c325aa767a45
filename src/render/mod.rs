//! Stage 3, render: one route → bytes. [`Renderer::render_route`] dispatches on the route's
//! kind: files (assets, feeds, calendars, sitemap, exports) are made directly, pages fill a
//! template context (`pages`) and go through the theme's templates (`templates`).
//!
//! Render never touches the file system and never loops over routes itself: the pipeline
//! drives it, in parallel, and hands the bytes to the output.

pub mod atom;
pub mod consent;
pub mod context;
mod escape;
mod fallback;
mod feeds;
pub mod gate;
pub mod headers;
pub mod ical;
pub mod legal;
pub mod notices;
mod outline;
mod pages;
mod privacy;
mod schedules;
mod sitemap;
pub mod strings;
pub mod template_guard;
mod templates;

use tera::Tera;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::embed::{Embeds, Provider};
use crate::markdown::{self, Links};
use crate::model::Site;
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
    consent: Option<consent::ConsentView>,
    /// The content security policy as a `<meta http-equiv>` carries it, unless
    /// `[build] csp_meta = false`.
    csp_meta: Option<String>,
    /// Third-party resources of non-necessary services, made inert until consent.
    gate: gate::Gate,
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
                consent: consent::consent_view(site, plan),
                csp_meta: site
                    .config
                    .build
                    .csp_meta
                    .then(|| crate::legal::csp::Policy::new(&site.legal.cookies).meta()),
                gate: gate::Gate::new(
                    &site.legal.cookies,
                    plan,
                    site.config.build.raw_html == crate::config::RawHtml::Allow,
                ),
                strings_used: translation_subsets(site, plan),
                nav,
                legal: LegalPage::ALL
                    .into_iter()
                    .filter(|page| page.is_published(site))
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

/// Renders routes of one planned site, with a [`RenderState`] made for it (or for one
/// differing only in the bodies of pages).
pub struct Renderer<'a> {
    site: &'a Site,
    plan: &'a Plan,
    state: &'a RenderState,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, plan: &'a Plan, state: &'a RenderState) -> Self {
        Renderer { site, plan, state }
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
            .map(|html| self.state.gate.apply(html.into_bytes()))
            .map(|html| self.mark_fallbacks(route, html))
            .map_err(|e| vec![template_error(self.site, &template, &route.origin, &e)])
    }

    /// A legal page in a language whose translation lacks some texts (published under
    /// `missing_translation = "warn"`) marks those passages with the original's language.
    fn mark_fallbacks(&self, route: &Route, html: Vec<u8>) -> Vec<u8> {
        if !matches!(route.kind, RouteKind::Legal(_)) {
            return html;
        }
        match self.site.legal.translation(&route.language) {
            Some(translated) if !translated.fallbacks.is_empty() => fallback::mark(
                html,
                &translated.fallbacks,
                self.site.config.language.as_str(),
            ),
            _ => html,
        }
    }

    /// The routes that are files rather than templated pages; `None` for pages.
    fn file(&self, route: &Route) -> Option<Result<Vec<u8>, Vec<Diagnostic>>> {
        let (site, plan) = (self.site, self.plan);
        Some(match &route.kind {
            RouteKind::ThemeAsset(path) => Ok(site.theme.assets[path].clone()),
            RouteKind::StaticFile(i) => Ok(site.static_files[*i].1.clone()),
            RouteKind::Sitemap { urls } => Ok(sitemap::sitemap(site, plan, urls).into_bytes()),
            RouteKind::SitemapIndex { parts } => Ok(sitemap::index(plan, *parts).into_bytes()),
            RouteKind::Robots => Ok(sitemap::robots(plan).into_bytes()),
            RouteKind::Headers => Ok(headers::headers_file(site, plan).into_bytes()),
            RouteKind::SchedulesCsv => schedules::schedules_csv(
                site.legal.in_language(&route.language),
                site,
                self.strings(route),
            ),
            RouteKind::SchedulesJson => {
                schedules::schedules_json(site.legal.in_language(&route.language), site)
            }
            RouteKind::Feed(chapter) => self.feed(route, chapter.as_ref()).map(String::into_bytes),
            RouteKind::Calendar(chapter) => Ok(self.calendar(chapter.as_ref()).into_bytes()),
            _ => return None,
        })
    }

    fn strings(&self, route: &Route) -> &strings::Strings {
        self.state.shared.strings(&route.language)
    }

    fn markdown_of(&self, route: &Route, page: Option<usize>) -> Result<String, Vec<Diagnostic>> {
        let Some(i) = page else {
            return Ok(String::new());
        };
        let page = &self.site.pages[i];
        self.render_markdown(page.body(), self.strings(route), &|offset, message| {
            page.error_in_body(offset, message)
        })
    }

    /// Renders markdown of a page in the language of `t`, embeds included.
    fn render_markdown(
        &self,
        text: &str,
        t: &strings::Strings,
        locate: &dyn Fn(usize, String) -> Diagnostic,
    ) -> Result<String, Vec<Diagnostic>> {
        let cookies = &self.site.legal.cookies;
        let provider = |origin: &crate::legal::cookies::Origin| {
            cookies.service_of(origin).map(|s| Provider {
                category: s.category.key(),
                category_label: t.text(&format!("category_{}", s.category.key())),
                frames: s.serves(crate::legal::cookies::ResourceKind::Frame),
            })
        };
        let text_of = |key: &str| t.text(key);
        let embeds = Embeds {
            provider: &provider,
            text: &text_of,
            cookies_href: self.plan.href(&Layout::legal(LegalPage::Cookies)),
        };
        let links = Links {
            hrefs: &self.plan.hrefs,
            drafts_left_out: &self.plan.drafts_left_out,
        };
        let raw_html = self.site.config.build.raw_html;
        markdown::render_with_embeds(text, &links, Some(&embeds), raw_html, locate)
    }
}

/// Main navigation: the home and chapters directory, then `[[nav]]` links of site.toml
/// (plan has checked that every `@/` link among them leads to a page).
fn navigation(site: &Site, plan: &Plan, language: &str) -> Vec<Link> {
    let t = strings::Strings::new(site.theme.strings(language));
    let text = |key: &str| t.text(key);
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
