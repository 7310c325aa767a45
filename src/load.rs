//! Stage 1, load: source files → a typed [`Site`] plus every diagnostic found on the way.
//!
//! Each file is parsed independently and all problems are collected, so one build reports
//! every mistake at once instead of the first.

use std::collections::BTreeMap;

use crate::config::{self, SITE_CONFIG_PATH};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::model::{ChapterSlug, Notice, Scope, Site, chapter, notice, page, theme};
use crate::source::SourceTree;

pub use crate::source::paths::{CHAPTERS_DIR, CONTENT_DIR};
const CHAPTER_CONTENT_DIR: &str = "content/chapters/";

/// Loads the site; `None` when any error was found (all of them are in the diagnostics).
pub fn load(sources: &SourceTree) -> (Option<Site>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let config = load_config(sources, &mut diagnostics);
    let language = config
        .as_ref()
        .map(|c| c.language.clone())
        .unwrap_or_default();
    let chapters = load_chapters(sources, &language, &mut diagnostics);
    let (mut pages, mut notices) = load_content(sources, &mut diagnostics);
    let languages = translation_languages(config.as_ref(), &chapters);
    let wanted = crate::legal::translated::Wanted {
        languages: &languages,
        missing: config
            .as_ref()
            .map(|c| c.missing_translation)
            .unwrap_or_default(),
    };
    let legal = crate::legal::load(sources, &chapters, &wanted, &mut diagnostics);
    let mut fragments = BTreeMap::new();
    if let Some(legal) = &legal {
        fragments = take_privacy_sections(legal, &mut pages, sources, &mut diagnostics);
        fragments.extend(take_translated_sections(
            legal,
            &wanted,
            &mut pages,
            &mut diagnostics,
        ));
        notices.extend(policy_notices(&legal.privacy));
        if let Some(policy) = sources.get(crate::legal::privacy::PRIVACY_PATH) {
            diagnostics.extend(crate::legal::privacy::rules::check_chapters(
                &legal.privacy,
                &policy.text,
                chapters.values(),
            ));
        }
    }
    // Without the legal data, translated privacy sections could not be told from pages.
    if let (Some(config), Some(_)) = (&config, &legal) {
        diagnostics.extend(unpublished_languages(config, &chapters, &pages, &notices));
    }
    notices.sort_by(|a, b| (b.front.date, &a.slug).cmp(&(a.front.date, &b.slug)));
    let theme_name = config.as_ref().map_or("default", |c| c.theme.as_str());
    let theme = load_theme(theme_name, sources, &chapters, &language, &mut diagnostics);
    let static_files = static_files(sources);
    diagnostics.extend(crate::starter::leftovers(sources));
    if let (Some(legal), Some(theme)) = (&legal, &theme) {
        diagnostics.extend(missing_scripts(legal, theme, &static_files, sources));
    }
    let site = match (config, theme, legal) {
        (Some(config), Some(theme), Some(legal)) if !diagnostics.has_errors() => Some(Site {
            config,
            chapters,
            pages,
            theme,
            static_files,
            legal,
            notices,
            fragments,
        }),
        _ => None,
    };
    (site, diagnostics)
}

/// Every language a site with its own legal pages publishes other than the legal data's
/// own (the organisation's default language): a standalone chapter site's languages. (A
/// chapter without its own `site_url` links to the organisation's legal pages, and the
/// organisation's site publishes its legal pages in its default language only so far.)
fn translation_languages(
    config: Option<&config::SiteConfig>,
    chapters: &BTreeMap<ChapterSlug, crate::model::Chapter>,
) -> Vec<crate::model::LanguageTag> {
    let Some(config) = config else {
        return Vec::new();
    };
    let mut languages: Vec<_> = chapters
        .values()
        .filter(|c| c.data.site_url.is_some())
        .flat_map(|c| c.languages.iter().cloned())
        .filter(|l| *l != config.language)
        .collect();
    languages.sort();
    languages.dedup();
    languages
}

/// Content files marked with a language (`about.fr.md`) that their site does not publish.
fn unpublished_languages(
    config: &config::SiteConfig,
    chapters: &BTreeMap<ChapterSlug, crate::model::Chapter>,
    pages: &[crate::model::Page],
    notices: &[Notice],
) -> Vec<Diagnostic> {
    let translations = pages
        .iter()
        .map(|p| {
            (
                &p.source_path,
                &p.file_text,
                &p.scope,
                p.translation.as_ref(),
            )
        })
        .chain(notices.iter().map(|n| {
            (
                &n.source_path,
                &n.file_text,
                &n.scope,
                n.translation.as_ref(),
            )
        }));
    let mut problems = Vec::new();
    for (path, text, scope, language) in translations {
        let Some(language) = language else { continue };
        problems.extend(unpublished_language(
            config, chapters, path, text, scope, language,
        ));
    }
    problems
}

