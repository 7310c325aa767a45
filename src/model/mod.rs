//! The typed model of a site: what `load` produces and every later stage trusts.
//!
//! Strings from source files are parsed once into these types (a validated [`ChapterSlug`],
//! a [`LanguageTag`], typed chapters and pages), so `plan` and `render` never re-check them.

pub mod base_url;
pub mod chapter;
pub mod config;
pub mod ids;
pub mod legal;
pub mod notice;
pub mod output_path;
pub mod page;
pub mod text;
pub mod theme;

use std::collections::BTreeMap;

use crate::config::SiteConfig;
pub use chapter::Chapter;
pub use ids::{ChapterSlug, LanguageTag, Scope};
pub use notice::Notice;
pub use output_path::OutputPath;
pub use page::Page;
pub use theme::Theme;

/// Everything a build needs, loaded and checked.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// Chapters by slug; a `BTreeMap` keeps every listing in a stable order.
    pub chapters: BTreeMap<ChapterSlug, Chapter>,
    /// Every markdown page, sorted by source path, drafts included (plan filters them).
    pub pages: Vec<Page>,
    pub theme: Theme,
    /// Files under `static/`, copied verbatim: (path below `static/`, bytes).
    pub static_files: Vec<(String, Vec<u8>)>,
    /// Privacy, cookies, data-processing schedules, ethics and oath.
    pub legal: crate::legal::Legal,
    /// Notices from content and from data (material privacy changes), newest first.
    pub notices: Vec<Notice>,
    /// Markdown files merged into generated pages (content path → page), not published alone.
    pub fragments: BTreeMap<String, Page>,
}

impl Site {
    pub fn chapter(&self, slug: &ChapterSlug) -> Option<&Chapter> {
        self.chapters.get(slug)
    }
}
