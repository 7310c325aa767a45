//! Notice views for templates: lists (current, archive), single notices, home and chapter
//! excerpts, and the upcoming occurrences of a chapter's meetings.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::chapter::occurs_on;
use crate::model::notice::NoticeKind;
use crate::model::{Chapter, ChapterSlug, Notice, Scope, Site};
use crate::plan::{Layout, Plan};
use crate::render::context::format_date;

use super::strings::Strings;

#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub title: String,
    pub href: String,
    pub date: String,
    pub date_iso: String,
    pub summary: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub pinned: bool,
    pub expired: bool,
    pub chapter_name: Option<String>,
    pub chapter_href: Option<String>,
    /// "1 March 2027" when the announced change applies later than the notice's date.
    pub effective: Option<String>,
    pub effective_iso: Option<String>,
}

pub fn view(site: &Site, plan: &Plan, notice: &Notice, t: &Strings) -> NoticeView {
    let chapter = match &notice.scope {
        Scope::Chapter(slug) => site.chapter(slug),
        Scope::Organisation => None,
    };
    let later = notice
        .front
        .effective
        .map(|d| d.0)
        .filter(|d| *d > notice.front.date.0);
    NoticeView {
        title: title(notice, t),
        href: plan.href(&Layout::notice(&notice.slug)),
        date: format_date(notice.front.date.0, t),
        date_iso: notice.front.date.0.to_string(),
        summary: notice.front.summary.clone(),
        kind: notice.front.kind.key(),
        kind_label: t.notice_kind(notice.front.kind),
        pinned: notice.front.pinned,
        expired: notice.is_expired(plan.today),
        chapter_name: chapter.map(|c| c.data.name.clone()),
        chapter_href: chapter.map(|c| plan.layout.chapter_href(&c.slug)),
        effective: later.map(|d| format_date(d, t)),
        effective_iso: later.map(|d| d.to_string()),
    }
}

/// A generated notice's title is translated; a written one is shown as written.
pub fn title(notice: &Notice, t: &Strings) -> String {
    match (&notice.link, notice.front.kind) {
        (Some(_), NoticeKind::Policy) => t
            .get("notice_privacy_updated")
            .cloned()
            .unwrap_or_else(|| notice.front.title.clone()),
        _ => notice.front.title.clone(),
    }
}

/// (current, archived) views of the published notices, optionally of one chapter.
pub fn lists(
    site: &Site,
    plan: &Plan,
    chapter: Option<&ChapterSlug>,
    t: &Strings,
) -> (Vec<NoticeView>, Vec<NoticeView>) {
    let (current, archived): (Vec<NoticeView>, Vec<NoticeView>) = plan
        .notices_of(site, chapter)
        .map(|(_, n)| view(site, plan, n, t))
        .partition(|v| !v.expired);
    (current, archived)
}

/// What the organisation home shows: pinned notices, then the latest others.
pub fn for_home(site: &Site, plan: &Plan, t: &Strings) -> Vec<NoticeView> {
    let (current, _) = lists(site, plan, None, t);
    let (pinned, rest): (Vec<_>, Vec<_>) = current.into_iter().partition(|v| v.pinned);
    pinned
        .into_iter()
        .chain(rest.into_iter().take(site.config.notices.home_count))
        .collect()
}

/// The single notice page's extra context: body, AGM details, link.
pub fn detail(
    notice: &Notice,
    plan: &Plan,
    t: &Strings,
    markdown: crate::render::legal::MarkdownFn<'_>,
) -> Result<BTreeMap<&'static str, serde_json::Value>, Vec<Diagnostic>> {
    let body = markdown(&notice.body, &|offset, message| {
        notice.error_in_body(offset, message)
    })?;
    let mut detail = BTreeMap::new();
    detail.insert("body", serde_json::json!(body));
    detail.insert(
        "link",
        serde_json::json!(notice.link.as_deref().map(|l| plan.href(l))),
    );
    if let Some(agm) = &notice.front.agm {
        detail.insert(
            "agm",
            serde_json::json!({
                "date": agm.date.map(|d| format_date(d.0, t)),
                "date_iso": agm.date.map(|d| d.0.to_string()),
                "time": agm.time.map(|c| c.0.strftime("%H:%M").to_string()),
                "place": agm.place,
                "agenda": agm.agenda,
            }),
        );
    }
    Ok(detail)
}

#[derive(Debug, Clone, Serialize)]
pub struct Occurrence {
    pub title: String,
    pub date: String,
    pub date_iso: String,
    pub time: String,
    pub location: String,
}

/// The next `count` meetings and events of a chapter from today, in its time zone,
/// skipping cancelled occurrences.
pub fn upcoming(
    chapter: &Chapter,
    now: jiff::Timestamp,
    count: usize,
    t: &Strings,
) -> Vec<Occurrence> {
    let local_now = now.to_zoned(chapter.timezone.clone()).datetime();
    let mut found: Vec<(jiff::civil::DateTime, Occurrence)> = Vec::new();
    let mut date = local_now.date();
    let horizon = date
        .checked_add(jiff::Span::new().days(400))
        .unwrap_or(date);
    while date <= horizon && found.len() < count * 4 {
        for meeting in &chapter.data.meetings {
            let m = meeting.get_ref();
            let start = date.to_datetime(m.start_time.0);
            if occurs_on(m, date) && !m.cancelled.iter().any(|c| c.0 == date) && start >= local_now
            {
                let end = start
                    .checked_add(jiff::Span::new().minutes(i64::from(m.duration_minutes)))
                    .unwrap_or(start);
                found.push((
                    start,
                    occurrence(&m.title, start, Some(end), &m.location, t),
                ));
            }
        }
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    for event in &chapter.data.events {
        if event.start.0 >= local_now {
            found.push((
                event.start.0,
                occurrence(
                    &event.title,
                    event.start.0,
                    event.end.map(|e| e.0),
                    &event.location,
                    t,
                ),
            ));
        }
    }
    found.sort_by_key(|(start, _)| *start);
    found.into_iter().take(count).map(|(_, o)| o).collect()
}

fn occurrence(
    title: &str,
    start: jiff::civil::DateTime,
    end: Option<jiff::civil::DateTime>,
    location: &str,
    t: &Strings,
) -> Occurrence {
    let time = match end {
        Some(end) if end.date() == start.date() => {
            format!("{}–{}", start.strftime("%H:%M"), end.strftime("%H:%M"))
        }
        _ => start.strftime("%H:%M").to_string(),
    };
    Occurrence {
        title: title.to_string(),
        date: format_date(start.date(), t),
        date_iso: start.date().to_string(),
        time,
        location: location.to_string(),
    }
}
