//! Translated legal data: `data/privacy.fr.toml` beside `data/privacy.toml` holds the
//! policy's texts in French, keyed and ordered like the original, and nothing else that
//! could drift: the facts (ids, legal bases, dates, hosts, durations' categories, addresses
//! on the web) are read from the original alone. A fact repeated in a translation must
//! equal the original's, so a translator may start from a copy of the whole file.
//!
//! Merging splices each translated text into the original's text at the original value's
//! place, and the result goes through the very parser of the original, so a translated
//! policy is the same typed data as the original with other words.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::Diagnostic;
use crate::model::LanguageTag;
use crate::model::text::is_placeholder;

/// The key of a translation file recording which version of the original it translates.
pub const TRANSLATION_OF: &str = "translation_of";

/// Which keys of a kind of legal file hold texts: `required` ones must be translated,
/// `optional` ones (names of organisations, postal addresses) may be. `*` stands for any
/// entry of a list.
#[derive(Debug, Clone, Copy)]
pub struct TextKeys {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
}

pub const PRIVACY_TEXTS: TextKeys = TextKeys {
    required: &[
        "introduction",
        "automated_decision_making",
        "representatives.*.area",
        "right_details.*",
        "right_exemptions.*.reason",
        "retention.default",
        "retention.exceptions.*.case",
        "retention.exceptions.*.rule",
        "purposes.*.name",
        "purposes.*.description",
        "purposes.*.data.*",
        "purposes.*.data_subjects.*",
        "purposes.*.legitimate_interests",
        "purposes.*.if_not_provided",
        "purposes.*.retention",
        "recipients.*.purpose",
        "recipients.*.location",
        "recipients.*.location.*",
        "transfers.*.destination",
        "transfers.*.details",
        "transfers.*.copy",
        "changes.*.summary",
    ],
    optional: &[
        "supervisory_authority.name",
        "supervisory_authority.address",
        "representatives.*.address",
        "transfers.*.recipient",
    ],
};

pub const COOKIES_TEXTS: TextKeys = TextKeys {
    required: &[
        "introduction",
        "services.*.name",
        "services.*.purpose",
        "cookies.*.purpose",
        "cookies.*.duration",
    ],
    optional: &["services.*.provider", "cookies.*.provider"],
};

pub const ETHICS_TEXTS: TextKeys = TextKeys {
    required: &[
        "preamble",
        "commitments.*.title",
        "commitments.*.text",
        "oath.introduction",
        "oath.text.*",
        "oath.signature_lines.*",
    ],
    optional: &[],
};

pub const SCHEDULE_TEXTS: TextKeys = TextKeys {
    required: &[
        "title",
        "service",
        "definition",
        "rows.*.function",
        "rows.*.purpose",
        "rows.*.processing",
        "rows.*.personal_data",
        "rows.*.reason",
        "rows.*.data_subjects",
        "rows.*.measures",
        "rows.*.retention",
    ],
    optional: &[],
};

impl TextKeys {
    /// `Some(true)` for a required text, `Some(false)` for an optional one, `None` for a
    /// fact. `pattern` is the key's path with `*` for list entries.
    fn classify(&self, pattern: &[String]) -> Option<bool> {
        let matches = |rule: &&str| {
            let parts: Vec<&str> = rule.split('.').collect();
            parts.len() == pattern.len()
                && parts.iter().zip(pattern).all(|(p, k)| *p == "*" || p == k)
        };
        if self.required.iter().any(matches) {
            Some(true)
        } else if self.optional.iter().any(matches) {
            Some(false)
        } else {
            None
        }
    }
}

/// What a site does when a text has no translation (`missing_translation` in site.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingTranslation {
    /// The build fails naming the file, the key and the language.
    #[default]
    Error,
    /// The original text is published, marked with its own language, and the build warns.
    Warn,
}

impl MissingTranslation {
    /// A missing translation's diagnostic: an error, or under `Warn` a warning.
    pub fn diagnostic(self, message: String) -> Diagnostic {
        match self {
            MissingTranslation::Error => Diagnostic::error(message),
            MissingTranslation::Warn => Diagnostic::warning(message),
        }
    }
}

/// A data file's path and text.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

