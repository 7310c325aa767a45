//! Where everything goes: the one place that knows the URL layout of a site.
//!
//! A [`Layout`] answers, for the organisation site or one standalone chapter site, the site
//! path (relative to the output's root, e.g. `chapters/london/`) of every kind of output, and
//! turns site paths into hrefs and absolute URLs. Plan places routes with it and render
//! asks it; nothing else formats `chapters/{slug}/…`.

use crate::config::BaseUrl;
use crate::model::{ChapterSlug, LanguageTag, Scope};

use super::LegalPage;

/// The URL layout of one output: the organisation site, or one chapter's standalone site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The URL the output is served from (the site's, the chapter's, or `--base-url`).
    root: BaseUrl,
    /// The organisation's base URL, for links that leave a standalone chapter site.
    organisation_root: BaseUrl,
    /// The chapter built as a standalone site, if any.
    standalone: Option<ChapterSlug>,
}

impl Layout {
    pub fn new(root: BaseUrl, organisation_root: BaseUrl, standalone: Option<ChapterSlug>) -> Self {
        Layout {
            root,
            organisation_root,
            standalone,
        }
    }

    pub fn root(&self) -> &BaseUrl {
        &self.root
    }

    pub fn organisation_root(&self) -> &BaseUrl {
        &self.organisation_root
    }

    /// The chapter this output is the standalone site of.
    pub fn standalone(&self) -> Option<&ChapterSlug> {
        self.standalone.as_ref()
    }

    pub fn is_standalone(&self) -> bool {
        self.standalone.is_some()
    }

