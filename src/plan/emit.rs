//! One emitter per kind of route. Each asks [`Layout`] where its outputs go and adds them
//! to the [`Planner`], which names both sources when two claim one output.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{ChapterSlug, LanguageTag, Scope, Site};

use super::{
    CONSENT_SCRIPT, LegalPage, PlanOptions, Route, RouteKind, RouteOrigin, alias_output, page_url,
    safe_relative_path, urls::Layout,
};

/// Where this output is served from: the organisation's site, or one chapter's.
pub fn layout(site: &Site, options: &PlanOptions) -> Result<Layout, Diagnostics> {
    let standalone = options.chapter.clone();
    let organisation_root = match (&standalone, &options.base_url) {
        (None, Some(url)) => url.clone(),
        _ => site.config.base_url.clone(),
    };
    let configured_root = match &standalone {
        None => organisation_root.clone(),
        Some(slug) => match site.chapter(slug) {
            None => return Err(Diagnostics::from(unknown_chapter(site, slug))),
            Some(chapter) => match (&chapter.data.site_url, &options.base_url) {
                (Some(url), _) | (None, Some(url)) => url.clone(),
                (None, None) => {
                    return Err(Diagnostics::from(
                        Diagnostic::error(format!("chapter `{slug}` has no `site_url`, so it cannot be built standalone"))
                            .in_file(&chapter.source_path)
                            .hint("add `site_url = \"https://…/\"` to the chapter file, or pass `--base-url`"),
                    ));
                }
            },
        },
    };
    let root = options.base_url.clone().unwrap_or(configured_root);
    Ok(Layout::new(root, organisation_root, standalone))
}

fn unknown_chapter(site: &Site, slug: &ChapterSlug) -> Diagnostic {
    let known: Vec<&str> = site.chapters.keys().map(ChapterSlug::as_str).collect();
    let d = Diagnostic::error(format!("there is no chapter `{slug}`"))
        .in_file(&crate::source::paths::chapter(slug));
    match crate::diagnostics::did_you_mean(slug.as_str(), known.iter().copied()) {
        Some(close) => d.hint(format!("did you mean `{close}`?")),
        None => d.hint(format!("known chapters: {}", known.join(", "))),
    }
}

/// What the pages emitter found: the hrefs of all pages and which ones get routes.
#[derive(Default)]
pub struct Pages {
    pub hrefs: BTreeMap<String, String>,
    pub drafts_left_out: Vec<String>,
    home_intro: Option<usize>,
    chapter_intros: BTreeMap<ChapterSlug, usize>,
    /// (index into `Site::pages`, URL path in this output).
    routes: Vec<(usize, String)>,
}

/// Collects routes by output path and the diagnostics of planning.
pub struct Planner<'s> {
    site: &'s Site,
    options: &'s PlanOptions,
    layout: &'s Layout,
    routes: BTreeMap<String, Route>,
    diagnostics: Diagnostics,
    collisions: Vec<Diagnostic>,
}

impl<'s> Planner<'s> {
    pub fn new(site: &'s Site, options: &'s PlanOptions, layout: &'s Layout) -> Self {
        Planner {
            site,
            options,
            layout,
            routes: BTreeMap::new(),
            diagnostics: Diagnostics::new(),
            collisions: Vec::new(),
        }
    }

    fn add(&mut self, route: Route) {
        if let Some(problem) = unwritable(&route.output) {
            let mut d = Diagnostic::error(format!(
                "{} cannot be written to `{}`: {problem}",
                route.origin,
                route.output.escape_debug()
            ));
            if let Some(file) = route.origin.file() {
                d = d.in_file(&file);
            }
            self.collisions
                .push(d.hint("choose another name, slug or alias"));
            return;
        }
        match self.routes.get(&route.output) {
            Some(existing) if existing.origin != route.origin || existing.kind != route.kind => {
                let mut d = Diagnostic::error(format!(
                    "two sources map to the output `{}`: {} and {}",
                    route.output, existing.origin, route.origin
                ));
                if let Some(file) = route.origin.file().or_else(|| existing.origin.file()) {
                    d = d.in_file(&file);
                }
                self.collisions.push(d.hint(
                    "rename one of them, or give one a different `slug` in its front matter",
                ));
            }
            _ => {
                self.routes.insert(route.output.clone(), route);
            }
        }
    }

