//! `data/ethics.toml`: the code of ethics (numbered commitments) and the member oath.

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::toml_data::{self, Date, Embedding};

pub const ETHICS_PATH: &str = crate::source::paths::ETHICS;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Oath {
    /// Markdown introducing the oath.
    #[serde(default)]
    pub introduction: String,
    /// The words of the oath, one paragraph per entry.
    pub text: Vec<String>,
    /// Lines for signatures on the printed oath ("Signature", "Name", "Date").
    #[serde(default)]
    pub signature_lines: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ethics {
    pub version: String,
    pub adopted: Date,
    /// Markdown before the commitments.
    pub preamble: String,
    pub commitments: Vec<Commitment>,
    pub oath: Oath,
}

/// `none = "…"`: the organisation states that it has no code of ethics or oath, and why;
/// no ethics or oath page is published then.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoCode {
    #[allow(dead_code)]
    none: crate::model::text::Prose,
}

/// Parses `data/ethics.toml`: a code with its oath, or `None` for a stated `none = "…"`.
pub fn parse(text: &str) -> Result<Option<Ethics>, Vec<Diagnostic>> {
    let at = Embedding::whole(ETHICS_PATH, text);
    let states_none = toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("none"));
    if states_none {
        return toml_data::parse::<NoCode>(text, at).map(|_| None);
    }
    let ethics: Ethics = toml_data::parse(text, at)?;
    let mut problems = Vec::new();
    if ethics.commitments.is_empty() {
        problems.push(
            at.error_at(0, "the code of ethics has no commitments")
                .hint("add a `[[commitments]]` table for each"),
        );
    }
    if ethics.oath.text.iter().all(|p| p.trim().is_empty()) {
        problems.push(
            at.error_at(0, "the member oath has no text")
                .hint("write the oath in `[oath] text = [\"…\"]`"),
        );
    }
    if problems.is_empty() {
        Ok(Some(ethics))
    } else {
        Err(problems)
    }
}