/// The translation of one file into one language, merged with the original's facts.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The original's TOML with every translated text in place of the original's.
    pub text: String,
    /// Original texts published because their translation is missing (`warn` only).
    pub fallbacks: Vec<String>,
    pub status: TranslationStatus,
}

/// Whether a translation follows the current original, for `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationStatus {
    pub path: String,
    pub original: String,
    /// A fingerprint of the original's texts as they are now.
    pub current: String,
    /// The fingerprint the translation says it was made from (`translation_of`).
    pub recorded: Option<String>,
}

/// `data/privacy.toml` → `data/privacy.fr.toml`.
pub fn translation_path(original: &str, language: &LanguageTag) -> String {
    let stem = original.strip_suffix(".toml").unwrap_or(original);
    format!("{stem}.{language}.toml")
}

/// Whether a file name is a translation (`membership.fr.toml`) rather than an original.
pub fn is_translation_name(name: &str) -> bool {
    name.strip_suffix(".toml")
        .and_then(|stem| stem.rsplit_once('.'))
        .is_some_and(|(base, tag)| !base.is_empty() && LanguageTag::parse(tag).is_ok())
}

/// One text of the original: where it is, what it says, whether it must be translated.
#[derive(Debug)]
struct Leaf {
    key: String,
    span: Range<usize>,
    text: String,
    required: bool,
}

