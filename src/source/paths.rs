//! Every path of the source tree that chapterhouse knows by name, in one place.
//!
//! It imports nothing from the crate, so every stage may name a source file (in a
//! diagnostic or when reading) without depending on another stage.

/// The folders below the root that hold sources.
pub const SOURCE_FOLDERS: [&str; 4] = ["content", "data", "themes", "static"];
/// Markdown pages and notices.
pub const CONTENT_DIR: &str = "content/";
/// The site's configuration.
pub const SITE_CONFIG: &str = "data/site.toml";
/// One TOML file per chapter, named after its slug.
pub const CHAPTERS_DIR: &str = "data/chapters/";
pub const PRIVACY: &str = "data/privacy.toml";
pub const COOKIES: &str = "data/cookies.toml";
pub const ETHICS: &str = "data/ethics.toml";
/// The data-processing schedules, one TOML file each.
pub const SCHEDULES_DIR: &str = "data/schedules/";
pub const THEMES_DIR: &str = "themes/";
pub const STATIC_DIR: &str = "static/";

/// `data/chapters/<slug>.toml`.
pub fn chapter(slug: impl std::fmt::Display) -> String {
    format!("{CHAPTERS_DIR}{slug}.toml")
}