    /// The chapter of this output's own pages: the standalone chapter, or a page's chapter.
    pub fn standalone_chapter<'s>(
        &'s self,
        site: &'s crate::model::Site,
    ) -> Option<&'s crate::model::Chapter> {
        self.standalone.as_ref().and_then(|slug| site.chapter(slug))
    }

    /// Whether this output carries the pages of `scope`: the organisation site carries
    /// everything; a standalone chapter site only that chapter's.
    pub fn carries(&self, scope: &Scope) -> bool {
        match (&self.standalone, scope) {
            (None, _) => true,
            (Some(own), Scope::Chapter(slug)) => own == slug,
            (Some(_), Scope::Organisation) => false,
        }
    }

    /// The organisation-wide site path of a chapter's home (`chapters/london/`).
    pub fn chapter_home_on_organisation(slug: &ChapterSlug) -> String {
        format!("chapters/{slug}/")
    }

    /// The site path of a chapter's home in this output; `None` if the output lacks it.
    pub fn chapter_home(&self, slug: &ChapterSlug) -> Option<String> {
        match &self.standalone {
            None => Some(Self::chapter_home_on_organisation(slug)),
            Some(own) if own == slug => Some(String::new()),
            Some(_) => None,
        }
    }

    /// A page's organisation-wide URL path as it is placed in this output: a standalone
    /// chapter site serves its chapter's pages from its root.
    pub fn local_page_url(&self, scope: &Scope, url: &str) -> String {
        match (&self.standalone, scope) {
            (Some(own), Scope::Chapter(slug)) if own == slug => url
                .strip_prefix(&Self::chapter_home_on_organisation(slug))
                .unwrap_or(url)
                .to_string(),
            _ => url.to_string(),
        }
    }

    /// The organisation-wide URL path of a translation into `language` of the page at
    /// `url`: under the language's prefix at the root of the site the page belongs to
    /// (`fr/about/`, `chapters/montreal/en/midi-conferences/`).
    pub fn translated_page_url(scope: &Scope, language: &LanguageTag, url: &str) -> String {
        match scope {
            Scope::Organisation => format!("{language}/{url}"),
            Scope::Chapter(slug) => {
                let home = Self::chapter_home_on_organisation(slug);
                let rest = url.strip_prefix(&home).unwrap_or(url);
                format!("{home}{language}/{rest}")
            }
        }
    }

    /// The site path of page `page` (1-based) of the notices list.
    pub fn notices_list(page: usize) -> String {
        if page <= 1 {
            "notices/".to_string()
        } else {
            format!("notices/page/{page}/")
        }
    }

    /// The site path of a notice.
    pub fn notice(slug: &str) -> String {
        format!("notices/{slug}/")
    }

    /// The site path of a legal page (`privacy/`).
    pub fn legal(page: LegalPage) -> String {
        format!("{}/", page.key())
    }

    /// The site path of the notices feed: everything's, or one chapter's. A standalone
    /// chapter site's own feed is its `notices/atom.xml`.
    pub fn feed(&self, chapter: Option<&ChapterSlug>) -> String {
        match (chapter, &self.standalone) {
            (Some(slug), None) => format!("chapters/{slug}/atom.xml"),
            _ => "notices/atom.xml".to_string(),
        }
    }

    /// The site path of a calendar: every chapter's, or one chapter's (at the root of a
    /// standalone chapter site).
    pub fn calendar(&self, chapter: Option<&ChapterSlug>) -> String {
        match (chapter, &self.standalone) {
            (Some(slug), None) => format!("chapters/{slug}/calendar.ics"),
            _ => "calendar.ics".to_string(),
        }
    }

    /// The href of a site path inside the output (`about/` → `/sub/about/`).
    pub fn href(&self, site_path: &str) -> String {
        format!("{}{site_path}", self.root.path())
    }

    /// The absolute URL of a site path inside the output.
    pub fn absolute(&self, site_path: &str) -> String {
        self.root.absolute(site_path)
    }

    /// The href of a chapter's home, local or on the organisation's site.
    pub fn chapter_href(&self, slug: &ChapterSlug) -> String {
        match self.chapter_home(slug) {
            Some(path) => self.href(&path),
            None => self
                .organisation_root
                .absolute(&Self::chapter_home_on_organisation(slug)),
        }
    }

    /// The href of an organisation-level site path, which a standalone chapter site links
    /// to absolutely.
    pub fn organisation_href(&self, site_path: &str) -> String {
        if self.standalone.is_some() {
            self.organisation_root.absolute(site_path)
        } else {
            self.href(site_path)
        }
    }

    /// The href of a page given its organisation-wide URL path and scope: local when this
    /// output carries it, absolute on the organisation's site otherwise.
    pub fn page_href(&self, scope: &Scope, url: &str) -> String {
        if self.carries(scope) {
            self.href(&self.local_page_url(scope, url))
        } else {
            self.organisation_root.absolute(url)
        }
    }

    /// The href of a chapter's feed or calendar link on a page of `scope`; `None` for the
    /// organisation's pages.
    pub fn chapter_feed_href(&self, scope: &Scope) -> Option<String> {
        match scope {
            Scope::Chapter(slug) => Some(self.href(&self.feed(Some(slug)))),
            Scope::Organisation => None,
        }
    }

    /// See [`Layout::chapter_feed_href`].
    pub fn chapter_calendar_href(&self, scope: &Scope) -> Option<String> {
        match scope {
            Scope::Chapter(slug) => Some(self.href(&self.calendar(Some(slug)))),
            Scope::Organisation => None,
        }
    }

    /// An href inside this output made absolute (for redirects and feeds).
    pub fn absolute_of_href(&self, href: &str) -> String {
        match href.strip_prefix(self.root.path()) {
            Some(rest) => self.root.absolute(rest),
            None => href.to_string(),
        }
    }

    /// The tag-URI path of a notices feed, the same on the organisation's and the chapter's
    /// site so that readers see one feed.
    pub fn feed_id_path(chapter: Option<&ChapterSlug>) -> String {
        match chapter {
            Some(slug) => format!("chapters/{slug}/notices"),
            None => "notices".to_string(),
        }
    }

    /// The page a notices feed links to as its HTML version.
    pub fn feed_html_url(&self, chapter: Option<&ChapterSlug>) -> String {
        match (chapter, &self.standalone) {
            (Some(slug), None) => self.absolute(&Self::chapter_home_on_organisation(slug)),
            _ => self.absolute(&Self::notices_list(1)),
        }
    }
}
