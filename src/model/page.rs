//! Markdown pages: the `+++` front matter split, the typed front matter, and [`Page`].

use serde::Deserialize;

use super::{LanguageTag, Scope};
use crate::diagnostics::Diagnostic;
use crate::toml_data::{self, Date, Embedding};

/// The keys a page may set between its `+++` lines.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<Date>,
    #[serde(default)]
    pub draft: bool,
    /// Orders pages in listings and navigation (lower first, then title).
    #[serde(default)]
    pub weight: i64,
    /// Replaces the last URL segment (the file name).
    pub slug: Option<String>,
    /// A theme template to render with instead of `page.html`.
    pub template: Option<String>,
    /// Old URLs that should redirect here, e.g. `"/about-us/"`.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A markdown file under `content/`.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path from the site root, e.g. `content/chapters/london/study-group.md`.
    pub source_path: String,
    pub front: FrontMatter,
    /// Byte offset of `body` in the file, so markdown diagnostics get file line numbers.
    pub body_offset: usize,
    /// The whole file text, for locating diagnostics.
    pub file_text: String,
    pub scope: Scope,
    /// `_index.md` or `index.md`: the page stands for its folder.
    pub is_index: bool,
    /// The language of a translation, from the file name's suffix (`about.fr.md`); `None`
    /// for a page in its site's (or chapter's) default language.
    pub translation: Option<LanguageTag>,
}

impl Page {
    /// The source path below `content/` (`about.md`), as written in `@/about.md` links.
    pub fn content_path(&self) -> &str {
        self.source_path
            .strip_prefix("content/")
            .unwrap_or(&self.source_path)
    }

    /// The content path of the page this one translates (`about.md` for `about.fr.md`);
    /// the content path itself for a page in the default language. URLs are made from it.
    pub fn original_path(&self) -> String {
        match super::ids::split_language_suffix(self.content_path()) {
            Some((original, _)) if self.translation.is_some() => original,
            _ => self.content_path().to_string(),
        }
    }

    /// The markdown after the front matter (kept once, inside the file text).
    pub fn body(&self) -> &str {
        &self.file_text[self.body_offset.min(self.file_text.len())..]
    }

    /// A diagnostic at the value of a front-matter key (`slug = "…"`), for problems that
    /// key causes; at the start of the file when the key is not written on a line of its own.
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let front = &self.file_text[..self.body_offset.min(self.file_text.len())];
        let mut start = 0;
        for line in front.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix(key)
                && let Some(value) = rest.trim_start().strip_prefix('=')
            {
                let value_at = line.len() - value.trim_start().len();
                return Diagnostic::error(message).at(
                    &self.source_path,
                    &self.file_text,
                    start + value_at,
                );
            }
            start += line.len();
        }
        Diagnostic::error(message).at(&self.source_path, &self.file_text, 0)
    }

    /// A diagnostic at a byte offset within the body.
    pub fn error_in_body(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(message).at(
            &self.source_path,
            &self.file_text,
            self.body_offset + offset,
        )
    }
}

/// The front matter's TOML and where it and the body start.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'t> {
    pub front_matter: &'t str,
    pub front_matter_offset: usize,
    pub body: &'t str,
    pub body_offset: usize,
}

/// Splits `+++\n<toml>\n+++\n<body>`; CRLF line endings are accepted.
pub fn split_front_matter<'t>(path: &str, text: &'t str) -> Result<Split<'t>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "+++" {
        return Err(Diagnostic::error("the page does not start with front matter")
            .at(path, text, 0)
            .hint("begin the file with a `+++` line, then `title = \"…\"`, then another `+++` line"));
    }
    let front_start = first_line_end;
    let mut line_start = front_start;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
        if text[line_start..line_end].trim_end() == "+++" {
            return Ok(Split {
                front_matter: &text[front_start..line_start],
                front_matter_offset: front_start,
                body: &text[line_end..],
                body_offset: line_end,
            });
        }
        line_start = line_end;
    }
    Err(Diagnostic::error("the front matter is never closed")
        .at(path, text, 0)
        .hint("add a line holding only `+++` after the last front-matter key"))
}

/// Whether a character may not appear in published text: C0 and C1 controls (tab, line
/// feed and carriage return excepted), DEL, and the non-characters U+FFFE and U+FFFF. XML
/// (Atom feeds) and iCalendar text cannot carry them, and in a page they are invisible.
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

const CONTROL_HINT: &str =
    "remove it; in TOML, escapes such as `\\u0007`, `\\b` or `\\f` write such characters";

