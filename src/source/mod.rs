//! The only reader of the file system: a site's source tree as relative paths and contents.
//!
//! Everything after this stage works on a [`SourceTree`] in memory, so tests can build one
//! without a disk and `watch` can replace single files in it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};

pub mod paths;

pub use paths::SOURCE_FOLDERS;

/// A text source file: markdown, TOML or a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated (`content/about.md`).
    pub path: String,
    pub text: String,
}

/// All source files of a site, sorted by path so iteration is deterministic.
#[derive(Debug, Clone, Default)]
pub struct SourceTree {
    pub texts: BTreeMap<String, SourceFile>,
    /// Files copied verbatim (`static/**`, `themes/<name>/static/**`).
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl SourceTree {
    /// Builds a tree from in-memory files; paths under a `static/` folder become assets.
    pub fn from_memory<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut tree = SourceTree::default();
        for (path, text) in files {
            tree.insert(path.to_string(), text.as_bytes().to_vec())
                .expect("in-memory sources are UTF-8");
        }
        tree
    }

    pub fn get(&self, path: &str) -> Option<&SourceFile> {
        self.texts.get(path)
    }

    /// Text files whose path starts with `prefix`.
    pub fn texts_under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a SourceFile> {
        self.texts
            .range(prefix.to_string()..)
            .take_while(move |(p, _)| p.starts_with(prefix))
            .map(|(_, f)| f)
    }

    /// Adds or replaces one file, classifying it as text or asset by its location.
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        if is_asset_path(&path) {
            self.assets.insert(path, bytes);
            return Ok(());
        }
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.drain(..3);
                }
                self.texts.insert(path.clone(), SourceFile { path, text });
                Ok(())
            }
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let bytes = err.into_bytes();
                let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
                Err(Diagnostic::error(format!(
                    "file is not valid UTF-8 (invalid byte at offset {valid})"
                ))
                .at(&path, &prefix, valid)
                .hint("save the file as UTF-8 in your editor"))
            }
        }
    }

    /// A fingerprint of every file, with `extra` (the build options) and the running binary,
    /// so an unchanged site can be recognised without rendering it.
    pub fn fingerprint(&self, extra: &str) -> String {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        // Each part is preceded by its length, so no two different inputs run together.
        let mut part = |bytes: &[u8]| {
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        part(env!("CARGO_PKG_VERSION").as_bytes());
        if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
            part(&meta.len().to_le_bytes());
            part(format!("{:?}", meta.modified().ok()).as_bytes());
        }
        part(extra.as_bytes());
        for (path, file) in &self.texts {
            part(path.as_bytes());
            part(file.text.as_bytes());
        }
        for (path, bytes) in &self.assets {
            part(path.as_bytes());
            part(bytes);
        }
        format!("{:016x}", hasher.digest())
    }

    /// Whether the tree has a file at `path` or below it (as a folder).
    pub fn holds(&self, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let below = |keys: &mut dyn Iterator<Item = &String>| {
            keys.next().is_some_and(|p| p.starts_with(&prefix))
        };
        self.texts.contains_key(path)
            || self.assets.contains_key(path)
            || below(&mut self.texts.range(prefix.clone()..).map(|(p, _)| p))
            || below(&mut self.assets.range(prefix.clone()..).map(|(p, _)| p))
    }

    pub fn remove(&mut self, path: &str) {
        self.texts.remove(path);
        self.assets.remove(path);
    }

    /// Removes a file, or every file below a folder that was deleted or renamed away.
    pub fn remove_under(&mut self, path: &str) {
        self.remove(path);
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.texts.retain(|p, _| !p.starts_with(&prefix));
        self.assets.retain(|p, _| !p.starts_with(&prefix));
    }

    /// Re-reads one changed file from disk (`relative` is its path below the root).
    pub fn reload(&mut self, relative: &str, full: &Path) -> Result<(), Diagnostic> {
        if let Some(problem) = name_problem(full.as_os_str()) {
            return Err(bad_name(problem, Path::new(relative)));
        }
        if !is_source_path(relative) {
            return Ok(());
        }
        match std::fs::read(full) {
            Ok(bytes) => self.insert(relative.to_string(), bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.remove(relative);
                Ok(())
            }
            Err(e) => Err(Diagnostic::error(format!("cannot read: {e}")).in_file(relative)),
        }
    }
}

fn is_asset_path(path: &str) -> bool {
    if path.starts_with("static/") {
        return true;
    }
    let mut parts = path.split('/');
    parts.next() == Some("themes") && parts.nth(1) == Some("static")
}

/// Editor droppings and hidden files are never sources.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp")
}

/// The one rule of which paths below the site root (`/`-separated) are sources, for `build`
/// and `watch` alike: a source folder itself or anything below it, unless some name on the
/// way is hidden (`content/.drafts/x.md`) or an editor's temporary file.
pub fn is_source_path(relative: &str) -> bool {
    let mut segments = relative.split('/');
    let top = segments.next().unwrap_or("");
    SOURCE_FOLDERS.contains(&top) && segments.all(|s| !s.is_empty() && !is_ignored(s))
}

