//! Turning source names into output paths: page URLs from file names and `slug`, alias
//! outputs, and the check that a path stays below the output folder.

use crate::diagnostics::Diagnostic;

/// The URL path of a page: its folders and file name, each slugified, ending in `/`.
///
/// `content/about.md` → `about/`; `content/chapters/paris/réunions.md` → `chapters/paris/reunions/`;
/// `_index.md` and `index.md` stand for their folder.
pub fn page_url(page: &crate::model::Page) -> Result<String, Diagnostic> {
    let rel = page.original_path();
    let without_ext = rel.strip_suffix(".md").unwrap_or(&rel);
    let mut segments: Vec<&str> = without_ext.split('/').collect();
    let file = segments.pop().unwrap_or("");
    let mut url = String::new();
    for folder in segments {
        let segment = slug::slugify(folder);
        if segment.is_empty() {
            return Err(Diagnostic::error(format!(
                "the folder name `{folder}` gives an empty URL segment"
            ))
            .in_file(&page.source_path)
            .hint("use letters or digits in folder names"));
        }
        url.push_str(&segment);
        url.push('/');
    }
    if page.is_index {
        return Ok(url);
    }
    let (last, from_front_matter) = match &page.front.slug {
        Some(slug) => (slug.as_str(), true),
        None => (file, false),
    };
    let segment = slug::slugify(last);
    if segment.is_empty() {
        let message = format!("`{last}` gives an empty URL segment");
        return Err(if from_front_matter {
            page.error_at_key("slug", message)
                .hint("set `slug` to letters, digits and hyphens, e.g. `slug = \"annual-report\"`")
        } else {
            Diagnostic::error(message)
                .in_file(&page.source_path)
                .hint("rename the file using letters or digits")
        });
    }
    url.push_str(&segment);
    url.push('/');
    Ok(url)
}

/// `"/about-us/"` → `about-us/index.html`; `"/old.html"` → `old.html`. Refuses escapes.
pub fn alias_output(alias: &str) -> Result<String, String> {
    if alias.contains("://") || alias.starts_with("//") {
        return Err(format!(
            "alias `{alias}` is a full URL, not a path on this site"
        ));
    }
    if alias.contains(['?', '#']) || alias.chars().any(char::is_control) {
        return Err(format!(
            "alias `{}` holds `?`, `#` or a control character, so no address can reach it",
            alias.escape_debug()
        ));
    }
    let path = alias.trim_start_matches('/');
    safe_relative_path(path.trim_end_matches('/')).map_err(|m| format!("alias `{alias}`: {m}"))?;
    if path.is_empty() {
        return Err(format!("alias `{alias}` would replace the home page"));
    }
    Ok(if path.ends_with(".html") {
        path.to_string()
    } else {
        format!("{}/index.html", path.trim_end_matches('/'))
    })
}

/// A path is safe to write below the output folder: relative, no `..`, no backslash, no NUL.
pub fn safe_relative_path(path: &str) -> Result<(), String> {
    if path.starts_with('/') || path.contains('\\') || path.contains('\0') || path.contains(':') {
        return Err(format!("`{path}` is not a plain relative path"));
    }
    if path
        .split('/')
        .any(|s| s == ".." || s == "." || s.is_empty() && !path.is_empty())
    {
        return Err(format!("`{path}` contains `..`, `.` or an empty segment"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_cannot_escape() {
        assert_eq!(alias_output("/about-us/").unwrap(), "about-us/index.html");
        assert_eq!(alias_output("old/page.html").unwrap(), "old/page.html");
        assert!(alias_output("/../etc/").is_err());
        assert!(alias_output("a\\..\\b").is_err());
        assert!(alias_output("https://evil.example/").is_err());
        assert!(alias_output("/").is_err());
    }
}
