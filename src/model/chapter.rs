//! One chapter, from `data/chapters/<slug>.toml`: identity, contact, officers, meetings, events.
//!
//! Serde checks the shape (unknown keys, missing fields, types); [`parse`] then checks what
//! serde cannot (a real IANA time zone, a sensible meeting rule, cancellations that fall on an
//! occurrence) and reports each problem at its line.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ChapterSlug, LanguageTag};
use crate::config::BaseUrl;
use crate::diagnostics::Diagnostic;
use crate::model::text::{Places, Prose};
use crate::toml_data::{self, ClockTime, Date, Embedding, LocalDateTime};

fn no_description() -> Spanned<String> {
    Spanned::new(0..0, String::new())
}

/// The data of one chapter, as written in its TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterData {
    pub name: String,
    pub country: Spanned<String>,
    /// Groups chapters in the directory; defaults to the country.
    pub region: Option<String>,
    pub language: Option<LanguageTag>,
    /// Every language the chapter's pages are published in, its default first.
    pub languages: Option<Spanned<Vec<LanguageTag>>>,
    pub timezone: Spanned<String>,
    /// The chapter's own domain, for `build --chapter`.
    pub site_url: Option<BaseUrl>,
    /// Markdown shown on the chapter home.
    #[serde(default = "no_description")]
    pub description: Spanned<String>,
    pub contact: Contact,
    #[serde(default)]
    pub officers: Vec<Officer>,
    #[serde(default)]
    pub meetings: Vec<Spanned<Meeting>>,
    #[serde(default)]
    pub events: Vec<Event>,
    /// What the chapter's own site adds to the legal pages.
    #[serde(default)]
    pub legal: ChapterLegal,
}

/// `[legal]`: chapter overrides of the organisation's legal pages.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterLegal {
    /// Local processors the chapter uses, added to the privacy policy's recipients.
    #[serde(default)]
    pub processors: Vec<LocalProcessor>,
    /// The member oath in the chapter's language, one paragraph per entry.
    #[serde(default)]
    pub oath: Vec<String>,
    /// The supervisory authority of the chapter's country, named first on its own site.
    pub supervisory_authority: Option<crate::legal::privacy::Authority>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LocalProcessor {
    pub name: Prose,
    pub purpose: Prose,
    /// The country or countries where the processor holds the data.
    pub location: Spanned<Places>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    pub name: String,
    pub role: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Weekly,
    Monthly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub fn to_jiff(self) -> jiff::civil::Weekday {
        use jiff::civil::Weekday as W;
        match self {
            Weekday::Monday => W::Monday,
            Weekday::Tuesday => W::Tuesday,
            Weekday::Wednesday => W::Wednesday,
            Weekday::Thursday => W::Thursday,
            Weekday::Friday => W::Friday,
            Weekday::Saturday => W::Saturday,
            Weekday::Sunday => W::Sunday,
        }
    }
}

/// A recurring meeting: weekly on a weekday, or monthly on the nth (or last) weekday.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub title: String,
    pub frequency: Frequency,
    pub weekday: Weekday,
    /// Monthly only: 1–4, or -1 for the last such weekday of the month.
    pub week: Option<i8>,
    pub start_time: ClockTime,
    pub duration_minutes: u32,
    pub location: String,
    pub starts_on: Date,
    pub until: Option<Date>,
    #[serde(default)]
    pub cancelled: Vec<Date>,
}

/// A one-off event in the chapter's time zone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub title: String,
    pub start: LocalDateTime,
    pub end: Option<LocalDateTime>,
    pub location: String,
    pub description: Option<String>,
}

/// A loaded, checked chapter.
#[derive(Debug, Clone)]
pub struct Chapter {
    pub slug: ChapterSlug,
    /// `data/chapters/<slug>.toml`, for diagnostics.
    pub source_path: String,
    /// The file's text, for locating diagnostics found after loading.
    pub file_text: String,
    pub data: ChapterData,
    pub language: LanguageTag,
    /// The languages the chapter publishes, `language` first.
    pub languages: Vec<LanguageTag>,
    pub timezone: jiff::tz::TimeZone,
}

impl Chapter {
    pub fn region(&self) -> &str {
        self.data
            .region
            .as_deref()
            .unwrap_or(self.data.country.get_ref())
    }

    /// The file offset of byte `at` of the description's markdown (exact unless it has escapes).
    pub fn description_offset(&self, at: usize) -> usize {
        let start = self.data.description.span().start;
        let value = &self.file_text[start.min(self.file_text.len())..];
        let opening = [
            "\"\"\"\n",
            "\"\"\"\r\n",
            "\"\"\"",
            "'''\n",
            "'''",
            "\"",
            "'",
        ]
        .iter()
        .find(|q| value.starts_with(**q))
        .map_or(0, |q| q.len());
        start + opening + at
    }
}

