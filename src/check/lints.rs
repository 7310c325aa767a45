//! Lints over the loaded site that loading alone does not enforce.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::diagnostics::Diagnostic;
use crate::legal::cookies::{Origin, ResourceKind};
use crate::legal::csp::Policy;
use crate::links::is_email;
use crate::model::Site;

/// Chapter data: valid e-mail addresses, officer roles from the configured list, a
/// `site_url` for chapters deployed standalone.
pub fn chapters(site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let roles = &site.config.check.officer_roles;
    for chapter in site.chapters.values() {
        let text = &chapter.file_text;
        let path = &chapter.source_path;
        let locate = |needle: &str| text.find(needle).unwrap_or(0);
        let contact = &chapter.data.contact.email;
        if !is_email(contact) {
            problems.push(
                Diagnostic::error(format!(
                    "the contact address `{contact}` is not a valid e-mail address"
                ))
                .at(path, text, locate(contact))
                .hint("write it as name@example.org"),
            );
        }
        for officer in &chapter.data.officers {
            if let Some(email) = &officer.email
                && !is_email(email)
            {
                problems.push(
                    Diagnostic::error(format!(
                        "officer {}'s address `{email}` is not a valid e-mail address",
                        officer.name
                    ))
                    .at(path, text, locate(email))
                    .hint("write it as name@example.org"),
                );
            }
            if !roles.iter().any(|r| r == &officer.role) {
                let mut d = Diagnostic::warning(format!(
                    "officer {} has the role `{}`, which is not in the list of roles",
                    officer.name, officer.role
                ))
                .at(path, text, locate(&format!("\"{}\"", officer.role)));
                d = match crate::diagnostics::did_you_mean(&officer.role, roles.iter().map(String::as_str)) {
                    Some(close) => d.hint(format!("did you mean `{close}`? The roles are set by `[check] officer_roles` in data/site.toml")),
                    None => d.hint(format!("use one of: {}; or add it to `[check] officer_roles` in data/site.toml", roles.join(", "))),
                };
                problems.push(d);
            }
        }
        if chapter.data.officers.is_empty() {
            problems.push(
                Diagnostic::warning(format!("chapter `{}` lists no officers", chapter.slug))
                    .in_file(path)
                    .hint("add `[[officers]]` tables so members know whom to ask"),
            );
        }
        let standalone = site
            .config
            .check
            .standalone_chapters
            .iter()
            .any(|s| s == chapter.slug.as_str());
        if standalone && chapter.data.site_url.is_none() {
            problems.push(
                Diagnostic::error(format!(
                    "chapter `{}` is deployed standalone but has no `site_url`",
                    chapter.slug
                ))
                .in_file(path)
                .hint("add `site_url = \"https://…/\"`, the address its own site is served from"),
            );
        }
    }
    for slug in &site.config.check.standalone_chapters {
        if !site.chapters.keys().any(|k| k.as_str() == slug) {
            problems.push(
                Diagnostic::error(format!(
                    "`[check] standalone_chapters` names `{slug}`, which is not a chapter"
                ))
                .in_file(crate::config::SITE_CONFIG_PATH)
                .hint("use the slug of a file in data/chapters/"),
            );
        }
    }
    problems
}

/// Two sites may not be served from one address: each chapter's `site_url` differs from
/// every other chapter's and from the organisation's `base_url` (one would overwrite the
/// other when deployed).
pub fn shared_site_urls(site: &Site) -> Vec<Diagnostic> {
    let mut by_url: BTreeMap<String, Vec<&crate::model::Chapter>> = BTreeMap::new();
    for chapter in site.chapters.values() {
        if let Some(url) = &chapter.data.site_url {
            by_url.entry(url.as_str()).or_default().push(chapter);
        }
    }
    let organisation = site.config.base_url.as_str();
    let mut problems = Vec::new();
    for (url, chapters) in &by_url {
        let is_organisation = *url == organisation;
        if chapters.len() < 2 && !is_organisation {
            continue;
        }
        for chapter in chapters {
            let mut others: Vec<String> = chapters
                .iter()
                .filter(|c| c.slug != chapter.slug)
                .map(|c| c.source_path.clone())
                .collect();
            if is_organisation {
                others.push(format!(
                    "the organisation ({})",
                    crate::config::SITE_CONFIG_PATH
                ));
            }
            let text = &chapter.file_text;
            let at = text.find("site_url").unwrap_or(0);
            problems.push(
                Diagnostic::error(format!(
                    "chapter `{}` is served from {url}, as is {}",
                    chapter.slug,
                    others.join(" and ")
                ))
                .at(&chapter.source_path, text, at)
                .hint("give each standalone site its own address"),
            );
        }
    }
    problems
}

/// Fetches external links (HEAD, then GET when HEAD is refused); each failure is an error
/// naming the pages that link to it.
pub fn fetch_external(
    external: &BTreeMap<String, BTreeSet<String>>,
    timeout_seconds: u64,
) -> Vec<Diagnostic> {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(timeout_seconds)))
        .http_status_as_error(false)
        .build();
    let agent: ureq::Agent = config.into();
    let mut problems = Vec::new();
    for (url, origins) in external {
        let url_for_request = if url.starts_with("//") {
            format!("https:{url}")
        } else {
            url.clone()
        };
        let status = match agent.head(&url_for_request).call() {
            Ok(response) if response.status().as_u16() < 400 => Ok(response.status().as_u16()),
            _ => agent
                .get(&url_for_request)
                .call()
                .map(|r| r.status().as_u16())
                .map_err(|e| e.to_string()),
        };
        let failure = match status {
            Ok(code) if code < 400 => None,
            Ok(code) => Some(format!("HTTP {code}")),
            Err(e) => Some(e),
        };
        if let Some(reason) = failure {
            for origin in origins {
                problems.push(
                    Diagnostic::error(format!("external link `{url}` failed: {reason}"))
                        .in_file(origin)
                        .hint("update or remove the link; run without --external to skip fetching"),
                );
            }
        }
    }
    problems
}

