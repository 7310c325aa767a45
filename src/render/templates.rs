//! The theme's templates: parsed once, with errors mapped to the template file and line,
//! and the translation keys each template can reach (so a page's context carries only those).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::plan::Plan;

use super::escape_html;

/// (language, template) → the translations that template uses.
pub type TranslationSubsets = HashMap<(String, String), BTreeMap<String, String>>;

/// The translation keys a template uses and the templates it pulls in.
type TemplateScan = Option<(std::collections::BTreeSet<String>, Vec<String>)>;

/// For each language and template, the translation keys the template can reach (its own
/// `t.key` uses and those of templates it extends, includes or imports). A template that uses
/// `t` in a way this scan cannot follow gets the whole table (it is left out of the map).
pub fn translation_subsets(site: &Site, plan: &Plan) -> TranslationSubsets {
    let templates = &site.theme.templates;
    let direct: HashMap<&str, TemplateScan> = templates
        .iter()
        .map(|(name, template)| (name.as_str(), scan_template(&template.text)))
        .collect();
    let mut languages: Vec<String> = plan
        .routes
        .iter()
        .map(|r| r.language.primary().to_string())
        .collect();
    languages.sort();
    languages.dedup();
    let mut subsets = HashMap::new();
    for name in templates.keys() {
        let mut keys = BTreeSet::new();
        let mut stack = vec![name.clone()];
        let mut seen = BTreeSet::new();
        let mut complete = true;
        while let Some(current) = stack.pop() {
            if !seen.insert(current.clone()) {
                continue;
            }
            match direct.get(current.as_str()) {
                Some(Some((own, parents))) => {
                    keys.extend(own.iter().cloned());
                    stack.extend(parents.iter().cloned());
                }
                _ => complete = false,
            }
        }
        if !complete {
            continue;
        }
        for language in &languages {
            let all = site.theme.strings(language);
            let subset = all.into_iter().filter(|(k, _)| keys.contains(k)).collect();
            subsets.insert((language.clone(), name.clone()), subset);
        }
    }
    subsets
}

/// The `t.key` names a template uses and the templates it pulls in; `None` when `t` is used
/// in another way (indexed, passed on, assigned).
fn scan_template(text: &str) -> TemplateScan {
    let mut keys = BTreeSet::new();
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    for (at, _) in text.match_indices('t') {
        let before = if at == 0 { b' ' } else { bytes[at - 1] };
        let after = bytes.get(at + 1).copied().unwrap_or(b' ');
        if is_ident(before) || before == b'.' || is_ident(after) {
            continue;
        }
        // A standalone `t`: only `t.key` is understood.
        if after != b'.' {
            let inside =
                |open: &str, close: &str| match (text[..at].rfind(open), text[..at].rfind(close)) {
                    (Some(o), Some(c)) => o > c,
                    (Some(_), None) => true,
                    _ => false,
                };
            if inside("{{", "}}") || inside("{%", "%}") {
                return None;
            }
            continue;
        }
        let key: String = text[at + 2..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .map(char::from)
            .collect();
        if !key.is_empty() {
            keys.insert(key);
        }
    }
    let mut parents = Vec::new();
    for tag in ["extends", "include", "import"] {
        for (at, _) in text.match_indices(&format!("{{% {tag} \"")) {
            let rest = &text[at + tag.len() + 5..];
            if let Some(end) = rest.find('"') {
                parents.push(rest[..end].to_string());
            }
        }
    }
    Some((keys, parents))
}

/// Parses all templates once; errors name the template file and line.
pub fn parse_templates(site: &Site) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    super::template_guard::harden(&mut tera);
    if let Some(cycle) = super::template_guard::find_include_cycle(&site.theme.templates) {
        let origin = |name: &str| site.theme.templates.get(name).map(|t| t.origin.clone());
        return Err(vec![super::template_guard::cycle_error(&cycle, origin)]);
    }
    let templates: Vec<(&str, &str)> = site
        .theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.text.as_str()))
        .collect();
    if let Err(err) = tera.add_raw_templates(templates) {
        let (origin, message) = describe_tera_error(site, &err);
        let mut diagnostic = Diagnostic::error(message.clone()).in_file(&origin);
        if let Some((line, col)) = pest_position(&message)
            && let Some(location) = diagnostic.location.as_mut()
        {
            location.line = line;
            location.col = col;
        }
        return Err(vec![diagnostic
            .hint("fix the template syntax; Tera's syntax is described at https://keats.github.io/tera/docs/")]);
    }
    Ok(tera)
}

fn describe_tera_error(site: &Site, err: &tera::Error) -> (String, String) {
    let mut parts = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    let message = parts.join(": ").replace('\n', " ");
    let origin = site
        .theme
        .templates
        .iter()
        .find(|(name, _)| message.contains(&format!("'{name}'")))
        .map_or_else(|| "themes".to_string(), |(_, t)| t.origin.clone());
    (
        origin,
        message.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

/// Tera's parse errors carry the position as `--> 22:18`.
fn pest_position(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find("--> ")? + 4..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit() && c != ':')
        .unwrap_or(rest.len());
    let (line, col) = rest[..end].split_once(':')?;
    Some((line.parse().ok()?, col.parse().ok()?))
}

pub fn template_error(
    site: &Site,
    template: &str,
    origin: &crate::plan::RouteOrigin,
    err: &tera::Error,
) -> Diagnostic {
    let (_, message) = describe_tera_error(site, err);
    let file = site
        .theme
        .templates
        .get(template)
        .map_or(template.to_string(), |t| t.origin.clone());
    Diagnostic::error(format!("{message} (rendering {origin})"))
        .in_file(&file)
        .hint("a template refers to something the page does not have; check the variable names")
}

#[cfg(test)]
mod tests {
    use super::scan_template;

    #[test]
    fn template_scan_finds_keys_and_parents() {
        let (keys, parents) = scan_template("{% extends \"base.html\" %}{{ t.home }} {% if x %}{{ t.notices_feed }}{% endif %} at.x").expect("understood");
        assert_eq!(
            keys.into_iter().collect::<Vec<_>>(),
            ["home", "notices_feed"]
        );
        assert_eq!(parents, ["base.html"]);
        assert!(
            scan_template("{{ t[\"home\"] }}").is_none(),
            "indexing falls back to the whole table"
        );
        assert!(scan_template("{% set s = t %}").is_none());
    }
}
