//! Stage 2, plan: a [`Site`] → the list of [`Route`]s to render, and the URL of everything.
//!
//! Planning decides every output path before anything renders, so two sources claiming one
//! output, an alias escaping the output folder, or a link to a page that will not exist are
//! found here, with both culprits named.

use std::collections::BTreeMap;

use crate::config::BaseUrl;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{ChapterSlug, LanguageTag, Scope, Site};

/// How to plan: everything, or one chapter as a standalone site.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub drafts: bool,
    /// `build --chapter SLUG`.
    pub chapter: Option<ChapterSlug>,
    /// `--base-url`, overriding the configured root.
    pub base_url: Option<BaseUrl>,
    /// "Now", for what is upcoming or expired: `--now`, `SOURCE_DATE_EPOCH` or the clock.
    pub now: jiff::Timestamp,
}

/// What one output is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteKind {
    /// The organisation home, with `content/_index.md` as its intro if present.
    Home {
        intro: Option<usize>,
    },
    ChapterDirectory,
    /// A chapter home, with `content/chapters/<slug>/_index.md` as its intro if present.
    ChapterHome {
        chapter: ChapterSlug,
        intro: Option<usize>,
    },
    /// A markdown page (index into `Site::pages`).
    Page(usize),
    /// A redirect page for an alias, to the given href.
    Alias {
        target: String,
    },
    NotFound,
    Sitemap,
    Robots,
    /// `_headers` for static hosts: security headers and the content security policy.
    Headers,
    /// A legal page generated from data.
    Legal(LegalPage),
    /// `notices/` (page 1) and `notices/page/N/`: current notices, then the archive.
    NoticeIndex {
        page: usize,
        pages: usize,
    },
    /// One notice (index into `Site::notices`).
    Notice(usize),
    /// An Atom feed: all published notices, or one chapter's.
    Feed(Option<ChapterSlug>),
    /// An iCalendar file: every chapter's meetings, or one chapter's.
    Calendar(Option<ChapterSlug>),
    /// `data-processing/schedules.csv`.
    SchedulesCsv,
    /// `data-processing/schedules.json`.
    SchedulesJson,
    ThemeAsset(String),
    /// A file under `static/` (index into `Site::static_files`).
    StaticFile(usize),
}

/// The five pages every site carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalPage {
    Privacy,
    Cookies,
    DataProcessing,
    Ethics,
    Oath,
}

impl LegalPage {
    pub const ALL: [LegalPage; 5] = [
        LegalPage::Privacy,
        LegalPage::Cookies,
        LegalPage::DataProcessing,
        LegalPage::Ethics,
        LegalPage::Oath,
    ];

    /// The URL path and translation key (`privacy`, `data-processing`, …).
    pub fn key(self) -> &'static str {
        match self {
            LegalPage::Privacy => "privacy",
            LegalPage::Cookies => "cookies",
            LegalPage::DataProcessing => "data-processing",
            LegalPage::Ethics => "ethics",
            LegalPage::Oath => "oath",
        }
    }
}

/// The theme asset that runs the cookie consent banner.
pub const CONSENT_SCRIPT: &str = "consent.js";

/// One output file.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Path inside the output folder, e.g. `chapters/london/index.html`.
    pub output: String,
    /// URL path relative to the root, e.g. `chapters/london/` (empty for the home).
    pub url: String,
    pub kind: RouteKind,
    pub scope: Scope,
    pub language: LanguageTag,
    /// The source that asked for this output, named when two claim the same path.
    pub origin: String,
}

impl Route {
    pub fn is_html_page(&self) -> bool {
        matches!(
            self.kind,
            RouteKind::Home { .. }
                | RouteKind::ChapterDirectory
                | RouteKind::ChapterHome { .. }
                | RouteKind::Page(_)
                | RouteKind::Legal(_)
                | RouteKind::NoticeIndex { .. }
                | RouteKind::Notice(_)
        )
    }
}

