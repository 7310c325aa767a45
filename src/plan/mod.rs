//! Stage 2, plan: a [`Site`] → the list of [`Route`]s to render, and the URL of everything.
//!
//! Planning decides every output path before anything renders, so two sources claiming one
//! output, an alias escaping the output folder, or a link to a page that will not exist are
//! found here, with both culprits named. [`urls::Layout`] is the one place that knows where
//! each kind of output goes; [`emit`] has one emitter per kind of route.

mod emit;
pub mod origin;
pub mod paths;
pub mod sitemap;
pub mod urls;

use std::collections::BTreeMap;

use crate::config::BaseUrl;
use crate::diagnostics::Diagnostics;
use crate::model::{ChapterSlug, LanguageTag, Scope, Site};

pub use origin::RouteOrigin;
pub use paths::{alias_output, page_url, safe_relative_path};
pub use urls::Layout;

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
    /// A `<urlset>` of the HTML pages in this range (in route order): `sitemap.xml`, or
    /// `sitemap-N.xml` when the pages are past one file's limits.
    Sitemap {
        urls: std::ops::Range<usize>,
    },
    /// `sitemap.xml` as a sitemap index of `sitemap-1.xml` … `sitemap-{parts}.xml`.
    SitemapIndex {
        parts: usize,
    },
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

    /// The data file (or folder) the page is made from.
    pub fn source_path(self) -> &'static str {
        use crate::source::paths as source_paths;
        match self {
            LegalPage::Privacy => source_paths::PRIVACY,
            LegalPage::Cookies => source_paths::COOKIES,
            LegalPage::DataProcessing => source_paths::SCHEDULES_DIR,
            LegalPage::Ethics | LegalPage::Oath => source_paths::ETHICS,
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
    pub origin: RouteOrigin,
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
    /// Where every kind of output goes, and how site paths become hrefs.
    pub layout: Layout,
    /// Content path (`about.md`) → href, for `@/` links; drafts are absent unless `--drafts`.
    pub hrefs: BTreeMap<String, String>,
    /// Content paths of drafts left out, so a link to one gets a precise error.
    pub drafts_left_out: Vec<String>,
    /// Published notices (indices into `Site::notices`), newest first.
    pub notices: Vec<usize>,
    /// Today, from "now", for expiry and upcoming meetings.
    pub today: jiff::civil::Date,
    pub now: jiff::Timestamp,
}

impl Plan {
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
                Some(slug) => n.scope == Scope::Chapter(slug.clone()) || n.is_for_every_site(),
            })
    }

    /// The href of a site path inside the output (`about/` → `/sub/about/`).
    pub fn href(&self, site_path: &str) -> String {
        self.layout.href(site_path)
    }
}

impl LegalPage {
    /// Whether the site publishes this page: the ethics and oath pages only when
    /// ethics.toml has a code (not `none = "…"`), the data-processing page only when there
    /// are schedules (not `data/schedules/none.toml`).
    pub fn is_published(self, site: &Site) -> bool {
        match self {
            LegalPage::Ethics | LegalPage::Oath => site.legal.ethics.is_some(),
            LegalPage::DataProcessing => !site.legal.schedules.is_empty(),
            LegalPage::Privacy | LegalPage::Cookies => true,
        }
    }
}

/// The generated pages a page, a legal section or the navigation can link to as
/// `@/privacy/`, `@/notices/`…: keys end in `/`, so they never clash with a content file.
fn generated_hrefs(site: &Site, layout: &Layout) -> Vec<(String, String)> {
    let mut keys: Vec<String> = LegalPage::ALL
        .iter()
        .filter(|page| page.is_published(site))
        .map(|page| format!("{}/", page.key()))
        .collect();
    keys.push("notices/".to_string());
    if layout.standalone_chapter(site).is_none() {
        keys.push("chapters/".to_string());
    }
    keys.into_iter()
        .map(|key| {
            let href = layout.href(&key);
            (key, href)
        })
        .collect()
}

/// Plans the routes of `site`: one emitter per kind of route, then every collision at once.
pub fn plan(site: &Site, options: &PlanOptions) -> Result<Plan, Diagnostics> {
    let layout = emit::layout(site, options)?;
    let mut planner = emit::Planner::new(site, options, &layout);
    let mut pages = planner.pages();
    pages.hrefs.extend(generated_hrefs(site, &layout));
    planner.homes(&pages);
    planner.page_routes(&pages);
    planner.built_in_files();
    let today = options.now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let notices = planner.notices(today);
    planner.feeds_and_calendars();
    planner.legal_pages();
    planner.theme_assets();
    planner.static_files();
    planner.sitemaps(sitemap::PROTOCOL);
    planner.navigation(&pages);
    let routes = planner.finish()?;
    Ok(Plan {
        routes,
        layout,
        hrefs: pages.hrefs,
        drafts_left_out: pages.drafts_left_out,
        notices,
        today,
        now: options.now,
    })
}
