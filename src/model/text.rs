//! Values of legal data that the published text rests on: prose that must really say
//! something ([`Prose`]) and lists that must be stated even when empty ([`Stated`]).
//!
//! Both are checked while deserialising, so serde reports the problem at the value's own
//! line and no later stage can meet a blank controller name or a silently missing list.

use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// Words that writers put in a required field when they do not know the answer yet.
const PLACEHOLDERS: [&str; 12] = [
    "n/a",
    "na",
    "none yet",
    "not applicable",
    "not stated",
    "tbc",
    "tbd",
    "todo",
    "to do",
    "fixme",
    "xxx",
    "...",
];

/// Whether a text is empty or one of the placeholder words ("TBD", "n/a", "TODO").
pub fn is_placeholder(text: &str) -> bool {
    let normal = text
        .trim()
        .trim_end_matches(['.', '!'])
        .trim()
        .to_lowercase();
    normal.is_empty() || text.trim() == "..." || PLACEHOLDERS.contains(&normal.as_str())
}

/// A required text a legal page prints as a statement: never empty, never a placeholder.
/// Short inline markdown (links, emphasis) is allowed and rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Prose(String);

impl Prose {
    pub fn parse(text: &str) -> Result<Self, String> {
        // `FIELD` becomes the key's name when the text comes from a TOML file.
        use crate::toml_data::FIELD;
        if text.trim().is_empty() {
            Err(format!(
                "{FIELD} is empty; a published policy cannot leave it blank"
            ))
        } else if is_placeholder(text) {
            Err(format!(
                "{FIELD} is a placeholder (\"{}\"), not an answer; write what the reader should be told",
                text.trim()
            ))
        } else {
            Ok(Prose(text.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Prose {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Prose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Prose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Prose::parse(&text).map_err(de::Error::custom)
    }
}

/// A list the policy must state explicitly: its entries, or the word `"none"`, which the
/// page then states ("We do not share …"). Leaving the key out is an error, never "none".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stated<T> {
    None,
    List(Vec<T>),
}

impl<T> Stated<T> {
    /// The entries; empty for `"none"`.
    pub fn entries(&self) -> &[T] {
        match self {
            Stated::None => &[],
            Stated::List(items) => items,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Stated<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StatedVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for StatedVisitor<T> {
            type Value = Stated<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of entries, or the word \"none\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v.trim().eq_ignore_ascii_case("none") {
                    Ok(Stated::None)
                } else {
                    Err(E::custom(format!(
                        "\"{v}\" is neither a list nor \"none\"; write the entries as tables, or \"none\" if there are none"
                    )))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                if items.is_empty() {
                    return Err(de::Error::custom(
                        "an empty list says nothing; write \"none\" if there are none",
                    ));
                }
                Ok(Stated::List(items))
            }
        }
        d.deserialize_any(StatedVisitor(std::marker::PhantomData))
    }
}

/// A place given as one name or a list of names (`"France"`, `["Ireland", "France"]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Places(pub Vec<String>);

impl Places {
    /// "Ireland, France and Canada" style joining is the theme's business; this is plain.
    pub fn joined(&self) -> String {
        self.0.join(", ")
    }
}

impl<'de> Deserialize<'de> for Places {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        let names = match OneOrMany::deserialize(d).map_err(|_| {
            de::Error::custom(
                "write a country as \"France\", or several as [\"Ireland\", \"France\"]",
            )
        })? {
            OneOrMany::One(name) => vec![name],
            OneOrMany::Many(names) => names,
        };
        if names.is_empty() || names.iter().any(|n| n.trim().is_empty()) {
            return Err(de::Error::custom(
                "name at least one country, none of them blank",
            ));
        }
        if let Some(joined) = names
            .iter()
            .find(|n| n.contains(',') || n.contains(" and "))
        {
            return Err(de::Error::custom(format!(
                "\"{joined}\" names several places in one text; list each country separately: [\"Ireland\", \"France\"]"
            )));
        }
        Ok(Places(names.iter().map(|n| n.trim().to_string()).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_refused() {
        for text in [
            "",
            "  ",
            "n/a",
            "N/A",
            "TBD",
            "todo",
            "Not stated",
            "TBC.",
            "...",
        ] {
            assert!(Prose::parse(text).is_err(), "{text:?}");
        }
        assert!(Prose::parse("Six years after membership ends.").is_ok());
        assert!(Prose::parse("National Archives").is_ok());
    }

    #[test]
    fn stated_lists_need_entries_or_none() {
        #[derive(Deserialize)]
        struct Doc {
            items: Stated<u8>,
        }
        let doc: Doc = toml::from_str("items = \"none\"").unwrap();
        assert_eq!(doc.items, Stated::None);
        let doc: Doc = toml::from_str("items = [1, 2]").unwrap();
        assert_eq!(doc.items.entries(), &[1, 2]);
        let err = toml::from_str::<Doc>("items = []").err().unwrap();
        assert!(err.message().contains("write \"none\""), "{err}");
        let err = toml::from_str::<Doc>("items = \"nobody\"").err().unwrap();
        assert!(err.message().contains("neither a list nor"), "{err}");
    }

    #[test]
    fn places_are_one_country_each() {
        #[derive(Deserialize)]
        struct Doc {
            at: Places,
        }
        let doc: Doc = toml::from_str("at = \"France\"").unwrap();
        assert_eq!(doc.at.0, ["France"]);
        let doc: Doc = toml::from_str("at = [\"Ireland\", \"France\"]").unwrap();
        assert_eq!(doc.at.joined(), "Ireland, France");
        let err = toml::from_str::<Doc>("at = \"Ireland, France and Canada\"")
            .err()
            .unwrap();
        assert!(err.message().contains("list each country"), "{err}");
    }
}
