//! [`OutputPath`]: a path below the output folder that is safe to write, checked once.
//!
//! A leaf of the model (it uses only std): the output writer and the marker parser take
//! nothing else, so a name that could leave the output folder (`/etc/x`, `../x`) or smuggle
//! a line into the marker (`a\n1 0 /x`) cannot reach the file system.

use std::fmt;

/// The file in the output folder where chapterhouse records what it wrote; no route may
/// claim it.
pub const MARKER: &str = ".chapterhouse-output";

/// The longest file or folder name most file systems accept, in bytes.
pub const MAX_COMPONENT: usize = 255;

/// A `/`-separated relative path: no leading `/`, no empty, `.` or `..` segment, no
/// backslash, no control character, every segment at most [`MAX_COMPONENT`] bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutputPath(String);

impl OutputPath {
    pub fn parse(path: &str) -> Result<Self, String> {
        let shown = path.escape_debug();
        if path.is_empty() {
            return Err("an output path is empty".to_string());
        }
        if path.starts_with('/') {
            return Err(format!("`{shown}` is absolute; output paths are relative"));
        }
        if path.contains('\\') {
            return Err(format!("`{shown}` contains a backslash"));
        }
        if path.chars().any(char::is_control) {
            return Err(format!("`{shown}` contains a control character"));
        }
        for segment in path.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(format!("`{shown}` contains `..`, `.` or an empty segment"));
            }
            if segment.len() > MAX_COMPONENT {
                return Err(format!(
                    "`{shown}` has a name longer than {MAX_COMPONENT} bytes ({})",
                    segment.len()
                ));
            }
        }
        Ok(OutputPath(path.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

impl fmt::Display for OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths_pass() {
        for ok in [
            "index.html",
            "a/b/c.css",
            "a:b.txt",
            "with space/x y.html",
            "é/ü.html",
        ] {
            assert_eq!(OutputPath::parse(ok).map(|p| p.to_string()), Ok(ok.into()));
        }
    }

    #[test]
    fn escaping_or_smuggling_paths_are_refused() {
        let long = "x".repeat(256);
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            "a\\..\\b",
            "a\n1 0 /some/path",
            "a\rb",
            "a\u{7f}b",
            "nul\0byte",
            long.as_str(),
        ] {
            assert!(OutputPath::parse(bad).is_err(), "{bad:?} passed");
        }
        assert!(OutputPath::parse(&"x".repeat(255)).is_ok());
        let err = OutputPath::parse("a\nb").unwrap_err();
        assert_eq!(err, "`a\\nb` contains a control character");
    }
}