    /// A page of the whole output (a list, a legal page), in the output's language.
    fn add_output_page(&mut self, url: &str, kind: RouteKind, origin: RouteOrigin) {
        let language = self.fallback_language();
        self.add(page_route(
            url,
            kind,
            Scope::Organisation,
            &language,
            origin,
        ));
    }

    /// The language of a scope's pages in this output.
    fn language_of(&self, scope: &Scope) -> LanguageTag {
        let site = self.site;
        match (scope, self.layout.standalone()) {
            (Scope::Organisation, None) => site.config.language.clone(),
            (Scope::Organisation, Some(slug)) | (Scope::Chapter(slug), _) => {
                site.chapters[slug].language.clone()
            }
        }
    }

    /// Outputs that belong to the whole output rather than to one chapter.
    fn fallback_language(&self) -> LanguageTag {
        self.language_of(&Scope::Organisation)
    }

    /// Every page's href (for `@/` links), and which pages this output carries.
    pub fn pages(&mut self) -> Pages {
        let mut found = Pages::default();
        for (index, page) in self.site.pages.iter().enumerate() {
            let content_path = page.content_path().to_string();
            if page.front.draft && !self.options.drafts {
                found.drafts_left_out.push(content_path);
                continue;
            }
            let url = match page_url(page) {
                Ok(url) => match &page.translation {
                    Some(language) => Layout::translated_page_url(&page.scope, language, &url),
                    None => url,
                },
                Err(d) => {
                    self.diagnostics.push(d);
                    continue;
                }
            };
            found
                .hrefs
                .insert(content_path, self.layout.page_href(&page.scope, &url));
            if !self.layout.carries(&page.scope) {
                continue;
            }
            if page.is_index && page.front.template.is_none() && page.translation.is_none() {
                match &page.scope {
                    Scope::Organisation if url.is_empty() => {
                        found.home_intro = Some(index);
                        continue;
                    }
                    Scope::Chapter(slug) if url == Layout::chapter_home_on_organisation(slug) => {
                        found.chapter_intros.insert(slug.clone(), index);
                        continue;
                    }
                    _ => {}
                }
            }
            found
                .routes
                .push((index, self.layout.local_page_url(&page.scope, &url)));
        }
        found
    }

    fn origin_of(&self, page: Option<usize>, otherwise: RouteOrigin) -> RouteOrigin {
        page.map_or(otherwise, |i| {
            RouteOrigin::File(self.site.pages[i].source_path.clone())
        })
    }

    /// The organisation home, the chapter directory and each chapter's home.
    pub fn homes(&mut self, pages: &Pages) {
        let language = self.site.config.language.clone();
        if !self.layout.is_standalone() {
            let intro = pages.home_intro;
            let origin = self.origin_of(intro, RouteOrigin::Generated("the organisation home"));
            let home = RouteKind::Home { intro };
            self.add(page_route("", home, Scope::Organisation, &language, origin));
            let origin = RouteOrigin::Generated("the chapters directory");
            let directory = RouteKind::ChapterDirectory;
            self.add(page_route(
                "chapters/",
                directory,
                Scope::Organisation,
                &language,
                origin,
            ));
        }
        for (slug, chapter) in &self.site.chapters {
            let Some(url) = self.layout.chapter_home(slug) else {
                continue;
            };
            let intro = pages.chapter_intros.get(slug).copied();
            let origin = self.origin_of(intro, RouteOrigin::File(chapter.source_path.clone()));
            let kind = RouteKind::ChapterHome {
                chapter: slug.clone(),
                intro,
            };
            let scope = Scope::Chapter(slug.clone());
            self.add(page_route(&url, kind, scope, &chapter.language, origin));
        }
    }

