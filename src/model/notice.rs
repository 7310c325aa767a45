//! Notices: dated announcements of the organisation or a chapter, from
//! `content/notices/*.md` and `content/chapters/<slug>/notices/*.md`, plus notices generated
//! from data (a material privacy-policy change).

use serde::{Deserialize, Serialize};

use super::Scope;
use super::page::split_front_matter;
use crate::diagnostics::Diagnostic;
use crate::toml_data::{self, ClockTime, Date, Embedding};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    General,
    Agm,
    Policy,
    Event,
}

impl NoticeKind {
    pub fn key(self) -> &'static str {
        match self {
            NoticeKind::General => "general",
            NoticeKind::Agm => "agm",
            NoticeKind::Policy => "policy",
            NoticeKind::Event => "event",
        }
    }
}

/// The meeting an AGM notice convenes: its date, time, place and agenda are all required.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agm {
    pub date: Option<Date>,
    pub time: Option<ClockTime>,
    pub place: Option<String>,
    #[serde(default)]
    pub agenda: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeFrontMatter {
    pub title: String,
    pub date: Date,
    /// From this day on the notice leaves the current lists for the archive.
    pub expires: Option<Date>,
    #[serde(default = "general")]
    pub kind: NoticeKind,
    #[serde(default)]
    pub pinned: bool,
    #[serde(default)]
    pub summary: String,
    pub agm: Option<Agm>,
    /// When what the notice announces applies, if later than `date` (a rule or policy
    /// change announced in advance).
    pub effective: Option<Date>,
}

fn general() -> NoticeKind {
    NoticeKind::General
}

/// A loaded notice.
#[derive(Debug, Clone)]
pub struct Notice {
    /// The source file, or the data file that generated it.
    pub source_path: String,
    pub front: NoticeFrontMatter,
    pub body: String,
    pub body_offset: usize,
    pub file_text: String,
    pub scope: Scope,
    /// The URL segment: the file name, slugified.
    pub slug: String,
    /// For generated notices: the site path the notice points to (`privacy/`).
    pub link: Option<String>,
    /// The language of a translation (`agm.fr.md`), which shares the original's slug.
    pub translation: Option<super::LanguageTag>,
}

impl Notice {
    /// A notice generated from data rather than written as a file.
    pub fn generated(
        source_path: &str,
        slug: String,
        front: NoticeFrontMatter,
        link: &str,
    ) -> Self {
        Notice {
            source_path: source_path.to_string(),
            front,
            body: String::new(),
            body_offset: 0,
            file_text: String::new(),
            scope: Scope::Organisation,
            slug,
            link: Some(link.to_string()),
            translation: None,
        }
    }

    /// A notice generated from the legal data (a privacy-policy change): it concerns every
    /// site that carries the policy, so chapter lists, feeds and homes show it too.
    pub fn is_for_every_site(&self) -> bool {
        self.link.is_some()
    }

    pub fn error_in_body(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(message).at(
            &self.source_path,
            &self.file_text,
            self.body_offset + offset,
        )
    }

    /// Expired: `expires` is on or before today.
    pub fn is_expired(&self, today: jiff::civil::Date) -> bool {
        self.front.expires.is_some_and(|e| e.0 <= today)
    }

    /// Dated after today: not published unless drafts are built.
    pub fn is_future(&self, today: jiff::civil::Date) -> bool {
        self.front.date.0 > today
    }
}

/// `expires` and `effective` must not come before the notice's date.
fn date_problems(front: &NoticeFrontMatter, at: Embedding<'_>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Some(expires) = front.expires
        && expires < front.date
    {
        problems.push(
            at.error_at(
                0,
                format!(
                    "the notice expires ({}) before it is dated ({})",
                    expires.0, front.date.0
                ),
            )
            .hint("`expires` is the first day the notice is no longer current"),
        );
    }
    if let Some(effective) = front.effective
        && effective < front.date
    {
        problems.push(
            at.error_at(
                0,
                format!(
                    "the notice's change takes effect ({}) before the notice is dated ({})",
                    effective.0, front.date.0
                ),
            )
            .hint("`effective` is the day the announced change applies: the `date` or later"),
        );
    }
    problems
}

/// Parses a notice file.
pub fn parse(path: &str, text: &str, scope: Scope) -> Result<Notice, Vec<Diagnostic>> {
    let split = split_front_matter(path, text).map_err(|d| vec![d])?;
    let at = Embedding {
        path,
        file_text: text,
        offset: split.front_matter_offset,
    };
    let front: NoticeFrontMatter = toml_data::parse(split.front_matter, at)?;
    let mut problems = super::page::control_characters(split.front_matter, at);
    problems.extend(super::page::control_character_in_body(
        path,
        text,
        split.body_offset,
    ));
    problems.extend(date_problems(&front, at));
    if front.kind == NoticeKind::Agm {
        let missing: Vec<&str> = match &front.agm {
            None => vec!["date", "time", "place", "agenda"],
            Some(agm) => [
                (agm.date.is_none(), "date"),
                (agm.time.is_none(), "time"),
                (
                    agm.place.as_deref().is_none_or(|p| p.trim().is_empty()),
                    "place",
                ),
                (agm.agenda.is_empty(), "agenda"),
            ]
            .into_iter()
            .filter_map(|(missing, name)| missing.then_some(name))
            .collect(),
        };
        if !missing.is_empty() {
            problems.push(
                at.error_at(0, format!("the AGM notice `{}` does not give the meeting's {}", front.title, missing.join(", ")))
                    .hint("add an `[agm]` table: date = 2027-03-16, time = \"18:30\", place = \"…\", agenda = [\"…\"]"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let (original, translation) = match super::ids::split_language_suffix(path) {
        Some((original, language)) => (original, Some(language)),
        None => (path.to_string(), None),
    };
    let stem = original
        .rsplit('/')
        .next()
        .unwrap_or(&original)
        .trim_end_matches(".md");
    Ok(Notice {
        source_path: path.to_string(),
        front,
        body: split.body.to_string(),
        body_offset: split.body_offset,
        file_text: text.to_string(),
        scope,
        slug: slug::slugify(stem),
        link: None,
        translation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agm_notice_names_what_is_missing() {
        let text = "+++\ntitle = \"AGM\"\ndate = 2026-11-01\nkind = \"agm\"\n[agm]\ndate = 2027-03-16\nplace = \"Hall\"\n+++\n";
        let errors = parse("content/notices/agm.md", text, Scope::Organisation).unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("does not give the meeting's time, agenda"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn expiry_is_inclusive_of_its_day() {
        let text = "+++\ntitle = \"N\"\ndate = 2026-11-01\nexpires = 2026-11-23\n+++\nBody\n";
        let notice = parse("content/notices/n.md", text, Scope::Organisation).unwrap();
        assert!(!notice.is_expired(jiff::civil::date(2026, 11, 22)));
        assert!(notice.is_expired(jiff::civil::date(2026, 11, 23)));
        assert_eq!(notice.slug, "n");
    }
}
