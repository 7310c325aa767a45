//! The identifiers every stage trusts: chapter slugs, language tags and which site a page
//! belongs to. Checked once when loaded; a leaf of the model that depends on nothing in
//! the crate.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A chapter's identifier: lower-case ASCII letters, digits and single hyphens.
///
/// It names the data file (`data/chapters/<slug>.toml`), the content folder and the URL
/// segment, so it is checked once here and trusted everywhere else.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ChapterSlug(String);

impl ChapterSlug {
    pub fn parse(s: &str) -> Result<Self, String> {
        let valid = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if valid {
            Ok(ChapterSlug(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is not a valid chapter slug; use lower-case letters, digits and single hyphens, e.g. `{}`",
                slug::slugify(s)
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChapterSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A BCP 47 language tag such as `en`, `fr` or `fr-CA`, used for `<html lang>` and i18n.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut parts = s.split('-');
        let primary = parts.next().unwrap_or("");
        let primary_ok =
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
        let rest_ok = parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if primary_ok && rest_ok {
            Ok(LanguageTag(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is not a language tag; use a lower-case ISO 639 code such as `en`, `fr` or `fr-CA`"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language (`fr` for `fr-CA`), which selects the theme's translations.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

/// A content file name's language suffix, Zola's convention: `about.fr.md` is the French
/// version of `about.md`. Returns the path without the suffix and the language; `None` when
/// the part before `.md` is not shaped like a language tag (`v1.2.md`, `report.final.md`),
/// which keeps such names ordinary pages. Whether the site publishes the language is
/// checked by `load`.
pub fn split_language_suffix(path: &str) -> Option<(String, LanguageTag)> {
    let stem = path.strip_suffix(".md")?;
    let (folder, file) = match stem.rsplit_once('/') {
        Some((folder, file)) => (Some(folder), file),
        None => (None, stem),
    };
    let (name, suffix) = file.rsplit_once('.')?;
    if name.is_empty() {
        return None;
    }
    let language = LanguageTag::parse(suffix).ok()?;
    let original = match folder {
        Some(folder) => format!("{folder}/{name}.md"),
        None => format!("{name}.md"),
    };
    Some((original, language))
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Default for LanguageTag {
    fn default() -> Self {
        LanguageTag("en".to_string())
    }
}

impl<'de> Deserialize<'de> for LanguageTag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        LanguageTag::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for ChapterSlug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ChapterSlug::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An identifier by which one data entry refers to another (a schedule row names the
/// privacy purpose it serves): the same rules as a chapter slug, so it is easy to type and
/// never needs quoting in a URL fragment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DataId(String);

impl DataId {
    pub fn parse(s: &str) -> Result<Self, String> {
        ChapterSlug::parse(s).map(|slug| DataId(slug.0)).map_err(|_| {
            format!(
                "`{s}` is not a valid id; use lower-case letters, digits and single hyphens, e.g. `{}`",
                slug::slugify(s)
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DataId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DataId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DataId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Which site a page belongs to: the organisation's or one chapter's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Organisation,
    Chapter(ChapterSlug),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_slugs_are_checked() {
        assert!(ChapterSlug::parse("london").is_ok());
        assert!(ChapterSlug::parse("new-york-2").is_ok());
        let err = ChapterSlug::parse("New York").unwrap_err();
        assert!(err.contains("`new-york`"), "{err}");
        assert!(ChapterSlug::parse("../etc").is_err());
        assert!(ChapterSlug::parse("").is_err());
    }

    #[test]
    fn language_tags_are_checked() {
        assert_eq!(LanguageTag::parse("fr-CA").unwrap().primary(), "fr");
        assert!(LanguageTag::parse("French").is_err());
        assert!(LanguageTag::parse("").is_err());
    }

    #[test]
    fn language_suffixes_are_split_only_when_they_are_tags() {
        let (original, language) = split_language_suffix("content/about.fr.md").unwrap();
        assert_eq!(
            (original.as_str(), language.as_str()),
            ("content/about.md", "fr")
        );
        let (original, _) = split_language_suffix("_index.fr-CA.md").unwrap();
        assert_eq!(original, "_index.md");
        assert_eq!(split_language_suffix("content/v1.2.md"), None);
        assert_eq!(split_language_suffix("content/report.final.md"), None);
        assert_eq!(split_language_suffix("content/about.md"), None);
        assert_eq!(split_language_suffix("content/a.b/about.md"), None);
        assert_eq!(split_language_suffix("content/.fr.md"), None);
    }
}
