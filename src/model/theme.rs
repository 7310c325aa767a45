//! The theme: Tera templates, static assets and translations.
//!
//! The default theme (`themes/default/` in this repository) is embedded in the binary, so a
//! site without a `themes/` folder builds. A site's `themes/<name>/templates/X.html` replaces
//! just template X; its `static/` files and `i18n/<lang>.toml` keys are laid over the default's.

use std::collections::BTreeMap;

use include_dir::{Dir, include_dir};

use crate::diagnostics::Diagnostic;
use crate::source::SourceTree;
use crate::toml_data::{self, Embedding};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Translations: language → key → text.
pub type Translations = BTreeMap<String, BTreeMap<String, String>>;

/// One template's text and where it came from, for error messages.
#[derive(Debug, Clone)]
pub struct Template {
    pub origin: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (`base.html`) → template.
    pub templates: BTreeMap<String, Template>,
    /// Path below the theme's `static/` → bytes; emitted at the site root.
    pub assets: BTreeMap<String, Vec<u8>>,
    pub translations: Translations,
}

impl Theme {
    /// The translations for `language` with every key the default language has.
    pub fn strings(&self, language: &str) -> BTreeMap<String, String> {
        let mut strings = self.translations.get("en").cloned().unwrap_or_default();
        if let Some(own) = self.translations.get(language) {
            strings.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        strings
    }
}

/// The templates every theme provides (the default theme has them all).
pub const REQUIRED_TEMPLATES: [&str; 14] = [
    "notices.html",
    "notice.html",
    "privacy.html",
    "cookies.html",
    "data_processing.html",
    "ethics.html",
    "oath.html",
    "base.html",
    "home.html",
    "chapters.html",
    "chapter.html",
    "page.html",
    "404.html",
    "alias.html",
];

/// Builds the theme named `name`: the embedded default, overlaid with the site's files.
pub fn load(name: &str, sources: &SourceTree) -> Result<Theme, Vec<Diagnostic>> {
    let mut theme = Theme::default();
    let mut problems = Vec::new();
    for file in embedded_files(&DEFAULT_THEME) {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        let origin = format!("(built-in theme)/{rel}");
        add(&mut theme, &rel, &origin, file.contents(), &mut problems);
    }
    let prefix = format!("themes/{name}/");
    let mut found = false;
    for file in sources.texts_under(&prefix) {
        found = true;
        let rel = &file.path[prefix.len()..];
        add(
            &mut theme,
            rel,
            &file.path,
            file.text.as_bytes(),
            &mut problems,
        );
    }
    for (path, bytes) in sources
        .assets
        .range(prefix.clone()..)
        .take_while(|(p, _)| p.starts_with(&prefix))
    {
        found = true;
        add(
            &mut theme,
            &path[prefix.len()..],
            path,
            bytes,
            &mut problems,
        );
    }
    if !found && name != "default" {
        let available: Vec<&str> = sources
            .texts
            .keys()
            .filter_map(|p| p.strip_prefix("themes/")?.split('/').next())
            .collect();
        let mut diagnostic = Diagnostic::error(format!(
            "theme `{name}` not found: there is no themes/{name}/ folder"
        ))
        .in_file(crate::config::SITE_CONFIG_PATH);
        diagnostic = match crate::diagnostics::did_you_mean(name, available) {
            Some(close) => diagnostic.hint(format!("did you mean `{close}`?")),
            None => {
                diagnostic.hint("remove `theme` from site.toml to use the built-in default theme")
            }
        };
        problems.push(diagnostic);
    }
    for missing in REQUIRED_TEMPLATES
        .iter()
        .filter(|name| !theme.templates.contains_key(**name))
    {
        problems.push(
            Diagnostic::error(format!("the theme has no `{missing}` template"))
                .in_file(&format!("themes/{name}/templates/{missing}")),
        );
    }
    if problems.is_empty() {
        Ok(theme)
    } else {
        Err(problems)
    }
}

fn add(theme: &mut Theme, rel: &str, origin: &str, bytes: &[u8], problems: &mut Vec<Diagnostic>) {
    if let Some(name) = rel.strip_prefix("templates/") {
        let text = String::from_utf8_lossy(bytes).into_owned();
        theme.templates.insert(
            name.to_string(),
            Template {
                origin: origin.to_string(),
                text,
            },
        );
    } else if let Some(asset) = rel.strip_prefix("static/") {
        theme.assets.insert(asset.to_string(), bytes.to_vec());
    } else if let Some(file) = rel.strip_prefix("i18n/") {
        let Some(language) = file.strip_suffix(".toml") else {
            return;
        };
        let text = String::from_utf8_lossy(bytes);
        match toml_data::parse::<BTreeMap<String, String>>(&text, Embedding::whole(origin, &text)) {
            Ok(strings) => theme
                .translations
                .entry(language.to_string())
                .or_default()
                .extend(strings),
            Err(d) => problems.extend(d),
        }
    }
}

fn embedded_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(embedded_files(sub));
    }
    files.sort_by_key(|f| f.path());
    files
}

/// Warnings for translation files that lack keys of the English one (English text is used).
pub fn missing_translations(theme: &Theme) -> Vec<Diagnostic> {
    let Some(english) = theme.translations.get("en") else {
        return Vec::new();
    };
    theme
        .translations
        .iter()
        .filter(|(language, _)| language.as_str() != "en")
        .filter_map(|(language, strings)| {
            let missing: Vec<&str> = english
                .keys()
                .filter(|k| !strings.contains_key(*k))
                .map(String::as_str)
                .collect();
            (!missing.is_empty()).then(|| {
                let shown: Vec<&str> = missing.iter().take(5).copied().collect();
                Diagnostic::warning(format!(
                    "the `{language}` translation lacks {} key{} ({}{}); English is used for them",
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    shown.join(", "),
                    if missing.len() > 5 { ", …" } else { "" }
                ))
                .in_file(&format!("i18n/{language}.toml"))
                .hint(format!(
                    "add the keys to themes/<theme>/i18n/{language}.toml"
                ))
            })
        })
        .collect()
}