/// Every key or string value of a TOML document that holds a forbidden character, located at
/// the value. A document that does not parse yields nothing (serde reports it).
pub fn control_characters(toml: &str, at: Embedding<'_>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Ok(table) = toml::de::DeTable::parse(toml) {
        walk_table(table.get_ref(), "", at, &mut problems);
    }
    problems
}

fn walk_table(
    table: &toml::de::DeTable<'_>,
    prefix: &str,
    at: Embedding<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    for (key, value) in table {
        let name = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        check_text(key.get_ref(), &name, key.span().start, at, problems);
        walk_value(value, &name, at, problems);
    }
}

fn walk_value(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    name: &str,
    at: Embedding<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    match value.get_ref() {
        toml::de::DeValue::String(text) => check_text(text, name, value.span().start, at, problems),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(item, &format!("{name}[{i}]"), at, problems);
            }
        }
        toml::de::DeValue::Table(table) => walk_table(table, name, at, problems),
        _ => {}
    }
}

fn check_text(
    text: &str,
    name: &str,
    offset: usize,
    at: Embedding<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    if let Some(c) = text.chars().find(|c| is_forbidden_char(*c)) {
        problems.push(
            at.error_at(
                offset,
                format!(
                    "`{}` contains the control character U+{:04X}",
                    name.escape_debug(),
                    u32::from(c)
                ),
            )
            .hint(CONTROL_HINT),
        );
    }
}

/// The first forbidden character of a markdown body, located where it is in the file.
pub fn control_character_in_body(
    path: &str,
    file_text: &str,
    body_offset: usize,
) -> Option<Diagnostic> {
    let body = file_text.get(body_offset..)?;
    let (i, c) = body.char_indices().find(|(_, c)| is_forbidden_char(*c))?;
    Some(
        Diagnostic::error(format!(
            "the text contains the control character U+{:04X}",
            u32::from(c)
        ))
        .at(path, file_text, body_offset + i)
        .hint("remove it: it is invisible on the page and feeds and calendars cannot carry it"),
    )
}

/// Parses one page file.
pub fn parse(path: &str, text: &str, scope: Scope) -> Result<Page, Vec<Diagnostic>> {
    let split = split_front_matter(path, text).map_err(|d| vec![d])?;
    let at = Embedding {
        path,
        file_text: text,
        offset: split.front_matter_offset,
    };
    let front: FrontMatter = toml_data::parse(split.front_matter, at)?;
    if let Some(problem) = control_characters(split.front_matter, at)
        .into_iter()
        .next()
        .or_else(|| control_character_in_body(path, text, split.body_offset))
    {
        return Err(vec![problem]);
    }
    if front.title.trim().is_empty() {
        return Err(vec![
            at.error_at(0, "the page's `title` is empty")
                .hint("every page needs a title for its <title> and headings"),
        ]);
    }
    let (original, translation) = match super::ids::split_language_suffix(path) {
        Some((original, language)) => (original, Some(language)),
        None => (path.to_string(), None),
    };
    let file_name = original.rsplit('/').next().unwrap_or(path);
    Ok(Page {
        source_path: path.to_string(),
        body_offset: split.body_offset,
        file_text: text.to_string(),
        scope,
        is_index: file_name == "_index.md" || file_name == "index.md",
        translation,
        front,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\r\ntitle = \"A\"\r\n+++\r\nBody\r\n";
        let split = split_front_matter("a.md", text).expect("front matter splits");
        assert_eq!(split.front_matter, "title = \"A\"\r\n");
        assert_eq!(split.body, "Body\r\n");
        let page = parse("content/a.md", text, Scope::Organisation).expect("the page parses");
        assert_eq!(page.front.title, "A");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split_front_matter("a.md", "+++\ntitle = \"A\"\nBody\n").unwrap_err();
        assert!(err.message.contains("never closed"));
        assert!(err.hint.expect("a hint").contains("`+++`"));
    }

    #[test]
    fn unknown_key_is_located_in_the_file() {
        let text = "+++\ntitle = \"A\"\ntittle = \"B\"\n+++\n";
        let errors = parse("content/a.md", text, Scope::Organisation).unwrap_err();
        let [err] = errors.as_slice() else {
            panic!("{errors:?}")
        };
        assert_eq!(err.location.as_ref().expect("a location").line, 3);
        assert_eq!(err.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn empty_file_is_an_error_not_a_panic() {
        assert!(parse("content/a.md", "", Scope::Organisation).is_err());
    }
}