    /// Every published page and its aliases.
    pub fn page_routes(&mut self, pages: &Pages) {
        for (index, url) in &pages.routes {
            let page = &self.site.pages[*index];
            let language = page
                .translation
                .clone()
                .unwrap_or_else(|| self.language_of(&page.scope));
            if let Err(d) = self.check_template(page) {
                self.diagnostics.push(d);
                continue;
            }
            let origin = RouteOrigin::File(page.source_path.clone());
            let kind = RouteKind::Page(*index);
            self.add(page_route(url, kind, page.scope.clone(), &language, origin));
            let target = self.layout.href(url);
            for alias in &page.front.aliases {
                match alias_output(alias) {
                    Ok(output) => self.add(Route {
                        url: output.trim_end_matches("index.html").to_string(),
                        output,
                        kind: RouteKind::Alias {
                            target: target.clone(),
                        },
                        scope: page.scope.clone(),
                        language: language.clone(),
                        origin: RouteOrigin::Alias {
                            file: page.source_path.clone(),
                            alias: alias.clone(),
                        },
                    }),
                    Err(message) => self.diagnostics.push(
                        page.error_at_key("aliases", message)
                            .hint("an alias is a path on this site such as \"/old-name/\"; it cannot leave the site"),
                    ),
                }
            }
        }
    }

    /// A page's `template` must be one of the theme's.
    fn check_template(&self, page: &crate::model::Page) -> Result<(), Diagnostic> {
        let theme = &self.site.theme;
        let Some(name) = &page.front.template else {
            return Ok(());
        };
        if theme.templates.contains_key(name) {
            return Ok(());
        }
        let names = theme.templates.keys().map(String::as_str);
        let d = page.error_at_key("template", format!("the template `{name}` does not exist"));
        Err(match crate::diagnostics::did_you_mean(name, names) {
            Some(close) => d.hint(format!("did you mean `{close}`?")),
            None => d.hint(format!(
                "add themes/{}/templates/{name}, or remove `template`",
                self.site.config.theme
            )),
        })
    }

    /// The `[[nav]]` links of site.toml that name a page (`@/file.md`) must lead to one.
    /// A standalone chapter site has its own navigation and does not show them.
    pub fn navigation(&mut self, pages: &Pages) {
        if self.layout.is_standalone() {
            return;
        }
        for item in &self.site.config.nav {
            let Some(content) = item.path.strip_prefix("@/") else {
                continue;
            };
            if !pages.hrefs.contains_key(content) {
                self.collisions.push(
                    Diagnostic::error(format!("the navigation link `{}` points to content/{content}, which does not exist", item.path))
                        .in_file(crate::source::paths::SITE_CONFIG)
                        .hint("`path` is `@/file.md` below content/, or a URL path such as `notices/`"),
                );
            }
        }
    }

    /// The files every site has: 404 page, robots.txt, `_headers`, schedule exports.
    pub fn built_in_files(&mut self) {
        let language = self.fallback_language();
        let record = super::LegalPage::DataProcessing.is_published(self.site);
        let exports = [
            ("data-processing/schedules.csv", RouteKind::SchedulesCsv),
            ("data-processing/schedules.json", RouteKind::SchedulesJson),
        ];
        let files = [
            ("404.html", RouteKind::NotFound),
            ("robots.txt", RouteKind::Robots),
            ("_headers", RouteKind::Headers),
        ];
        let exports = exports.into_iter().filter(|_| record);
        for (path, kind) in files.into_iter().chain(exports) {
            let origin = RouteOrigin::Generated("(built in)");
            self.add(file_route(path, kind, &language, origin));
        }
    }