/// The routes plus what render needs to turn any source reference into an href.
#[derive(Debug, Clone)]
pub struct Plan {
    pub routes: Vec<Route>,
    /// The URL the output is served from (the site's, the chapter's, or `--base-url`).
    pub root: BaseUrl,
    /// The organisation's base URL, for links that leave a standalone chapter site.
    pub organisation_root: BaseUrl,
    /// Content path (`about.md`) → href, for `@/` links; drafts are absent unless `--drafts`.
    pub hrefs: BTreeMap<String, String>,
    /// Content paths of drafts left out, so a link to one gets a precise error.
    pub drafts_left_out: Vec<String>,
    pub standalone: Option<ChapterSlug>,
    /// Published notices (indices into `Site::notices`), newest first.
    pub notices: Vec<usize>,
    /// Today, from "now", for expiry and upcoming meetings.
    pub today: jiff::civil::Date,
    pub now: jiff::Timestamp,
}

impl Plan {
    /// The URL path of a notice.
    pub fn notice_url(&self, notice: &crate::model::Notice) -> String {
        format!("notices/{}/", notice.slug)
    }

    /// Published notices of one scope (all of them when `scope` is `None`).
    pub fn notices_of<'s>(
        &'s self,
        site: &'s Site,
        chapter: Option<&'s ChapterSlug>,
    ) -> impl Iterator<Item = (usize, &'s crate::model::Notice)> + 's {
        self.notices
            .iter()
            .map(move |&i| (i, &site.notices[i]))
            .filter(move |(_, n)| match chapter {
                None => true,
                Some(slug) => n.scope == Scope::Chapter(slug.clone()),
            })
    }

    /// The href of a URL path inside the output (`about/` → `/sub/about/`).
    pub fn href(&self, url: &str) -> String {
        format!("{}{url}", self.root.path())
    }

    /// The href of a chapter's home, local or on the organisation's site.
    pub fn chapter_href(&self, slug: &ChapterSlug) -> String {
        if self.standalone.as_ref() == Some(slug) {
            self.href("")
        } else if self.standalone.is_some() {
            self.organisation_root
                .absolute(&format!("chapters/{slug}/"))
        } else {
            self.href(&format!("chapters/{slug}/"))
        }
    }

    /// The href of an organisation-level URL path, which a standalone chapter site links to absolutely.
    pub fn organisation_href(&self, url: &str) -> String {
        if self.standalone.is_some() {
            self.organisation_root.absolute(url)
        } else {
            self.href(url)
        }
    }
}

