//! The example texts `chapterhouse init` and `new chapter` write, which must be replaced
//! before a site is published: a build warns about each one still there, `check` refuses
//! it. A phrase is matched where it is written, so the message names the file and line.

use crate::diagnostics::Diagnostic;
use crate::source::SourceTree;

/// Distinctive sentences of the starter files (each is asserted to appear in what the
/// scaffold writes, so the two cannot drift apart).
pub const PHRASES: [&str; 8] = [
    "Keeping the register of members and contacting you about your membership.",
    "I act honestly and never alter a record to mislead.",
    "I promise to care for the records entrusted to me and to uphold the code of ethics.",
    "Members of the institute agree to this code on admission.",
    "Write about the institute here.",
    "Write about the chapter here.",
    "chapter meets every month. Everyone is welcome.",
    "A. Volunteer",
];

/// The start of every starter-text warning, by which `check` recognises them.
pub const MESSAGE: &str = "this is still the example text that `chapterhouse init` wrote";

/// A warning at each place a starter phrase is still written in the site's data and content.
pub fn leftovers(sources: &SourceTree) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for file in sources
        .texts_under("data/")
        .chain(sources.texts_under("content/"))
    {
        for phrase in PHRASES {
            if let Some(offset) = file.text.find(phrase) {
                found.push(
                    Diagnostic::warning(format!("{MESSAGE}: \"{phrase}\""))
                        .at(&file.path, &file.text, offset)
                        .hint("replace it with your organisation's own text before publishing; `check` fails until then"),
                );
            }
        }
    }
    found
}

/// Whether a diagnostic is a starter-text warning (which `check` makes an error).
pub fn is_leftover(diagnostic: &Diagnostic) -> bool {
    diagnostic.message.starts_with(MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_is_in_what_init_writes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        crate::scaffold::init(&root).unwrap();
        let sources = crate::source::read_tree(&root).unwrap();
        let found = leftovers(&sources);
        for phrase in PHRASES {
            assert!(
                found.iter().any(|d| d.message.contains(phrase)),
                "{phrase:?} is not written by init"
            );
        }
    }
}