/// Parses and checks one chapter file; `site_language` is the default language.
/// Where an event's `end` is written: the first `end =` line of the title's table, else
/// the title.
fn event_end_offset(text: &str, title: &str) -> usize {
    let Some(title_at) = text.find(&format!("\"{title}\"")) else {
        return 0;
    };
    let mut line_start = text[..title_at].rfind('\n').map_or(0, |i| i + 1);
    for line in text[line_start..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if line_start > title_at && trimmed.starts_with('[') {
            break;
        }
        if let Some(rest) = trimmed.strip_prefix("end")
            && rest.trim_start().starts_with('=')
        {
            return line_start + (line.len() - trimmed.len());
        }
        line_start += line.len();
    }
    title_at
}

pub fn parse(
    slug: ChapterSlug,
    path: &str,
    text: &str,
    site_language: &LanguageTag,
) -> Result<Chapter, Vec<Diagnostic>> {
    let at = Embedding::whole(path, text);
    let data: ChapterData = toml_data::parse(text, at).map_err(|d| {
        d.into_iter()
            .map(crate::config::with_url_hint)
            .collect::<Vec<_>>()
    })?;
    let mut problems = super::page::control_characters(text, at);

    let zone_name = data.timezone.get_ref();
    let timezone = match jiff::tz::TimeZone::get(zone_name) {
        Ok(tz) => Some(tz),
        Err(_) => {
            problems.push(
                at.error_span(
                    &data.timezone.span(),
                    format!("`{zone_name}` is not an IANA time zone"),
                )
                .hint(
                    "use a name from the tz database, such as `Europe/London` or `America/Toronto`",
                ),
            );
            None
        }
    };
    for meeting in &data.meetings {
        check_meeting(meeting, at, &mut problems);
        if let Some(tz) = &timezone {
            check_meeting_times(meeting, tz, at, &mut problems);
        }
    }
    for event in &data.events {
        if let Some(end) = event.end
            && end.0 < event.start.0
        {
            problems.push(
                Diagnostic::error(format!("event `{}` ends before it starts", event.title))
                    .at(path, text, event_end_offset(text, &event.title))
                    .hint("check the `start` and `end` date-times"),
            );
        }
    }
    let mut language = data
        .language
        .clone()
        .unwrap_or_else(|| site_language.clone());
    let mut languages = vec![language.clone()];
    if let Some(list) = &data.languages {
        match crate::config::default_of_languages(list, data.language.as_ref(), at) {
            Ok(first) => {
                language = first.unwrap_or(language);
                languages = list.get_ref().clone();
            }
            Err(problem) => problems.push(problem),
        }
    }
    match timezone {
        Some(timezone) if problems.is_empty() => Ok(Chapter {
            language,
            languages,
            slug,
            source_path: path.to_string(),
            file_text: text.to_string(),
            data,
            timezone,
        }),
        _ => Err(problems),
    }
}

fn check_meeting(meeting: &Spanned<Meeting>, at: Embedding<'_>, problems: &mut Vec<Diagnostic>) {
    let span = meeting.span();
    let m = meeting.get_ref();
    match (m.frequency, m.week) {
        (Frequency::Monthly, None) => problems.push(
            at.error_span(&span, format!("monthly meeting `{}` has no `week`", m.title))
                .hint("add `week = 2` for the second such weekday of the month, or `week = -1` for the last"),
        ),
        (Frequency::Monthly, Some(w)) if !matches!(w, 1..=4 | -1) => problems.push(
            at.error_span(&span, format!("meeting `{}` has `week = {w}`", m.title))
                .hint("`week` is 1, 2, 3, 4, or -1 for the last such weekday of the month"),
        ),
        (Frequency::Weekly, Some(_)) => problems.push(
            at.error_span(&span, format!("weekly meeting `{}` has a `week`", m.title))
                .hint("remove `week`, or set `frequency = \"monthly\"`"),
        ),
        _ => {}
    }
    if m.duration_minutes == 0 || m.duration_minutes > 24 * 60 {
        problems.push(
            at.error_span(
                &span,
                format!("meeting `{}` lasts {} minutes", m.title, m.duration_minutes),
            )
            .hint("`duration_minutes` is between 1 and 1440"),
        );
    }
    if let Some(until) = m.until
        && until < m.starts_on
    {
        problems.push(
            at.error_span(
                &span,
                format!("meeting `{}` ends (`until`) before `starts_on`", m.title),
            )
            .hint("`until` is the last day the meeting may take place"),
        );
    }
    if m.starts_on.0.weekday() != m.weekday.to_jiff() {
        problems.push(
            at.error_span(
                &span,
                format!(
                    "meeting `{}` starts on {}, which is a {:?}, not a {:?}",
                    m.title,
                    m.starts_on.0,
                    m.starts_on.0.weekday(),
                    m.weekday
                ),
            )
            .hint("`starts_on` is the date of the first meeting"),
        );
    }
    for cancelled in &m.cancelled {
        if !occurs_on(m, cancelled.0) {
            problems.push(
                at.error_span(
                    &span,
                    format!(
                        "meeting `{}` does not take place on {}, so it cannot be cancelled then",
                        m.title, cancelled.0
                    ),
                )
                .hint("list in `cancelled` only dates on which the meeting would otherwise happen"),
            );
        }
    }
}