/// Plans the routes of `site`.
pub fn plan(site: &Site, options: &PlanOptions) -> Result<Plan, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let standalone = options.chapter.clone();
    let organisation_root = match (&standalone, &options.base_url) {
        (None, Some(url)) => url.clone(),
        _ => site.config.base_url.clone(),
    };
    let configured_root = match &standalone {
        None => organisation_root.clone(),
        Some(slug) => match site.chapter(slug) {
            None => {
                let known: Vec<&str> = site.chapters.keys().map(ChapterSlug::as_str).collect();
                let mut d = Diagnostic::error(format!("there is no chapter `{slug}`"))
                    .in_file(&format!("data/chapters/{slug}.toml"));
                if let Some(close) =
                    crate::diagnostics::did_you_mean(slug.as_str(), known.iter().copied())
                {
                    d = d.hint(format!("did you mean `{close}`?"));
                } else {
                    d = d.hint(format!("known chapters: {}", known.join(", ")));
                }
                diagnostics.push(d);
                return Err(diagnostics);
            }
            Some(chapter) => match (&chapter.data.site_url, &options.base_url) {
                (Some(url), _) => url.clone(),
                (None, Some(url)) => url.clone(),
                (None, None) => {
                    diagnostics.push(
                        Diagnostic::error(format!("chapter `{slug}` has no `site_url`, so it cannot be built standalone"))
                            .in_file(&chapter.source_path)
                            .hint("add `site_url = \"https://…/\"` to the chapter file, or pass `--base-url`"),
                    );
                    return Err(diagnostics);
                }
            },
        },
    };
    let root = options.base_url.clone().unwrap_or(configured_root);
    let site_language = site.config.language.clone();
    let language_of = |scope: &Scope| match scope {
        Scope::Organisation => match &standalone {
            Some(slug) => site.chapters[slug].language.clone(),
            None => site_language.clone(),
        },
        Scope::Chapter(slug) => site.chapters[slug].language.clone(),
    };

    let mut planner = Planner::default();
    let mut hrefs = BTreeMap::new();
    let mut drafts_left_out = Vec::new();
    let mut home_intro = None;
    let mut chapter_intros: BTreeMap<ChapterSlug, usize> = BTreeMap::new();
    let mut page_routes = Vec::new();

    for (index, page) in site.pages.iter().enumerate() {
        let content_path = page.content_path().to_string();
        if page.front.draft && !options.drafts {
            drafts_left_out.push(content_path);
            continue;
        }
        let url = match page_url(page) {
            Ok(url) => url,
            Err(d) => {
                diagnostics.push(d);
                continue;
            }
        };
        let in_output = match (&standalone, &page.scope) {
            (None, _) => true,
            (Some(slug), Scope::Chapter(own)) => slug == own,
            (Some(_), Scope::Organisation) => false,
        };
        let local_url = match (&standalone, &page.scope) {
            (Some(_), Scope::Chapter(slug)) if in_output => url
                .strip_prefix(&format!("chapters/{slug}/"))
                .unwrap_or(&url)
                .to_string(),
            _ => url.clone(),
        };
        let href = if in_output {
            format!("{}{local_url}", root.path())
        } else {
            organisation_root.absolute(&url)
        };
        hrefs.insert(content_path, href);
        if !in_output {
            continue;
        }
        if page.is_index && page.front.template.is_none() {
            match &page.scope {
                Scope::Organisation if url.is_empty() => {
                    home_intro = Some(index);
                    continue;
                }
                Scope::Chapter(slug) if url == format!("chapters/{slug}/") => {
                    chapter_intros.insert(slug.clone(), index);
                    continue;
                }
                _ => {}
            }
        }
        page_routes.push((index, local_url));
    }

    if standalone.is_none() {
        planner.add(route(
            "",
            RouteKind::Home { intro: home_intro },
            Scope::Organisation,
            &site_language,
            origin_of(site, home_intro, "the organisation home"),
        ));
        planner.add(route(
            "chapters/",
            RouteKind::ChapterDirectory,
            Scope::Organisation,
            &site_language,
            "the chapters directory".into(),
        ));
    }
    for (slug, chapter) in &site.chapters {
        let url = match &standalone {
            None => format!("chapters/{slug}/"),
            Some(own) if own == slug => String::new(),
            Some(_) => continue,
        };
        let intro = chapter_intros.get(slug).copied();
        let origin = origin_of(site, intro, &chapter.source_path);
        planner.add(route(
            &url,
            RouteKind::ChapterHome {
                chapter: slug.clone(),
                intro,
            },
            Scope::Chapter(slug.clone()),
            &chapter.language,
            origin,
        ));
    }
    for (index, url) in page_routes {
        let page = &site.pages[index];
        let language = language_of(&page.scope);
        planner.add(route(
            &url,
            RouteKind::Page(index),
            page.scope.clone(),
            &language,
            page.source_path.clone(),
        ));
        let target = format!("{}{url}", root.path());
        for alias in &page.front.aliases {
            match alias_output(alias) {
                Ok(output) => planner.add(Route {
                    url: output.trim_end_matches("index.html").to_string(),
                    output,
                    kind: RouteKind::Alias { target: target.clone() },
                    scope: page.scope.clone(),
                    language: language.clone(),
                    origin: format!("{} (alias `{alias}`)", page.source_path),
                }),
                Err(message) => diagnostics.push(
                    page.error_in_body(0, message)
                        .hint("an alias is a path on this site such as \"/old-name/\"; it cannot leave the site"),
                ),
            }
        }
    }
    let fallback_language = language_of(&Scope::Organisation);
    for (url, kind) in [
        ("404.html", RouteKind::NotFound),
        ("sitemap.xml", RouteKind::Sitemap),
        ("robots.txt", RouteKind::Robots),
        ("_headers", RouteKind::Headers),
        ("data-processing/schedules.csv", RouteKind::SchedulesCsv),
        ("data-processing/schedules.json", RouteKind::SchedulesJson),
    ] {
        planner.add(file_route(
            url,
            kind,
            &fallback_language,
            "(built in)".into(),
        ));
    }
    // Notices: all of them for the organisation, the chapter's own (and policy notices) when
    // standalone; future-dated ones only with --drafts.
    let today = options.now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let notices: Vec<usize> = site
        .notices
        .iter()
        .enumerate()
        .filter(|(_, n)| options.drafts || !n.is_future(today))
        .filter(|(_, n)| match (&standalone, &n.scope) {
            (None, _) => true,
            (Some(own), Scope::Chapter(slug)) => own == slug,
            (Some(_), Scope::Organisation) => n.link.is_some(),
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
        let url = if page == 1 {
            "notices/".to_string()
        } else {
            format!("notices/page/{page}/")
        };
        planner.add(route(
            &url,
            RouteKind::NoticeIndex { page, pages },
            Scope::Organisation,
            &fallback_language,
            "the notices list".into(),
        ));
    }
    for &i in &notices {
        let notice = &site.notices[i];
        let language = language_of(&notice.scope);
        planner.add(route(
            &format!("notices/{}/", notice.slug),
            RouteKind::Notice(i),
            notice.scope.clone(),
            &language,
            notice.source_path.clone(),
        ));
    }
    planner.add(file_route(
        "notices/atom.xml",
        RouteKind::Feed(standalone.clone()),
        &fallback_language,
        "the notices feed".into(),
    ));
    match &standalone {
        Some(slug) => planner.add(file_route(
            "calendar.ics",
            RouteKind::Calendar(Some(slug.clone())),
            &fallback_language,
            "the calendar".into(),
        )),
        None => {
            planner.add(file_route(
                "calendar.ics",
                RouteKind::Calendar(None),
                &fallback_language,
                "the calendar".into(),
            ));
            for slug in site.chapters.keys() {
                let origin = format!("data/chapters/{slug}.toml");
                planner.add(file_route(
                    &format!("chapters/{slug}/atom.xml"),
                    RouteKind::Feed(Some(slug.clone())),
                    &fallback_language,
                    origin.clone(),
                ));
                planner.add(file_route(
                    &format!("chapters/{slug}/calendar.ics"),
                    RouteKind::Calendar(Some(slug.clone())),
                    &fallback_language,
                    origin,
                ));
            }
        }
    }

    // Every site, and every standalone chapter site, carries the legal pages.
    for page in LegalPage::ALL {
        let url = format!("{}/", page.key());
        let origin = match page {
            LegalPage::Privacy => crate::legal::privacy::PRIVACY_PATH,
            LegalPage::Cookies => crate::legal::cookies::COOKIES_PATH,
            LegalPage::DataProcessing => crate::legal::schedules::SCHEDULES_DIR,
            LegalPage::Ethics | LegalPage::Oath => crate::legal::ethics::ETHICS_PATH,
        };
        planner.add(route(
            &url,
            RouteKind::Legal(page),
            Scope::Organisation,
            &fallback_language,
            origin.to_string(),
        ));
    }
    // The theme's consent script serves the cookie banner; a site whose cookies are all
    // strictly necessary has no banner, so the script is left out rather than published unused.
    let needs_consent = site.legal.cookies.needs_consent();
    for path in site
        .theme
        .assets
        .keys()
        .filter(|path| needs_consent || path.as_str() != CONSENT_SCRIPT)
    {
        planner.add(file_route(
            path,
            RouteKind::ThemeAsset(path.clone()),
            &fallback_language,
            format!("theme asset {path}"),
        ));
    }
    for (index, (path, _)) in site.static_files.iter().enumerate() {
        match safe_relative_path(path) {
            Ok(()) => planner.add(file_route(
                path,
                RouteKind::StaticFile(index),
                &fallback_language,
                format!("static/{path}"),
            )),
            Err(message) => {
                diagnostics.push(Diagnostic::error(message).in_file(&format!("static/{path}")))
            }
        }
    }

    diagnostics.extend(planner.collisions);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let mut routes: Vec<Route> = planner.routes.into_values().collect();
    routes.sort_by(|a, b| a.output.cmp(&b.output));
    Ok(Plan {
        routes,
        root,
        organisation_root,
        hrefs,
        drafts_left_out,
        standalone,
        notices,
        today,
        now: options.now,
    })
}

