//! What templates see: plain serialisable views of the site, built once per build or route.
//!
//! Everything shared by all pages (navigation, chapter summaries, translations) is built once
//! in [`Shared`] and referenced from each route's context.

use std::collections::BTreeMap;

use serde::Serialize;

use super::strings::Strings;
use crate::model::chapter::{Frequency, Meeting};
use crate::model::{Chapter, ChapterSlug, LanguageTag, Scope, Site};
use crate::plan::{Plan, RouteKind};

/// A link in navigation or the footer.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub href: String,
}

/// What templates know about a chapter.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterView {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub region: String,
    pub language: String,
    /// The chapter's language, named in the viewer's language (`French`, `français`).
    pub language_name: String,
    pub href: String,
    pub timezone: String,
    pub contact: crate::model::chapter::Contact,
    pub officers: Vec<OfficerView>,
    pub meetings: Vec<MeetingView>,
    pub pages: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OfficerView {
    pub name: String,
    /// The role as written in the data (`Chair`).
    pub role: String,
    /// The role in the chapter's language, from the `role_<slug>` translations.
    pub role_label: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    pub title: String,
    /// "Second Tuesday of every month", in the chapter's language.
    pub schedule: String,
    /// "18:30–20:00".
    pub time: String,
    pub location: String,
}

/// Chapters of one region or country, for the directory.
#[derive(Debug, Clone, Serialize)]
pub struct RegionView {
    pub name: String,
    pub chapters: Vec<ChapterView>,
}

/// Context pieces computed once per build.
pub struct Shared {
    pub chapters: BTreeMap<ChapterSlug, ChapterView>,
    pub regions: Vec<RegionView>,
    /// Translations per primary language.
    pub strings: BTreeMap<String, Strings>,
}

impl Shared {
    pub fn new(site: &Site, plan: &Plan) -> Self {
        let mut strings = BTreeMap::new();
        let languages = plan.routes.iter().map(|r| r.language.primary().to_string());
        for language in languages.chain(std::iter::once("en".to_string())) {
            strings
                .entry(language.clone())
                .or_insert_with(|| Strings::new(site.theme.strings(&language)));
        }
        let chapters: BTreeMap<ChapterSlug, ChapterView> = site
            .chapters
            .iter()
            .map(|(slug, chapter)| {
                let t = &strings
                    .get(chapter.language.primary())
                    .cloned()
                    .unwrap_or_else(|| {
                        Strings::new(site.theme.strings(chapter.language.primary()))
                    });
                (slug.clone(), chapter_view(site, plan, chapter, t))
            })
            .collect();
        let mut by_region: BTreeMap<&str, Vec<ChapterView>> = BTreeMap::new();
        for (slug, chapter) in &site.chapters {
            by_region
                .entry(chapter.region())
                .or_default()
                .push(chapters[slug].clone());
        }
        let regions = by_region
            .into_iter()
            .map(|(name, mut chapters)| {
                chapters.sort_by(|a, b| a.name.cmp(&b.name));
                RegionView {
                    name: name.to_string(),
                    chapters,
                }
            })
            .collect();
        Shared {
            chapters,
            regions,
            strings,
        }
    }

    pub fn strings(&self, language: &LanguageTag) -> &Strings {
        self.strings
            .get(language.primary())
            .or_else(|| self.strings.get("en"))
            .unwrap_or_else(|| empty_strings())
    }
}

fn empty_strings() -> &'static Strings {
    static EMPTY: std::sync::OnceLock<Strings> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Strings::default)
}

fn chapter_view(site: &Site, plan: &Plan, chapter: &Chapter, t: &Strings) -> ChapterView {
    let mut pages: Vec<(i64, &str, String)> = plan
        .routes
        .iter()
        .filter_map(|route| match route.kind {
            RouteKind::Page(i) if matches!(&route.scope, Scope::Chapter(slug) if *slug == chapter.slug) => {
                let page = &site.pages[i];
                Some((
                    page.front.weight,
                    page.front.title.as_str(),
                    plan.href(&route.url),
                ))
            }
            _ => None,
        })
        .collect();
    pages.sort();
    ChapterView {
        slug: chapter.slug.to_string(),
        name: chapter.data.name.clone(),
        country: chapter.data.country.get_ref().clone(),
        region: chapter.region().to_string(),
        language: chapter.language.as_str().to_string(),
        language_name: t
            .language_name(chapter.language.primary())
            .unwrap_or_else(|| chapter.language.as_str().to_string()),
        href: plan.layout.chapter_href(&chapter.slug),
        timezone: chapter.data.timezone.get_ref().clone(),
        contact: chapter.data.contact.clone(),
        officers: chapter
            .data
            .officers
            .iter()
            .map(|o| OfficerView {
                name: o.name.clone(),
                role: o.role.clone(),
                role_label: t.role(&o.role).unwrap_or_else(|| o.role.clone()),
                email: o.email.clone(),
            })
            .collect(),
        meetings: chapter
            .data
            .meetings
            .iter()
            .map(|m| meeting_view(m.get_ref(), t))
            .collect(),
        pages: pages
            .into_iter()
            .map(|(_, title, href)| Link {
                title: title.to_string(),
                href,
            })
            .collect(),
    }
}

fn meeting_view(meeting: &Meeting, t: &Strings) -> MeetingView {
    let weekday = t.weekday(meeting.weekday.to_jiff());
    let schedule = match (meeting.frequency, meeting.week) {
        (Frequency::Weekly, _) | (Frequency::Monthly, None) => {
            t.text("schedule_weekly").replace("{weekday}", &weekday)
        }
        (Frequency::Monthly, Some(week)) => t
            .text("schedule_monthly")
            .replace("{ordinal}", &t.ordinal(week))
            .replace("{weekday}", &weekday),
    };
    let start = meeting.start_time.0;
    let end = start.wrapping_add(jiff::Span::new().minutes(i64::from(meeting.duration_minutes)));
    MeetingView {
        title: meeting.title.clone(),
        schedule: capitalise(&schedule),
        time: format!("{}–{}", start.strftime("%H:%M"), end.strftime("%H:%M")),
        location: meeting.location.clone(),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "24 March 2026" / "24 mars 2026", from the `date_format` and `month_N` translations.
pub fn format_date(date: jiff::civil::Date, t: &BTreeMap<String, String>) -> String {
    let month = t
        .get(&format!("month_{}", date.month()))
        .cloned()
        .unwrap_or_else(|| date.month().to_string());
    t.get("date_format")
        .map_or("{day} {month} {year}", String::as_str)
        .replace("{day}", &date.day().to_string())
        .replace("{month}", &month)
        .replace("{year}", &date.year().to_string())
}