    /// `sitemap.xml` of every HTML page planned so far, or, past `limits`, a sitemap index
    /// of `sitemap-N.xml` files each within them.
    pub fn sitemaps(&mut self, limits: super::sitemap::Limits) {
        use super::sitemap;
        let (site, layout) = (self.site, self.layout);
        let sizes = self
            .routes
            .values()
            .filter(|route| route.is_html_page())
            .map(|route| sitemap::entry(site, layout, route).len());
        let mut parts = sitemap::split(sizes, limits);
        let language = self.fallback_language();
        let origin = || RouteOrigin::Generated("(built in)");
        if parts.len() == 1 {
            let urls = parts.remove(0);
            let kind = RouteKind::Sitemap { urls };
            self.add(file_route("sitemap.xml", kind, &language, origin()));
            return;
        }
        let kind = RouteKind::SitemapIndex { parts: parts.len() };
        self.add(file_route("sitemap.xml", kind, &language, origin()));
        for (n, urls) in parts.into_iter().enumerate() {
            let path = sitemap::part_path(n + 1);
            let kind = RouteKind::Sitemap { urls };
            self.add(file_route(&path, kind, &language, origin()));
        }
    }

    /// The notices list pages and each published notice; returns the published notices.
    /// All of them for the organisation, the chapter's own (and policy notices) when
    /// standalone; future-dated ones only with --drafts.
    pub fn notices(&mut self, today: jiff::civil::Date) -> Vec<usize> {
        let site = self.site;
        let notices: Vec<usize> = site
            .notices
            .iter()
            .enumerate()
            .filter(|(_, n)| self.options.drafts || !n.is_future(today))
            .filter(|(_, n)| match (self.layout.standalone(), &n.scope) {
                (Some(_), Scope::Organisation) => n.is_for_every_site(),
                _ => self.layout.carries(&n.scope),
            })
            .map(|(i, _)| i)
            .collect();
        let archived = notices
            .iter()
            .filter(|&&i| site.notices[i].is_expired(today))
            .count();
        let page_size = site.config.notices.page_size.max(1);
        let pages = archived.div_ceil(page_size).max(1);
        for page in 1..=pages {
            let kind = RouteKind::NoticeIndex { page, pages };
            let origin = RouteOrigin::Generated("the notices list");
            self.add_output_page(&Layout::notices_list(page), kind, origin);
        }
        for &i in &notices {
            let notice = &site.notices[i];
            let language = self.language_of(&notice.scope);
            let origin = RouteOrigin::File(notice.source_path.clone());
            let url = Layout::notice(&notice.slug);
            let scope = notice.scope.clone();
            self.add(page_route(
                &url,
                RouteKind::Notice(i),
                scope,
                &language,
                origin,
            ));
        }
        notices
    }

    /// The notices feeds and the meeting calendars: the output's own, and on the
    /// organisation's site one of each per chapter.
    pub fn feeds_and_calendars(&mut self) {
        let language = self.fallback_language();
        let own = self.layout.standalone().cloned();
        let feed = self.layout.feed(None);
        let origin = RouteOrigin::Generated("the notices feed");
        self.add(file_route(
            &feed,
            RouteKind::Feed(own.clone()),
            &language,
            origin,
        ));
        let calendar = self.layout.calendar(None);
        let origin = RouteOrigin::Generated("the calendar");
        self.add(file_route(
            &calendar,
            RouteKind::Calendar(own),
            &language,
            origin,
        ));
        if self.layout.is_standalone() {
            return;
        }
        for slug in self.site.chapters.keys() {
            let origin = RouteOrigin::File(crate::source::paths::chapter(slug));
            let feed = RouteKind::Feed(Some(slug.clone()));
            let path = self.layout.feed(Some(slug));
            self.add(file_route(&path, feed, &language, origin.clone()));
            let calendar = RouteKind::Calendar(Some(slug.clone()));
            let path = self.layout.calendar(Some(slug));
            self.add(file_route(&path, calendar, &language, origin));
        }
    }

