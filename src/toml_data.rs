//! Typed TOML parsing with diagnostics that point at the offending key.
//!
//! All data files and front matter go through [`parse`], so every one of them reports errors
//! the same way: file, line, column, the source line, and for an unknown key or value the
//! closest valid one, and every problem of a document in one run ([`repair`]), a wrong type
//! with the form the field expects ([`forms`]).

mod forms;
mod repair;

use std::ops::Range;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, did_you_mean};

/// Where a TOML document sits inside a file (front matter starts after the `+++` line).
#[derive(Debug, Clone, Copy)]
pub struct Embedding<'f> {
    pub path: &'f str,
    /// The whole file's text, for line numbers.
    pub file_text: &'f str,
    /// Byte offset of the TOML document within `file_text`.
    pub offset: usize,
}

impl<'f> Embedding<'f> {
    /// A TOML document that is the whole file.
    pub fn whole(path: &'f str, file_text: &'f str) -> Self {
        Embedding {
            path,
            file_text,
            offset: 0,
        }
    }

    /// A diagnostic at a byte offset relative to the TOML document.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(message).at(self.path, self.file_text, self.offset + offset)
    }

    pub fn warning_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(message).at(self.path, self.file_text, self.offset + offset)
    }

    pub fn error_span(&self, span: &Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.error_at(span.start, message)
    }
}

/// Parses `toml` into `T`, turning every problem serde finds into a located diagnostic with
/// a hint, in the order of the text.
pub fn parse<T: DeserializeOwned>(toml: &str, at: Embedding<'_>) -> Result<T, Vec<Diagnostic>> {
    repair::deserialize(toml)
        .map_err(|problems| problems.iter().map(|p| diagnostic_of(p, at)).collect())
}

/// Stands, in a value's own error message, for the key that holds it: `parse` writes the
/// key's name there (`` `interest` is a placeholder ``), or "this text" for a list element.
pub const FIELD: &str = "{field}";

fn diagnostic_of(problem: &repair::Problem, at: Embedding<'_>) -> Diagnostic {
    let field = match &problem.key {
        Some(key) => format!("`{key}`"),
        None => "this text".to_string(),
    };
    let message = problem.error.message().trim().replace(FIELD, &field);
    let offset = problem.error.span().map(|s| s.start).unwrap_or(0);
    let mut diagnostic = at.error_at(offset, first_line(&message));
    let hint = forms::type_hint(&message, problem.key.as_deref())
        .or_else(|| hint_for(&message, problem.syntax));
    if let Some(hint) = hint {
        diagnostic = diagnostic.hint(hint);
    }
    diagnostic
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_string()
}

/// serde's messages list the valid names: "unknown field `titel`, expected one of `a`, `b`".
/// `syntax`: the text is not TOML, so the message is the parser's, not a field's.
fn hint_for(message: &str, syntax: bool) -> Option<String> {
    let kind = if message.starts_with("unknown field") {
        "key"
    } else if message.starts_with("unknown variant") {
        "value"
    } else if let Some(field) = message.strip_prefix("missing field ") {
        return Some(format!("add {field} here; it is required"));
    } else if ["invalid type", "invalid value", "invalid length"]
        .iter()
        .any(|p| message.starts_with(p))
    {
        return None;
    } else if message.starts_with("duplicate key") {
        return Some("each key appears once in its table; remove or rename one".to_string());
    } else if !syntax {
        // A check of our own ("`X` is not a valid id; use …") says how to fix it itself.
        return None;
    } else {
        // The parser's own syntax messages ("extra `=`", "invalid string"): show the shape.
        return Some(
            "each line is `key = value`; text goes in quotes (`name = \"Leeds\"`), dates are written 2026-03-24".to_string(),
        );
    };
    let word = between_backticks(message).next()?;
    let expected: Vec<&str> = message
        .split_once("expected")
        .map(|(_, rest)| between_backticks(rest).collect())
        .unwrap_or_default();
    if expected.is_empty() {
        return Some(format!("this {kind} is not allowed here"));
    }
    match did_you_mean(word, expected.iter().copied()) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None => Some(format!(
            "allowed {kind}s: {}",
            expected
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn between_backticks(s: &str) -> impl Iterator<Item = &str> {
    s.split('`').skip(1).step_by(2)
}

/// Converts a TOML date (`2026-03-24`) or date-time into a calendar date.
pub fn to_date(value: &toml::value::Datetime) -> Option<jiff::civil::Date> {
    let d = value.date?;
    jiff::civil::Date::new(d.year as i16, d.month as i8, d.day as i8).ok()
}

/// A TOML date (`2026-03-24`; a date-time is accepted and its date kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(d)?;
        to_date(&value).map(Date).ok_or_else(|| {
            serde::de::Error::custom(format!("`{value}` is not a date; write it as 2026-03-24"))
        })
    }
}

/// A local date and time without offset (`2027-01-21T18:00:00`), read in a chapter's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime(pub jiff::civil::DateTime);

impl<'de> serde::Deserialize<'de> for LocalDateTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(d)?;
        let error = || {
            serde::de::Error::custom(format!(
                "`{value}` is not a local date-time; write it as 2027-01-21T18:00:00 (no offset: the chapter's time zone applies)"
            ))
        };
        if value.offset.is_some() {
            return Err(error());
        }
        let (Some(date), Some(time)) = (to_date(&value), value.time) else {
            return Err(error());
        };
        let time = jiff::civil::Time::new(
            time.hour as i8,
            time.minute as i8,
            time.second.unwrap_or(0) as i8,
            0,
        )
        .map_err(|_| error())?;
        Ok(LocalDateTime(date.to_datetime(time)))
    }
}

/// A wall-clock time written `"18:30"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(pub jiff::civil::Time);

impl<'de> serde::Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let parsed = s.split_once(':').and_then(|(h, m)| {
            let (h, m) = (h.parse::<i8>().ok()?, m.parse::<i8>().ok()?);
            (h.to_string().len() <= 2 && m.to_string().len() <= 2)
                .then(|| jiff::civil::Time::new(h, m, 0, 0).ok())
                .flatten()
        });
        parsed.map(ClockTime).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not a time; write it as \"18:30\""))
        })
    }
}

#[cfg(test)]
mod tests;