/// Why a file or folder name cannot be a source name: not UTF-8 (two such names would read
/// as one), or a control character (it would break the lines of listings and markers).
fn name_problem(name: &std::ffi::OsStr) -> Option<&'static str> {
    match name.to_str() {
        None => Some("is not valid UTF-8"),
        Some(text) if text.chars().any(char::is_control) => Some("contains a control character"),
        Some(_) => None,
    }
}

/// The error for a bad name, showing the path with its unprintable bytes escaped.
fn bad_name(problem: &str, relative: &Path) -> Diagnostic {
    let shown = format!("{relative:?}");
    let shown = shown.trim_matches('"');
    Diagnostic::error(format!("the name `{shown}` {problem}"))
        .in_file(shown)
        .hint("rename it using printable UTF-8 characters")
}

/// Reads the source folders of the site at `root`. Unreadable files are reported together.
pub fn read_tree(root: &Path) -> Result<SourceTree, Diagnostics> {
    if !root.is_dir() {
        let what = if root.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(Diagnostics::from(
            Diagnostic::error(format!("the site folder `{}` {what}", root.display())).hint(
                "pass the folder holding data/site.toml as `--root DIR`, or create a site with `chapterhouse init DIR`",
            ),
        ));
    }
    let mut tree = SourceTree::default();
    let mut diagnostics = Diagnostics::new();
    let files = walk_sources(root, &mut diagnostics);
    // Reading (and checking UTF-8) in parallel; inserting in walk order keeps it deterministic.
    let read: Vec<_> = {
        use rayon::prelude::*;
        files
            .into_par_iter()
            .map(|(rel, path)| (std::fs::read(&path), rel))
            .collect()
    };
    for (bytes, rel) in read {
        match bytes {
            Ok(bytes) => {
                if let Err(d) = tree.insert(rel, bytes) {
                    diagnostics.push(d);
                }
            }
            Err(err) => {
                diagnostics.push(Diagnostic::error(format!("cannot read: {err}")).in_file(&rel))
            }
        }
    }
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(tree)
    }
}

/// The source files below `root` (relative path, full path), in walk order; problems with
/// folders and names go to `diagnostics`.
fn walk_sources(root: &Path, diagnostics: &mut Diagnostics) -> Vec<(String, std::path::PathBuf)> {
    let mut files = Vec::new();
    for folder in SOURCE_FOLDERS {
        let dir = root.join(folder);
        if !dir.exists() {
            continue;
        }
        let walker = walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err
                        .path()
                        .map(|p| relative(root, p))
                        .unwrap_or_else(|| folder.to_string());
                    let message = if err.loop_ancestor().is_some() {
                        "symbolic link loop: this link points to a folder that contains it"
                            .to_string()
                    } else {
                        format!("cannot read: {}", io_reason(&err))
                    };
                    diagnostics.push(Diagnostic::error(message).in_file(&path));
                    continue;
                }
            };
            let below_root = entry.path().strip_prefix(root).unwrap_or(entry.path());
            if name_problem(below_root.as_os_str()).is_some() {
                // Reported once, for the name itself; what lies below it is skipped.
                if let Some(problem) = name_problem(entry.file_name()) {
                    diagnostics.push(bad_name(problem, below_root));
                }
                continue;
            }
            let rel = relative(root, entry.path());
            if entry.file_type().is_dir() {
                if rel.ends_with(".toml") || rel.ends_with(".md") {
                    diagnostics.push(
                        Diagnostic::error("this is a folder, but a file is expected here")
                            .in_file(&rel)
                            .hint("remove or rename the folder"),
                    );
                }
                continue;
            }
            files.push((rel, entry.into_path()));
        }
    }
    files
}

fn io_reason(err: &walkdir::Error) -> String {
    err.io_error()
        .map(|e| e.to_string())
        .unwrap_or_else(|| err.to_string())
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_assets_and_strips_bom() {
        let tree = SourceTree::from_memory([
            ("static/logo.svg", "<svg/>"),
            ("themes/default/static/style.css", "body{}"),
            ("content/a.md", "\u{feff}hello"),
        ]);
        assert_eq!(tree.assets.len(), 2);
        assert_eq!(tree.get("content/a.md").unwrap().text, "hello");
    }

    #[test]
    fn one_rule_says_what_is_a_source() {
        for yes in [
            "content",
            "content/a.md",
            "static/css/x.css",
            "themes/t/templates/a.html",
        ] {
            assert!(is_source_path(yes), "{yes}");
        }
        for no in [
            "public/index.html",
            "content/.hidden/a.md",
            ".git/config",
            "content/a.md~",
            "content/.a.md.swp",
            "static/.well-known/x",
            "contents/a.md",
        ] {
            assert!(!is_source_path(no), "{no}");
        }
    }

    #[test]
    fn invalid_utf8_is_located() {
        let mut tree = SourceTree::default();
        let err = tree
            .insert("content/x.md".into(), b"ok\n\xff".to_vec())
            .unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!(
            (loc.path.as_str(), loc.line, loc.col),
            ("content/x.md", 2, 1)
        );
    }
}
