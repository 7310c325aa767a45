//! What asked for a route: named when two sources claim one output and in render errors.

use std::fmt;

/// The source of a route, typed so that a message can name it and point at its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteOrigin {
    /// A source file below the root: a page, a notice, a chapter or legal data file.
    File(String),
    /// An alias of a page: the page's source file and the alias as written.
    Alias { file: String, alias: String },
    /// A file of the theme (`style.css`).
    ThemeAsset(String),
    /// A file below `static/` (its path below `static/`).
    Static(String),
    /// A page or file made from the whole site ("the notices list").
    Generated(&'static str),
}

impl RouteOrigin {
    /// The source file to point at, when there is one.
    pub fn file(&self) -> Option<String> {
        match self {
            RouteOrigin::File(file) | RouteOrigin::Alias { file, .. } => Some(file.clone()),
            RouteOrigin::Static(path) => Some(format!("static/{path}")),
            RouteOrigin::ThemeAsset(_) | RouteOrigin::Generated(_) => None,
        }
    }
}

impl fmt::Display for RouteOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteOrigin::File(file) => f.write_str(file),
            RouteOrigin::Alias { file, alias } => write!(f, "{file} (alias `{alias}`)"),
            RouteOrigin::ThemeAsset(path) => write!(f, "theme asset {path}"),
            RouteOrigin::Static(path) => write!(f, "static/{path}"),
            RouteOrigin::Generated(what) => f.write_str(what),
        }
    }
}