/// Privacy: `last_updated` not in the future and not older than the configured age.
pub fn privacy(site: &Site, now: jiff::Timestamp) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let privacy = &site.legal.privacy;
    let path = crate::legal::privacy::PRIVACY_PATH;
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let last = privacy.last_updated();
    let located = |d: Diagnostic| d.in_file(path);
    if last > today {
        problems.push(
            located(Diagnostic::error(format!(
                "`last_updated` ({last}) is in the future"
            )))
            .hint("set it to the date the policy actually changed"),
        );
    }
    let max_age = site.config.check.privacy_max_age_days;
    if let Ok(age) = today.since(last)
        && age.get_days() > max_age
    {
        problems.push(
            located(Diagnostic::warning(format!(
                "the privacy policy was last updated on {last}, more than {max_age} days ago"
            )))
            .hint("review the policy; if nothing changed, confirm it by updating `last_updated` (the limit is `[check] privacy_max_age_days`)"),
        );
    }
    problems
}

/// Cookies and scripts: every declared host is used, else a warning (unless it serves what
/// HTML does not show: fonts, beacons). A resource from a host the policy does not allow is
/// a link problem, found by `build` as well. A standalone chapter's site shares the
/// organisation's inventory but has only its own pages, so it is not told to remove hosts.
pub fn third_parties(
    site: &Site,
    pages: &BTreeMap<String, crate::links::CheckedPage>,
    root_url: &str,
    standalone: bool,
) -> Vec<Diagnostic> {
    if standalone {
        return Vec::new();
    }
    let cookies = &site.legal.cookies;
    let policy = Policy::new(cookies);
    let own = Origin::of_url(root_url);
    let mut used: BTreeSet<Origin> = BTreeSet::new();
    let mut problems = Vec::new();
    for page in pages.values() {
        for (tag, url) in &page.third_party {
            // Compared as parsed origins: `https://stats.example` is not a prefix match of
            // `https://stats.example.evil.net`, and `HTTPS://Stats.Example:443` is it.
            let Some(origin) = Origin::of_url(url) else {
                continue;
            };
            if own.as_ref() == Some(&origin) {
                continue;
            }
            let kind = ResourceKind::of_tag(tag);
            if kind.is_some_and(|k| policy.allows(k, &origin)) {
                used.insert(origin);
            }
        }
    }
    for service in &cookies.services {
        let s = service.get_ref();
        // A host named as receiving beacons or serving fonts is needed though no page shows it.
        let invisible = s.serves.iter().any(|k| k.invisible_in_html());
        for host in &s.hosts {
            if !used.contains(host) && !invisible {
                problems.push(
                    Diagnostic::warning(format!("service `{}` declares the host {host}, but no page loads anything from it", s.id))
                        .in_file(crate::legal::cookies::COOKIES_PATH)
                        .hint("remove the host (and the service, if unused) so the cookie policy stays accurate; a host that only receives beacons or serves fonts says so with `serves = [\"connect\"]` or `[\"font\"]`"),
                );
            }
        }
    }
    problems
}

/// Schedules: one function described with different retention in two schedules.
pub fn schedules(site: &Site) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    let mut problems = Vec::new();
    for schedule in &site.legal.schedules {
        for row in &schedule.data.rows {
            let (function, retention) = (row.function.as_str(), row.retention.get_ref().as_str());
            match seen.get(function) {
                Some((other, earlier)) if *other != schedule.id && *earlier != retention => problems.push(
                    Diagnostic::warning(format!(
                        "`{function}` has different retention in schedules `{other}` (\"{earlier}\") and `{}` (\"{retention}\")",
                        schedule.id
                    ))
                    .in_file(&schedule.source_path)
                    .hint("one function should be kept for one period; align the schedules or name the functions differently"),
                ),
                Some(_) => {}
                None => {
                    seen.insert(function, (&schedule.id, retention));
                }
            }
        }
    }
    problems
}

/// Translations of the legal data that may be out of date: each records, as
/// `translation_of`, the fingerprint of the original's texts it was made from, and one
/// whose original changed since (or that records none) is reported for review.
pub fn translations(site: &Site) -> Vec<Diagnostic> {
    use crate::legal::translation::TRANSLATION_OF;
    let mut problems = Vec::new();
    for translated in site.legal.translations.values() {
        for status in &translated.statuses {
            let message = match &status.recorded {
                Some(recorded) if *recorded == status.current => continue,
                Some(recorded) => format!(
                    "{} is older than {}: its texts changed since this translation (`{TRANSLATION_OF} = \"{recorded}\"`)",
                    status.path, status.original
                ),
                None => format!(
                    "{} does not say which version of {} it translates",
                    status.path, status.original
                ),
            };
            problems.push(
                Diagnostic::warning(message)
                    .in_file(&status.path)
                    .hint(format!(
                        "compare the translation with {} (e.g. `git log -p {}`), bring it up to date, then set `{TRANSLATION_OF} = \"{}\"` at its top",
                        status.original, status.original, status.current
                    )),
            );
        }
    }
    problems
}