    /// Every site, and every standalone chapter site, carries the legal pages.
    pub fn legal_pages(&mut self) {
        for page in LegalPage::ALL {
            if !page.is_published(self.site) {
                continue;
            }
            let origin = RouteOrigin::File(page.source_path().to_string());
            self.add_output_page(&Layout::legal(page), RouteKind::Legal(page), origin);
        }
    }

    /// The theme's files. Its consent script serves the cookie banner; a site whose cookies
    /// are all strictly necessary has no banner, so the script is left out rather than
    /// published unused.
    pub fn theme_assets(&mut self) {
        let language = self.fallback_language();
        let needs_consent = self.site.legal.cookies.needs_consent();
        for path in self
            .site
            .theme
            .assets
            .keys()
            .filter(|path| needs_consent || path.as_str() != CONSENT_SCRIPT)
        {
            let origin = RouteOrigin::ThemeAsset(path.clone());
            let kind = RouteKind::ThemeAsset(path.clone());
            self.add(file_route(path, kind, &language, origin));
        }
    }

    /// Files below `static/`, copied as they are.
    pub fn static_files(&mut self) {
        let language = self.fallback_language();
        for (index, (path, _)) in self.site.static_files.iter().enumerate() {
            match safe_relative_path(path) {
                Ok(()) => {
                    let origin = RouteOrigin::Static(path.clone());
                    let kind = RouteKind::StaticFile(index);
                    self.add(file_route(path, kind, &language, origin));
                }
                Err(message) => self
                    .diagnostics
                    .push(Diagnostic::error(message).in_file(&format!("static/{path}"))),
            }
        }
    }

    /// An output that is a file where another output needs a folder (`robots.txt` and
    /// `robots.txt/index.html`) cannot exist: both sources are named.
    fn file_folder_conflicts(&mut self) {
        for (output, route) in &self.routes {
            let mut folder = output.as_str();
            while let Some((parent, _)) = folder.rsplit_once('/') {
                folder = parent;
                if let Some(file) = self.routes.get(folder) {
                    let mut d = Diagnostic::error(format!(
                        "`{folder}` is a file of {} and a folder of {} (`{output}`)",
                        file.origin, route.origin
                    ));
                    if let Some(path) = route.origin.file().or_else(|| file.origin.file()) {
                        d = d.in_file(&path);
                    }
                    self.collisions.push(
                        d.hint("rename one of them, or give one a different `slug` or alias"),
                    );
                }
            }
        }
    }

    /// The routes in output order, or every problem found.
    pub fn finish(mut self) -> Result<Vec<Route>, Diagnostics> {
        self.file_folder_conflicts();
        self.diagnostics.extend(self.collisions);
        if self.diagnostics.has_errors() {
            return Err(self.diagnostics);
        }
        // A BTreeMap keyed by output path already yields them sorted.
        Ok(self.routes.into_values().collect())
    }
}

/// Why an output path cannot be written, if it cannot: not a plain relative path below the
/// output (see [`crate::model::OutputPath`]), or the output's own marker file.
fn unwritable(output: &str) -> Option<String> {
    if let Err(problem) = crate::model::OutputPath::parse(output) {
        return Some(problem);
    }
    let marker = crate::model::output_path::MARKER;
    let first = output.split('/').next().unwrap_or("");
    (first == marker).then(|| format!("`{marker}` is chapterhouse's record of the output"))
}

/// A page served as `{url}index.html`.
fn page_route(
    url: &str,
    kind: RouteKind,
    scope: Scope,
    language: &LanguageTag,
    origin: RouteOrigin,
) -> Route {
    Route {
        output: format!("{url}index.html"),
        url: url.to_string(),
        kind,
        scope,
        language: language.clone(),
        origin,
    }
}

/// A file served under its own name, belonging to the whole output.
fn file_route(path: &str, kind: RouteKind, language: &LanguageTag, origin: RouteOrigin) -> Route {
    Route {
        output: path.to_string(),
        url: path.to_string(),
        kind,
        scope: Scope::Organisation,
        language: language.clone(),
        origin,
    }
}