/// Merges `translation` (absent: nothing translated) into `original`. Every problem is
/// returned at once; a missing required text is an error, or under `Warn` a warning with
/// the original kept.
pub fn merge(
    original: Doc<'_>,
    translation: Option<Doc<'_>>,
    keys: TextKeys,
    language: &LanguageTag,
    missing: MissingTranslation,
) -> Result<(Merged, Vec<Diagnostic>), Vec<Diagnostic>> {
    let Ok(tree) = DeTable::parse(original.text) else {
        return Err(Vec::new()); // the original's own parse reports it
    };
    let mut leaves = Vec::new();
    collect_leaves(tree.get_ref(), &mut Vec::new(), "", keys, &mut leaves);
    let current = fingerprint(&leaves);
    let Some(translation) = translation else {
        let status = TranslationStatus {
            path: translation_path(original.path, language),
            original: original.path.to_string(),
            current,
            recorded: None,
        };
        return whole_file_missing(original, &leaves, language, missing, status);
    };
    let mut found = walk_translation(tree.get_ref(), original, translation, keys)?;
    let mut problems = std::mem::take(&mut found.problems);
    let mut warnings = Vec::new();
    let mut fallbacks = Vec::new();
    for leaf in leaves.iter().filter(|l| l.required) {
        if found.texts.contains_key(&leaf.key) {
            continue;
        }
        let diagnostic = missing_text(original, translation.path, leaf, language, missing);
        match missing {
            MissingTranslation::Error => problems.push(diagnostic),
            MissingTranslation::Warn => {
                fallbacks.push(leaf.text.clone());
                warnings.push(diagnostic);
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let status = TranslationStatus {
        path: translation.path.to_string(),
        original: original.path.to_string(),
        current,
        recorded: found.recorded,
    };
    let text = splice(original.text, &leaves, &found.texts);
    Ok((
        Merged {
            text,
            fallbacks,
            status,
        },
        warnings,
    ))
}

/// Reads a translation against the original's tree: its texts by key and its problems.
fn walk_translation(
    tree: &DeTable<'_>,
    original: Doc<'_>,
    translation: Doc<'_>,
    keys: TextKeys,
) -> Result<Found, Vec<Diagnostic>> {
    let mut found = Found::default();
    match DeTable::parse(translation.text) {
        Ok(tr) => {
            let walk = Walk {
                original,
                translation,
                keys,
            };
            walk.table(tree, tr.get_ref(), &mut Vec::new(), "", &mut found);
            Ok(found)
        }
        Err(error) => {
            let offset = error.span().map_or(0, |s| s.start);
            let message = error.message().lines().next().unwrap_or("").to_string();
            Err(vec![Diagnostic::error(message).at(
                translation.path,
                translation.text,
                offset,
            )])
        }
    }
}

fn whole_file_missing(
    original: Doc<'_>,
    leaves: &[Leaf],
    language: &LanguageTag,
    missing: MissingTranslation,
    status: TranslationStatus,
) -> Result<(Merged, Vec<Diagnostic>), Vec<Diagnostic>> {
    let path = status.path.clone();
    let message = format!(
        "{} has no translation into `{language}`: {path} does not exist",
        original.path
    );
    let hint = format!(
        "copy {} to {path} and translate its texts (the README's \"Translating\" section lists them){}",
        original.path,
        match missing {
            MissingTranslation::Error =>
                ", or set `missing_translation = \"warn\"` in data/site.toml to publish the original meanwhile",
            MissingTranslation::Warn => "",
        }
    );
    match missing {
        MissingTranslation::Error => {
            Err(vec![Diagnostic::error(message).in_file(&path).hint(hint)])
        }
        MissingTranslation::Warn => {
            let fallbacks = leaves
                .iter()
                .filter(|l| l.required)
                .map(|l| l.text.clone())
                .collect();
            let merged = Merged {
                text: original.text.to_string(),
                fallbacks,
                status,
            };
            Ok((
                merged,
                vec![Diagnostic::warning(message).in_file(&path).hint(hint)],
            ))
        }
    }
}

fn missing_text(
    original: Doc<'_>,
    translation_path: &str,
    leaf: &Leaf,
    language: &LanguageTag,
    missing: MissingTranslation,
) -> Diagnostic {
    let message = format!(
        "`{}` has no `{language}` translation in {translation_path}",
        leaf.key
    );
    missing
        .diagnostic(message)
        .at(original.path, original.text, leaf.span.start)
        .hint(format!(
            "add the translation of this text to {translation_path}, under the same key"
        ))
}

/// A fingerprint of the original's texts: a translation records it as `translation_of`,
/// and `check` reports a translation whose original changed since.
fn fingerprint(leaves: &[Leaf]) -> String {
    let mut joined = String::new();
    for leaf in leaves {
        joined.push_str(&leaf.key);
        joined.push('\u{1f}');
        joined.push_str(&leaf.text);
        joined.push('\u{1e}');
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(joined.as_bytes()))
}

/// The original's text with each translated leaf's literal replaced by the translation.
fn splice(original: &str, leaves: &[Leaf], texts: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(original.len());
    let mut at = 0;
    // The tree lists a table's entries by key, not in the order of the text.
    let mut leaves: Vec<&Leaf> = leaves.iter().collect();
    leaves.sort_by_key(|l| l.span.start);
    for leaf in leaves {
        let Some(text) = texts.get(&leaf.key) else {
            continue;
        };
        out.push_str(&original[at..leaf.span.start]);
        out.push_str(&toml::Value::String(text.clone()).to_string());
        at = leaf.span.end;
    }
    out.push_str(&original[at..]);
    out
}

fn collect_leaves(
    table: &DeTable<'_>,
    pattern: &mut Vec<String>,
    key: &str,
    keys: TextKeys,
    out: &mut Vec<Leaf>,
) {
    for (name, value) in table {
        pattern.push(name.get_ref().to_string());
        let key = join_key(key, name.get_ref());
        collect_value(value, pattern, &key, keys, out);
        pattern.pop();
    }
}

fn collect_value(
    value: &Spanned<DeValue<'_>>,
    pattern: &mut Vec<String>,
    key: &str,
    keys: TextKeys,
    out: &mut Vec<Leaf>,
) {
    match value.get_ref() {
        DeValue::String(text) => {
            if let Some(required) = keys.classify(pattern) {
                out.push(Leaf {
                    key: key.to_string(),
                    span: value.span(),
                    text: text.to_string(),
                    required,
                });
            }
        }
        DeValue::Table(table) => collect_leaves(table, pattern, key, keys, out),
        DeValue::Array(items) => {
            pattern.push("*".to_string());
            for (i, item) in items.iter().enumerate() {
                collect_value(item, pattern, &format!("{key}[{}]", i + 1), keys, out);
            }
            pattern.pop();
        }
        _ => {}
    }
}

fn join_key(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// What the walk over a translation found: its texts by key, its problems.
#[derive(Default)]
struct Found {
    texts: BTreeMap<String, String>,
    recorded: Option<String>,
    problems: Vec<Diagnostic>,
}

struct Walk<'a> {
    original: Doc<'a>,
    translation: Doc<'a>,
    keys: TextKeys,
}

impl Walk<'_> {
    fn error(&self, span: Range<usize>, message: String, hint: String) -> Diagnostic {
        Diagnostic::error(message)
            .at(self.translation.path, self.translation.text, span.start)
            .hint(hint)
    }

    fn table(
        &self,
        original: &DeTable<'_>,
        translation: &DeTable<'_>,
        pattern: &mut Vec<String>,
        key: &str,
        found: &mut Found,
    ) {
        for (name, value) in translation {
            let name_text = name.get_ref().as_ref();
            if key.is_empty() && name_text == TRANSLATION_OF {
                found.recorded = value.get_ref().as_str().map(str::to_string);
                continue;
            }
            let full = join_key(key, name_text);
            let Some(counterpart) = original.get(name_text) else {
                found.problems.push(self.error(
                    name.span(),
                    format!("`{full}` is not in {}", self.original.path),
                    "a translation holds the original's keys only; check the spelling, or delete the key".to_string(),
                ));
                continue;
            };
            pattern.push(name_text.to_string());
            self.value(counterpart, value, pattern, &full, found);
            pattern.pop();
        }
    }

    fn value(
        &self,
        original: &Spanned<DeValue<'_>>,
        translation: &Spanned<DeValue<'_>>,
        pattern: &mut Vec<String>,
        key: &str,
        found: &mut Found,
    ) {
        let is_text = self.keys.classify(pattern).is_some();
        match (original.get_ref(), translation.get_ref()) {
            (DeValue::String(_), DeValue::String(text)) if is_text => {
                if is_placeholder(text) {
                    found.problems.push(
                        self.error(
                            translation.span(),
                            format!("the translation of `{key}` is empty or a placeholder"),
                            "write the translated text, or delete the key until it is translated"
                                .to_string(),
                        ),
                    );
                } else {
                    found.texts.insert(key.to_string(), text.to_string());
                }
            }
            (DeValue::Table(o), DeValue::Table(t)) => self.table(o, t, pattern, key, found),
            (DeValue::Array(o), DeValue::Array(t)) => {
                if o.len() != t.len() {
                    found.problems.push(
                        self.error(
                            translation.span(),
                            format!(
                                "`{key}` has {} entries in {} and {} here",
                                o.len(),
                                self.original.path,
                                t.len()
                            ),
                            "a translation keeps every entry of a list, in the original's order"
                                .to_string(),
                        ),
                    );
                    return;
                }
                pattern.push("*".to_string());
                for (i, (o, t)) in o.iter().zip(t).enumerate() {
                    self.value(o, t, pattern, &format!("{key}[{}]", i + 1), found);
                }
                pattern.pop();
            }
            (o, t) if same_value(o, t) => {}
            _ => found.problems.push(self.error(
                translation.span(),
                format!(
                    "`{key}` differs from {}: it is a fact, not a text to translate",
                    self.original.path
                ),
                format!(
                    "facts are read from {} alone; delete `{key}` here, or make it `{}`",
                    self.original.path,
                    self.original.text[original.span()].trim()
                ),
            )),
        }
    }
}

/// Whether two values are the same fact.
fn same_value(a: &DeValue<'_>, b: &DeValue<'_>) -> bool {
    match (a, b) {
        (DeValue::String(a), DeValue::String(b)) => a == b,
        (DeValue::Integer(a), DeValue::Integer(b)) => {
            a.as_str() == b.as_str() && a.radix() == b.radix()
        }
        (DeValue::Float(a), DeValue::Float(b)) => a.as_str() == b.as_str(),
        (DeValue::Boolean(a), DeValue::Boolean(b)) => a == b,
        (DeValue::Datetime(a), DeValue::Datetime(b)) => a == b,
        (DeValue::Array(a), DeValue::Array(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(a, b)| same_value(a.get_ref(), b.get_ref()))
        }
        (DeValue::Table(a), DeValue::Table(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| {
                    b.get(k.get_ref().as_ref())
                        .is_some_and(|w| same_value(v.get_ref(), w.get_ref()))
                })
        }
        _ => false,
    }
}