fn load_config(sources: &SourceTree, diagnostics: &mut Diagnostics) -> Option<config::SiteConfig> {
    match sources.get(SITE_CONFIG_PATH) {
        Some(file) => config::parse(&file.text)
            .map_err(|d| diagnostics.extend(d))
            .ok(),
        None => {
            diagnostics.push(
                Diagnostic::error("no data/site.toml: this folder is not a chapterhouse site")
                    .in_file(SITE_CONFIG_PATH)
                    .hint("run the command from the site's root, pass `--root DIR`, or create a site with `chapterhouse init DIR`"),
            );
            None
        }
    }
}

/// One chapter per `data/chapters/<slug>.toml`.
fn load_chapters(
    sources: &SourceTree,
    language: &crate::model::LanguageTag,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<ChapterSlug, crate::model::Chapter> {
    let mut chapters = BTreeMap::new();
    for file in sources.texts_under(CHAPTERS_DIR) {
        let name = &file.path[CHAPTERS_DIR.len()..];
        let Some(stem) = name.strip_suffix(".toml").filter(|s| !s.contains('/')) else {
            diagnostics.push(
                Diagnostic::error("unexpected file among the chapter data files")
                    .in_file(&file.path)
                    .hint(
                        "data/chapters/ holds one `<slug>.toml` file per chapter and nothing else",
                    ),
            );
            continue;
        };
        let slug = match ChapterSlug::parse(stem) {
            Ok(slug) => slug,
            Err(message) => {
                diagnostics.push(
                    Diagnostic::error(message)
                        .in_file(&file.path)
                        .hint("rename the file"),
                );
                continue;
            }
        };
        match chapter::parse(slug.clone(), &file.path, &file.text, language) {
            Ok(chapter) => {
                chapters.insert(slug, chapter);
            }
            Err(problems) => diagnostics.extend(problems),
        }
    }
    chapters
}

/// The pages and notices below content/, each in its scope.
fn load_content(
    sources: &SourceTree,
    diagnostics: &mut Diagnostics,
) -> (Vec<crate::model::Page>, Vec<Notice>) {
    let known_chapters: Vec<String> = sources
        .texts_under(CHAPTERS_DIR)
        .filter_map(|f| {
            f.path[CHAPTERS_DIR.len()..]
                .strip_suffix(".toml")
                .map(str::to_string)
        })
        .collect();

    let mut pages = Vec::new();
    let mut notices = Vec::new();
    for file in sources.texts_under(CONTENT_DIR) {
        if !file.path.ends_with(".md") {
            diagnostics.push(
                Diagnostic::warning("not a markdown page; it is ignored")
                    .in_file(&file.path)
                    .hint("put files to copy verbatim under static/"),
            );
            continue;
        }
        let scope = match chapter_of(&file.path) {
            None => Scope::Organisation,
            Some(slug_text) => match ChapterSlug::parse(slug_text) {
                Ok(slug) if known_chapters.iter().any(|k| k == slug_text) => Scope::Chapter(slug),
                _ => {
                    let mut d = Diagnostic::error(format!(
                        "page belongs to chapter `{slug_text}`, but there is no data/chapters/{slug_text}.toml"
                    ))
                    .in_file(&file.path);
                    d = match did_you_mean(slug_text, known_chapters.iter().map(String::as_str)) {
                        Some(close) => d.hint(format!("did you mean the chapter `{close}`?")),
                        None => d.hint(format!("create data/chapters/{slug_text}.toml with `chapterhouse new chapter {slug_text}`")),
                    };
                    diagnostics.push(d);
                    continue;
                }
            },
        };
        if is_notice(&file.path) {
            match notice::parse(&file.path, &file.text, scope) {
                Ok(notice) => notices.push(notice),
                Err(problems) => diagnostics.extend(problems),
            }
            continue;
        }
        match page::parse(&file.path, &file.text, scope) {
            Ok(page) => pages.push(page),
            Err(problems) => diagnostics.extend(problems),
        }
    }
    (pages, notices)
}

/// A translation (`about.fr.md`) must be into a language its site or chapter publishes,
/// other than the default (whose pages have no suffix).
fn unpublished_language(
    config: &config::SiteConfig,
    chapters: &BTreeMap<ChapterSlug, crate::model::Chapter>,
    path: &str,
    text: &str,
    scope: &Scope,
    language: &crate::model::LanguageTag,
) -> Option<Diagnostic> {
    let (languages, whose, file) = match scope {
        Scope::Organisation => (
            config.languages(),
            "the site".to_string(),
            SITE_CONFIG_PATH.to_string(),
        ),
        Scope::Chapter(slug) => {
            let chapter = chapters.get(slug)?;
            (
                chapter.languages.clone(),
                format!("chapter `{slug}`"),
                chapter.source_path.clone(),
            )
        }
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    let tag = language.as_str();
    let plain = name.replace(&format!(".{tag}.md"), ".md");
    if languages.first() == Some(language) {
        return Some(
            Diagnostic::error(format!(
                "`{name}` is marked `{tag}`, the default language of {whose}"
            ))
            .at(path, text, 0)
            .hint(format!(
                "a page in the default language has no language suffix: rename it to `{plain}`"
            )),
        );
    }
    if languages.contains(language) {
        return None;
    }
    let listed: Vec<&str> = languages.iter().map(|l| l.as_str()).collect();
    Some(
        Diagnostic::error(format!("`{name}` is a translation into `{tag}`, which {whose} does not publish"))
            .at(path, text, 0)
            .hint(format!(
                "{whose} publishes {} (`languages` in {file}); add `{tag}` there, or, if `.{tag}` is part of the name, write `{}`",
                listed.join(", "),
                name.replace(&format!(".{tag}.md"), &format!("-{tag}.md"))
            )),
    )
}

/// Markdown files merged into the privacy policy are not published as pages of their own.
fn take_privacy_sections(
    legal: &crate::legal::Legal,
    pages: &mut Vec<crate::model::Page>,
    sources: &SourceTree,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, crate::model::Page> {
    let mut fragments = BTreeMap::new();
    for section in &legal.privacy.sections {
        let wanted = section.file.get_ref();
        match pages
            .iter()
            .position(|p: &crate::model::Page| p.content_path() == wanted.as_str())
        {
            Some(i) => {
                let page = pages.remove(i);
                fragments.insert(wanted.clone(), page);
            }
            None => {
                let text = sources
                    .get(crate::legal::privacy::PRIVACY_PATH)
                    .map_or("", |f| f.text.as_str());
                diagnostics.push(
                    Diagnostic::error(format!(
                        "the privacy section file content/{wanted} does not exist"
                    ))
                    .at(
                        crate::legal::privacy::PRIVACY_PATH,
                        text,
                        section.file.span().start,
                    )
                    .hint("`file` is a markdown file below content/, e.g. \"legal/children.md\""),
                );
            }
        }
    }
    fragments
}

/// The translations of the privacy sections (`legal/children.fr.md` for
/// `legal/children.md`), one per language the legal data is translated into; a missing one
/// is reported like a missing translated text.
fn take_translated_sections(
    legal: &crate::legal::Legal,
    wanted: &crate::legal::translated::Wanted<'_>,
    pages: &mut Vec<crate::model::Page>,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, crate::model::Page> {
    let mut fragments = BTreeMap::new();
    for section in &legal.privacy.sections {
        let file = section.file.get_ref();
        let stem = file.strip_suffix(".md").unwrap_or(file);
        for language in wanted.languages {
            let wanted_path = format!("{stem}.{language}.md");
            match pages.iter().position(|p| p.content_path() == wanted_path) {
                Some(i) => {
                    fragments.insert(wanted_path, pages.remove(i));
                }
                None => {
                    let message = format!(
                        "the privacy section content/{file} has no `{language}` translation: content/{wanted_path} does not exist"
                    );
                    let diagnostic = wanted.missing.diagnostic(message);
                    diagnostics.push(diagnostic.in_file(&format!("content/{wanted_path}")).hint(
                        format!("copy content/{file} to content/{wanted_path} and translate it"),
                    ));
                }
            }
        }
    }
    fragments
}

/// The theme, and a warning for each language the site uses that it has no strings for.
fn load_theme(
    name: &str,
    sources: &SourceTree,
    chapters: &BTreeMap<ChapterSlug, crate::model::Chapter>,
    language: &crate::model::LanguageTag,
    diagnostics: &mut Diagnostics,
) -> Option<crate::model::Theme> {
    let theme = theme::load(name, sources)
        .map_err(|p| diagnostics.extend(p))
        .ok();
    if let Some(theme) = &theme {
        diagnostics.extend(theme::missing_translations(theme));
        let used: std::collections::BTreeSet<String> = chapters
            .values()
            .map(|c: &crate::model::Chapter| c.language.primary().to_string())
            .chain(std::iter::once(language.primary().to_string()))
            .collect();
        for lang in used {
            if !theme.translations.contains_key(&lang) {
                diagnostics.push(
                    Diagnostic::warning(format!("the theme has no `{lang}` translation; its pages use English interface text"))
                        .in_file(&format!("i18n/{lang}.toml"))
                        .hint(format!("add themes/<theme>/i18n/{lang}.toml with the keys of en.toml")),
                );
            }
        }
    }
    theme
}

/// Files below static/, copied as they are: (path below static/, bytes).
fn static_files(sources: &SourceTree) -> Vec<(String, Vec<u8>)> {
    sources
        .assets
        .iter()
        .filter_map(|(path, bytes)| {
            Some((path.strip_prefix("static/")?.to_string(), bytes.clone()))
        })
        .chain(sources.texts_under("static/").map(|f| {
            (
                f.path["static/".len()..].to_string(),
                f.text.clone().into_bytes(),
            )
        }))
        .collect()
}

/// A first-party script that cookies.toml declares must be a file of the site (below
/// static/ or the theme): reported once, at its line, not as a broken link on every page.
fn missing_scripts(
    legal: &crate::legal::Legal,
    theme: &crate::model::Theme,
    static_files: &[(String, Vec<u8>)],
    sources: &SourceTree,
) -> Vec<Diagnostic> {
    let path = crate::legal::cookies::COOKIES_PATH;
    let text = sources.get(path).map_or("", |f| f.text.as_str());
    let exists = |site_path: &str| {
        theme.assets.contains_key(site_path) || static_files.iter().any(|(p, _)| p == site_path)
    };
    let mut problems = Vec::new();
    for service in &legal.cookies.services {
        let service = service.get_ref();
        for script in &service.scripts {
            let Some(site_path) = script.strip_prefix('/').filter(|p| !p.starts_with('/')) else {
                continue;
            };
            if exists(site_path) {
                continue;
            }
            let offset = text.find(&format!("\"{script}\"")).map_or(0, |o| o + 1);
            problems.push(
                Diagnostic::error(format!(
                    "service `{}` loads `{script}`, which is not a file of the site",
                    service.id
                ))
                .at(path, text, offset)
                .hint(format!("add static/{site_path}, or correct the path")),
            );
        }
    }
    problems
}

/// A "Privacy policy updated" notice for each material change of the privacy policy.
fn policy_notices(privacy: &crate::legal::Privacy) -> Vec<Notice> {
    privacy
        .material_changes()
        .into_iter()
        .map(|change| {
            let front = notice::NoticeFrontMatter {
                title: "Privacy policy updated".to_string(),
                date: change.date,
                expires: None,
                kind: notice::NoticeKind::Policy,
                pinned: false,
                summary: change.summary.to_string(),
                agm: None,
                effective: change.effective.as_ref().map(|e| *e.get_ref()),
            };
            let slug = format!("privacy-policy-updated-{}", change.date.0);
            Notice::generated(crate::legal::privacy::PRIVACY_PATH, slug, front, "privacy/")
        })
        .collect()
}

/// `content/chapters/<slug>/…` → `<slug>`.
fn chapter_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(CHAPTER_CONTENT_DIR)?;
    let (slug, _) = rest.split_once('/')?;
    Some(slug)
}

fn is_notice(path: &str) -> bool {
    let rel = &path[CONTENT_DIR.len()..];
    rel.starts_with("notices/")
        || chapter_of(path)
            .is_some_and(|slug| rel[format!("chapters/{slug}/").len()..].starts_with("notices/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "title = \"I\"\nbase_url = \"https://example.org/\"\n[controller]\nname = \"I\"\naddress = \"A\"\nemail = \"p@example.org\"\n";

    #[test]
    fn all_errors_of_all_files_are_reported() {
        let sources = SourceTree::from_memory(crate::scaffold::STARTER_LEGAL.into_iter().chain([
            ("data/site.toml", SITE),
            ("data/chapters/Bad Name.toml", "name = 1"),
            ("content/a.md", "+++\ntitle = \"A\"\n"),
            ("content/b.md", "+++\ntitel = \"B\"\n+++\n"),
            ("content/chapters/nowhere/x.md", "+++\ntitle = \"X\"\n+++\n"),
        ]));
        let (site, diagnostics) = load(&sources);
        assert!(site.is_none());
        let text = diagnostics.to_string();
        assert_eq!(diagnostics.error_count(), 4, "{text}");
        assert!(text.contains("content/a.md:1:1"), "{text}");
        assert!(text.contains("content/b.md:2:1"), "{text}");
        assert!(text.contains("no data/chapters/nowhere.toml"), "{text}");
        assert!(text.contains("not a valid chapter slug"), "{text}");
    }

    #[test]
    fn missing_site_toml_says_how_to_start() {
        let (site, diagnostics) = load(&SourceTree::default());
        assert!(site.is_none());
        assert!(diagnostics.to_string().contains("chapterhouse init"));
    }

    #[test]
    fn a_site_without_themes_folder_gets_the_embedded_theme() {
        let files = crate::scaffold::STARTER_LEGAL
            .into_iter()
            .chain([("data/site.toml", SITE)]);
        let (site, diagnostics) = load(&SourceTree::from_memory(files));
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        assert!(site.unwrap().theme.templates.contains_key("base.html"));
    }
}
