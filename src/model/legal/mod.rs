//! The legal pages' data: privacy policy, cookie inventory, data-processing schedules, and
//! the code of ethics with the member oath. Every site (and every standalone chapter site)
//! carries all of them, generated from these files so they cannot drift or go stale.

pub mod cookies;
pub mod csp;
pub mod ethics;
pub mod origin;
pub mod privacy;
pub mod record;
pub mod schedules;
pub mod translated;
pub mod translation;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Chapter, ChapterSlug, LanguageTag};
use crate::source::SourceTree;

pub use cookies::Cookies;
pub use ethics::Ethics;
pub use privacy::Privacy;
pub use schedules::Schedule;

/// All legal data of a site.
#[derive(Debug, Clone)]
pub struct Legal {
    pub privacy: Privacy,
    pub cookies: Cookies,
    /// Empty only when `data/schedules/none.toml` states that there are none (the loader
    /// refuses a folder that is silent), and then no data-processing page is published.
    pub schedules: Vec<Schedule>,
    /// `None` when ethics.toml states that there is no code (`none = "…"`).
    pub ethics: Option<Ethics>,
    /// The same data in each other language a site publishes, by language tag, from the
    /// translation files (`data/privacy.fr.toml`); empty in a translation itself.
    pub translations: BTreeMap<String, translated::Translated>,
}

impl Legal {
    /// The legal data in `language`: its translation (`fr-CA`, else `fr`), or the original
    /// when the original is in that language.
    pub fn in_language(&self, language: &LanguageTag) -> &Legal {
        self.translation(language).map_or(self, |t| &t.legal)
    }

    /// The translation into `language`, if the sites publish one.
    pub fn translation(&self, language: &LanguageTag) -> Option<&translated::Translated> {
        self.translations
            .get(language.as_str())
            .or_else(|| self.translations.get(language.primary()))
    }

    /// Content paths (below `content/`) that are merged into the privacy page rather than
    /// published on their own.
    pub fn consumed_content(&self) -> Vec<String> {
        self.privacy
            .sections
            .iter()
            .map(|s| s.file.get_ref().clone())
            .collect()
    }
}

fn required<'s>(
    sources: &'s SourceTree,
    path: &str,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Option<&'s str> {
    match sources.get(path) {
        Some(file) => Some(&file.text),
        None => {
            diagnostics.push(
                Diagnostic::error(format!("{path} is missing: every site publishes {what}"))
                    .in_file(path)
                    .hint("create it; `chapterhouse init` writes a starting point and the README lists every field"),
            );
            None
        }
    }
}

fn take<T>(
    result: Result<T, Vec<Diagnostic>>,
    ok: &mut bool,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(problems) => {
            *ok = false;
            diagnostics.extend(problems);
            None
        }
    }
}

/// Loads every legal data file and checks the record of processing against the policy
/// (`chapters` for their own processors); all problems are reported together.
pub fn load(
    sources: &SourceTree,
    chapters: &BTreeMap<ChapterSlug, Chapter>,
    wanted: &translated::Wanted<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Legal> {
    let mut ok = true;
    let privacy = required(
        sources,
        privacy::PRIVACY_PATH,
        "a privacy policy",
        diagnostics,
    )
    .and_then(|text| take(privacy::parse(text), &mut ok, diagnostics));
    let cookies = required(
        sources,
        cookies::COOKIES_PATH,
        "a cookie policy",
        diagnostics,
    )
    .and_then(|text| take(cookies::parse(text), &mut ok, diagnostics));
    let ethics = required(
        sources,
        ethics::ETHICS_PATH,
        "a code of ethics and member oath",
        diagnostics,
    )
    .and_then(|text| take(ethics::parse(text), &mut ok, diagnostics));
    let schedules = load_schedules(sources, &mut ok, diagnostics);
    if let Some(privacy) = &privacy {
        let problems = record::check(privacy, &schedules, chapters);
        ok &= problems.is_empty();
        diagnostics.extend(problems);
        let has_record = !schedules.is_empty();
        if let (true, true, Some(file)) = (ok, has_record, sources.get(privacy::PRIVACY_PATH)) {
            diagnostics.extend(record::unserved(privacy, &file.text, &schedules));
        }
    }
    match (privacy, cookies, ethics) {
        (Some(privacy), Some(cookies), Some(ethics)) if ok => {
            let mut legal = Legal {
                privacy,
                cookies,
                schedules,
                ethics,
                translations: BTreeMap::new(),
            };
            legal.translations = translated::load(sources, &legal, wanted, diagnostics);
            Some(legal)
        }
        _ => None,
    }
}

/// Every `data/schedules/<id>.toml`, in page order (`weight`, then `title`); none when
/// `data/schedules/none.toml` states `none = "…"` and is the folder's only file.
fn load_schedules(
    sources: &SourceTree,
    ok: &mut bool,
    diagnostics: &mut Diagnostics,
) -> Vec<Schedule> {
    let mut schedules = Vec::new();
    let mut stated_none = None;
    for file in sources.texts_under(schedules::SCHEDULES_DIR) {
        let name = &file.path[schedules::SCHEDULES_DIR.len()..];
        if name == schedules::NONE_FILE {
            stated_none = Some(file);
            continue;
        }
        if translation::is_translation_name(name) {
            continue; // a schedule's translation, read with the legal data's translations
        }
        let Some(id) = name.strip_suffix(".toml").filter(|s| !s.contains('/')) else {
            diagnostics.push(
                Diagnostic::warning("not a schedule file; it is ignored")
                    .in_file(&file.path)
                    .hint("data/schedules/ holds one `<id>.toml` file per schedule"),
            );
            continue;
        };
        match schedules::parse(id, &file.path, &file.text) {
            Ok((schedule, warnings)) => {
                diagnostics.extend(warnings);
                schedules.push(schedule);
            }
            Err(problems) => {
                *ok = false;
                diagnostics.extend(problems);
            }
        }
    }
    if let Some(file) = stated_none {
        let mut problems = schedules::parse_none(&file.path, &file.text)
            .err()
            .unwrap_or_default();
        if let Some(first) = schedules.first() {
            problems.push(
                Diagnostic::error(format!(
                    "none.toml states that there are no data-processing schedules, but data/schedules/ also holds `{}.toml`",
                    first.id
                ))
                .in_file(&file.path)
                .hint("delete none.toml to publish the schedules, or the schedules to publish none"),
            );
        }
        *ok &= problems.is_empty();
        diagnostics.extend(problems);
        return schedules;
    }
    if schedules.is_empty() && *ok {
        diagnostics.push(
            Diagnostic::error("there is no data-processing schedule in data/schedules/")
                .in_file(schedules::SCHEDULES_DIR)
                .hint("add at least one `data/schedules/<id>.toml` (the README lists its fields), or state why there are none in `data/schedules/none.toml`: `none = \"…\"`"),
        );
        *ok = false;
    }
    schedules.sort_by(|a, b| (a.data.weight, &a.data.title).cmp(&(b.data.weight, &b.data.title)));
    schedules
}