/// The first meeting's end and the last day's end (`until`) must be representable in the
/// chapter's zone: the calendar writes both, and without them it would say something else
/// (an event of no length, a rule that never ends).
fn check_meeting_times(
    meeting: &Spanned<Meeting>,
    tz: &jiff::tz::TimeZone,
    at: Embedding<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let m = meeting.get_ref();
    let start = m.starts_on.0.to_datetime(m.start_time.0);
    let end = start
        .checked_add(jiff::Span::new().minutes(i64::from(m.duration_minutes)))
        .ok()
        .filter(|end| end.to_zoned(tz.clone()).is_ok());
    if end.is_none() || start.to_zoned(tz.clone()).is_err() {
        problems.push(
            at.error_span(
                &meeting.span(),
                format!(
                    "meeting `{}` starts on {} at {} and would end after the last date chapterhouse can represent",
                    m.title, m.starts_on.0, m.start_time.0
                ),
            )
            .hint("check `starts_on`: dates run up to 9999-12-30"),
        );
    }
    if let Some(until) = m.until
        && until
            .0
            .to_datetime(jiff::civil::time(23, 59, 59, 0))
            .to_zoned(tz.clone())
            .is_err()
    {
        problems.push(
            at.error_span(
                &meeting.span(),
                format!(
                    "meeting `{}` has `until = {}`, past the last date chapterhouse can represent",
                    m.title, until.0
                ),
            )
            .hint("dates run up to 9999-12-30; leave `until` out for a meeting with no end date"),
        );
    }
}

/// Whether the meeting's rule produces an occurrence on `date`.
pub fn occurs_on(m: &Meeting, date: jiff::civil::Date) -> bool {
    if date < m.starts_on.0
        || m.until.is_some_and(|u| date > u.0)
        || date.weekday() != m.weekday.to_jiff()
    {
        return false;
    }
    match (m.frequency, m.week) {
        (Frequency::Weekly, _) => true,
        (Frequency::Monthly, Some(-1)) => date
            .checked_add(jiff::Span::new().days(7))
            .is_ok_and(|d| d.month() != date.month()),
        (Frequency::Monthly, Some(n)) => (date.day() - 1) / 7 + 1 == n,
        (Frequency::Monthly, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONDON: &str = r#"name = "London"
country = "United Kingdom"
timezone = "Europe/London"
[contact]
email = "london@example.org"
[[meetings]]
title = "Members' evening"
frequency = "monthly"
weekday = "tuesday"
week = 2
start_time = "18:30"
duration_minutes = 90
location = "Hall"
starts_on = 2026-01-13
cancelled = [2026-12-08]
"#;

    fn slug() -> ChapterSlug {
        ChapterSlug::parse("london").expect("a valid slug")
    }

    #[test]
    fn valid_chapter_loads_with_site_language() {
        let chapter = parse(
            slug(),
            "data/chapters/london.toml",
            LONDON,
            &LanguageTag::default(),
        )
        .unwrap();
        assert_eq!(chapter.language.as_str(), "en");
        assert_eq!(chapter.region(), "United Kingdom");
        assert_eq!(chapter.timezone.iana_name(), Some("Europe/London"));
    }

    #[test]
    fn bad_time_zone_is_located() {
        let text = LONDON.replace("Europe/London", "Europe/Londres");
        let errors = parse(slug(), "c.toml", &text, &LanguageTag::default()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .message
                .contains("`Europe/Londres` is not an IANA time zone")
        );
        assert_eq!(errors[0].location.as_ref().unwrap().line, 3);
    }

    #[test]
    fn cancellation_must_fall_on_an_occurrence() {
        let text = LONDON.replace("2026-12-08", "2026-12-09");
        let errors = parse(slug(), "c.toml", &text, &LanguageTag::default()).unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("does not take place on 2026-12-09"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn bad_start_time_is_reported() {
        let text = LONDON.replace("\"18:30\"", "\"6.30pm\"");
        let errors = parse(slug(), "c.toml", &text, &LanguageTag::default()).unwrap_err();
        assert!(
            errors[0].message.contains("`6.30pm` is not a time"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn last_weekday_rule() {
        let text = LONDON
            .replace("week = 2", "week = -1")
            .replace("cancelled = [2026-12-08]", "");
        let chapter =
            parse(slug(), "c.toml", &text, &LanguageTag::default()).expect("a valid chapter");
        let m = chapter.data.meetings[0].get_ref();
        assert!(occurs_on(m, jiff::civil::date(2026, 3, 31)));
        assert!(!occurs_on(m, jiff::civil::date(2026, 3, 24)));
    }
}