#[derive(Default)]
struct Planner {
    routes: BTreeMap<String, Route>,
    collisions: Vec<Diagnostic>,
}

impl Planner {
    fn add(&mut self, route: Route) {
        match self.routes.get(&route.output) {
            Some(existing) if existing.origin != route.origin || existing.kind != route.kind => {
                self.collisions.push(
                    Diagnostic::error(format!(
                        "two sources map to the output `{}`: {} and {}",
                        route.output, existing.origin, route.origin
                    ))
                    .in_file(route.origin.split(' ').next().unwrap_or(""))
                    .hint("rename one of them, or give one a different `slug` in its front matter"),
                );
            }
            _ => {
                self.routes.insert(route.output.clone(), route);
            }
        }
    }
}

fn route(
    url: &str,
    kind: RouteKind,
    scope: Scope,
    language: &LanguageTag,
    origin: String,
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

fn file_route(path: &str, kind: RouteKind, language: &LanguageTag, origin: String) -> Route {
    Route {
        output: path.to_string(),
        url: path.to_string(),
        kind,
        scope: Scope::Organisation,
        language: language.clone(),
        origin,
    }
}

fn origin_of(site: &Site, page: Option<usize>, otherwise: &str) -> String {
    page.map_or_else(
        || otherwise.to_string(),
        |i| site.pages[i].source_path.clone(),
    )
}

/// The URL path of a page: its folders and file name, each slugified, ending in `/`.
///
/// `content/about.md` → `about/`; `content/chapters/paris/réunions.md` → `chapters/paris/reunions/`;
/// `_index.md` and `index.md` stand for their folder.
pub fn page_url(page: &crate::model::Page) -> Result<String, Diagnostic> {
    let rel = page.content_path();
    let without_ext = rel.strip_suffix(".md").unwrap_or(rel);
    let mut segments: Vec<&str> = without_ext.split('/').collect();
    let file = segments.pop().unwrap_or("");
    let mut url = String::new();
    for folder in segments {
        let segment = slug::slugify(folder);
        if segment.is_empty() {
            return Err(Diagnostic::error(format!(
                "the folder name `{folder}` gives an empty URL segment"
            ))
            .in_file(&page.source_path)
            .hint("use letters or digits in folder names"));
        }
        url.push_str(&segment);
        url.push('/');
    }
    if page.is_index {
        return Ok(url);
    }
    let (last, from_front_matter) = match &page.front.slug {
        Some(slug) => (slug.as_str(), true),
        None => (file, false),
    };
    let segment = slug::slugify(last);
    if segment.is_empty() {
        let message = format!("`{last}` gives an empty URL segment");
        return Err(if from_front_matter {
            page.error_in_body(0, message)
                .hint("set `slug` to letters, digits and hyphens, e.g. `slug = \"annual-report\"`")
        } else {
            Diagnostic::error(message)
                .in_file(&page.source_path)
                .hint("rename the file using letters or digits")
        });
    }
    url.push_str(&segment);
    url.push('/');
    Ok(url)
}

/// `"/about-us/"` → `about-us/index.html`; `"/old.html"` → `old.html`. Refuses escapes.
pub fn alias_output(alias: &str) -> Result<String, String> {
    if alias.contains("://") || alias.starts_with("//") {
        return Err(format!(
            "alias `{alias}` is a full URL, not a path on this site"
        ));
    }
    let path = alias.trim_start_matches('/');
    safe_relative_path(path.trim_end_matches('/')).map_err(|m| format!("alias `{alias}`: {m}"))?;
    if path.is_empty() {
        return Err(format!("alias `{alias}` would replace the home page"));
    }
    Ok(if path.ends_with(".html") {
        path.to_string()
    } else {
        format!("{}/index.html", path.trim_end_matches('/'))
    })
}

/// A path is safe to write below the output folder: relative, no `..`, no backslash, no NUL.
pub fn safe_relative_path(path: &str) -> Result<(), String> {
    if path.starts_with('/') || path.contains('\\') || path.contains('\0') || path.contains(':') {
        return Err(format!("`{path}` is not a plain relative path"));
    }
    if path
        .split('/')
        .any(|s| s == ".." || s == "." || s.is_empty() && !path.is_empty())
    {
        return Err(format!("`{path}` contains `..`, `.` or an empty segment"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_cannot_escape() {
        assert_eq!(alias_output("/about-us/").unwrap(), "about-us/index.html");
        assert_eq!(alias_output("old/page.html").unwrap(), "old/page.html");
        assert!(alias_output("/../etc/").is_err());
        assert!(alias_output("a\\..\\b").is_err());
        assert!(alias_output("https://evil.example/").is_err());
        assert!(alias_output("/").is_err());
    }
}
