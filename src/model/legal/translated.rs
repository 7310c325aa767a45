//! The legal data in every language a site publishes: for each language other than the
//! original's, each legal file's translation (see [`translation`]) merged with the
//! original's facts and parsed by the original's own parser.
//!
//! [`translation`]: super::translation

use std::collections::BTreeMap;

use super::translation::{
    self, COOKIES_TEXTS, Doc, ETHICS_TEXTS, MissingTranslation, PRIVACY_TEXTS, SCHEDULE_TEXTS,
    TextKeys, TranslationStatus,
};
use super::{Legal, cookies, ethics, privacy, schedules};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::LanguageTag;
use crate::source::SourceTree;

/// The legal data in one other language.
#[derive(Debug, Clone)]
pub struct Translated {
    pub legal: Legal,
    /// Original texts published because their translation is missing (`warn` only): the
    /// pages mark them with the original's language.
    pub fallbacks: Vec<String>,
    /// Each translation file and the version of its original it follows, for `check`.
    pub statuses: Vec<TranslationStatus>,
}

/// What translating needs to know besides the files.
pub struct Wanted<'a> {
    /// Languages published somewhere that are not the original's.
    pub languages: &'a [LanguageTag],
    pub missing: MissingTranslation,
}

/// Loads `legal` in each wanted language; every problem of every file and language is
/// reported together. A language whose files do not all translate is left out.
pub fn load(
    sources: &SourceTree,
    legal: &Legal,
    wanted: &Wanted<'_>,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, Translated> {
    let mut out = BTreeMap::new();
    for language in wanted.languages {
        let mut one = One {
            sources,
            language,
            missing: wanted.missing,
            ok: true,
            fallbacks: Vec::new(),
            statuses: Vec::new(),
            diagnostics: &mut *diagnostics,
        };
        let privacy = one
            .merge(privacy::PRIVACY_PATH, PRIVACY_TEXTS)
            .and_then(|text| one.parsed(privacy::PRIVACY_PATH, privacy::parse_translated(&text)));
        let cookies = one
            .merge(cookies::COOKIES_PATH, COOKIES_TEXTS)
            .and_then(|text| one.parsed(cookies::COOKIES_PATH, cookies::parse(&text)));
        let ethics = match legal.ethics {
            None => Some(None),
            Some(_) => one
                .merge(ethics::ETHICS_PATH, ETHICS_TEXTS)
                .and_then(|text| one.parsed(ethics::ETHICS_PATH, ethics::parse(&text))),
        };
        let mut translated_schedules = Vec::new();
        for schedule in &legal.schedules {
            let path = &schedule.source_path;
            let parsed = one.merge(path, SCHEDULE_TEXTS).and_then(|text| {
                let result = schedules::parse(&schedule.id, path, &text).map(|(s, _)| s);
                one.parsed(path, result)
            });
            translated_schedules.extend(parsed);
        }
        if let (true, Some(privacy), Some(cookies), Some(ethics)) =
            (one.ok, privacy, cookies, ethics)
        {
            let translated = Translated {
                legal: Legal {
                    privacy,
                    cookies,
                    schedules: translated_schedules,
                    ethics,
                    translations: BTreeMap::new(),
                },
                fallbacks: one.fallbacks,
                statuses: one.statuses,
            };
            out.insert(language.as_str().to_string(), translated);
        }
    }
    out
}

/// The state of translating into one language.
struct One<'a> {
    sources: &'a SourceTree,
    language: &'a LanguageTag,
    missing: MissingTranslation,
    ok: bool,
    fallbacks: Vec<String>,
    statuses: Vec<TranslationStatus>,
    diagnostics: &'a mut Diagnostics,
}

impl One<'_> {
    /// The original at `path` with its texts in this language, or `None` after reporting
    /// why not.
    fn merge(&mut self, path: &str, keys: TextKeys) -> Option<String> {
        let original = self.sources.get(path)?;
        let translation_path = translation_path_of(self.sources, path, self.language);
        let translation = self.sources.get(&translation_path).map(|file| Doc {
            path: &file.path,
            text: &file.text,
        });
        let original = Doc {
            path,
            text: &original.text,
        };
        match translation::merge(original, translation, keys, self.language, self.missing) {
            Ok((merged, warnings)) => {
                self.diagnostics.extend(warnings);
                self.fallbacks.extend(merged.fallbacks);
                self.statuses.push(merged.status);
                Some(merged.text)
            }
            Err(problems) => {
                self.ok = false;
                self.diagnostics.extend(problems);
                None
            }
        }
    }

    /// A merged file's parse: its problems can only come from the translated texts, so
    /// they are reported against the translation file.
    fn parsed<T>(&mut self, original: &str, result: Result<T, Vec<Diagnostic>>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problems) => {
                self.ok = false;
                let path = translation_path_of(self.sources, original, self.language);
                for problem in problems {
                    let message =
                        format!("the `{}` translation: {}", self.language, problem.message);
                    let mut diagnostic = Diagnostic::error(message).in_file(&path);
                    diagnostic.hint = problem.hint;
                    self.diagnostics.push(diagnostic);
                }
                None
            }
        }
    }
}

/// The translation of `original` into `language`: `privacy.fr-CA.toml` when it exists,
/// else the primary language's `privacy.fr.toml`.
fn translation_path_of(sources: &SourceTree, original: &str, language: &LanguageTag) -> String {
    let exact = translation::translation_path(original, language);
    if sources.get(&exact).is_some() || language.primary() == language.as_str() {
        return exact;
    }
    match LanguageTag::parse(language.primary()) {
        Ok(primary) => translation::translation_path(original, &primary),
        Err(_) => exact,
    }
}
