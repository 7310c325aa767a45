//! `init`, `new chapter` and `new notice`: files a volunteer starts from.
//!
//! Scaffolds never overwrite: an existing file or a non-empty folder is refused.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::model::ChapterSlug;

const STARTER_SITE: &str = r#"# The organisation: every field is described in the chapterhouse README.
title = "My Institute"
description = "A professional institute and its local chapters."
base_url = "https://example.org/"
language = "en"

# The data controller named on the privacy page.
[controller]
name = "My Institute"
address = "1 Example Street, Example Town"
email = "privacy@example.org"

[build]
raw_html = "sanitize"
"#;

/// The legal data every site needs, in its smallest valid form: only strictly necessary
/// storage (so no consent banner), one purpose, one schedule, a short code and oath.
pub const STARTER_LEGAL: [(&str, &str); 4] = [
    (
        "data/privacy.toml",
        r#"last_updated = 2026-01-01
jurisdiction = "uk"
rights = ["access", "rectification", "erasure", "restriction", "portability", "objection"]
automated_decision_making = "We make no decisions about you by automated means alone."
# Who receives personal data and where it goes: tables of entries, or "none".
recipients = "none"
transfers = "none"
representatives = "none"

[retention]
default = "Six years after your membership ends."

[[purposes]]
id = "membership"
name = "Administering your membership"
description = "Keeping the register of members and contacting you about your membership."
data_subjects = ["members"]
data = ["name", "email address"]
legal_bases = ["contract"]
requirement = "contractual"
if_not_provided = "We cannot admit you as a member."

[supervisory_authority]
name = "Information Commissioner's Office"
url = "https://ico.org.uk/make-a-complaint/"
"#,
    ),
    (
        "data/cookies.toml",
        r#"revision = 1

[[cookies]]
name = "chapterhouse-consent"
provider = "This site (local storage)"
category = "strictly_necessary"
purpose = "Remembers your cookie choice"
duration = "Until you clear your browser's storage"
party = "first"
"#,
    ),
    (
        "data/schedules/membership.toml",
        r#"title = "Data-processing schedule: membership"
service = "Membership"
definition = "Membership of the institute and its chapters."

[[rows]]
function = "Membership register"
purpose = "Keeping the register of members"
processing = "Application forms are entered into the membership database"
personal_data = "Name, email address"
reason = "Needed to administer membership"
data_subjects = "Members"
measures = "Access limited to named officers"
retention = "Six years after membership ends"
serves = "membership"
recipients = []
"#,
    ),
    (
        "data/ethics.toml",
        r#"version = "1.0"
adopted = 2026-01-01
preamble = "Members of the institute agree to this code on admission."

[[commitments]]
title = "Integrity"
text = "I act honestly and never alter a record to mislead."

[oath]
text = ["I promise to care for the records entrusted to me and to uphold the code of ethics."]
signature_lines = ["Signature", "Name", "Date"]
"#,
    ),
];

const STARTER_HOME: &str =
    "+++\ntitle = \"Welcome\"\n+++\n\nWelcome to the institute. Read [about us](@/about.md).\n";
const STARTER_ABOUT: &str =
    "+++\ntitle = \"About us\"\n+++\n\n## Who we are\n\nWrite about the institute here.\n";

/// Creates a new site in `dir`, which must not exist or be empty.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Diagnostic::error(format!(
            "`{}` already exists and is not empty",
            dir.display()
        ))
        .hint("choose a new folder name; init never overwrites files"));
    }
    let mut written = Vec::new();
    for (path, text) in [
        ("data/site.toml", STARTER_SITE),
        ("content/_index.md", STARTER_HOME),
        ("content/about.md", STARTER_ABOUT),
    ]
    .into_iter()
    .chain(STARTER_LEGAL)
    {
        written.push(create(&dir.join(path), text)?);
    }
    written.extend(new_chapter(dir, "example-city")?);
    Ok(written)
}

/// Adds `data/chapters/<slug>.toml` and a first page for the chapter.
pub fn new_chapter(root: &Path, slug: &str) -> Result<Vec<PathBuf>, Diagnostic> {
    let slug = ChapterSlug::parse(slug)
        .map_err(|m| Diagnostic::error(m).hint("chapter slugs appear in URLs"))?;
    let name = title_case(slug.as_str());
    let data = format!(
        r#"name = "{name}"
country = "United Kingdom"   # outside the UK and the EEA, add the chapter to a transfer in privacy.toml
# region = "Europe"          # groups the chapters directory; defaults to the country
# language = "en"            # defaults to site.toml's language
timezone = "Europe/London"   # an IANA time zone
# site_url = "https://{slug}.example.org/"   # for `build --chapter {slug}`
description = """
The {name} chapter meets every month. Everyone is welcome.
"""

[contact]
email = "{slug}@example.org"

[[officers]]
name = "A. Volunteer"
role = "Chair"

[[meetings]]
title = "Monthly meeting"
frequency = "monthly"        # "weekly" or "monthly"
weekday = "tuesday"
week = 2                     # monthly: 1-4, or -1 for the last
start_time = "18:30"
duration_minutes = 90
location = "To be announced"
starts_on = 2026-01-13       # the date of the first meeting
"#
    );
    let page = format!(
        "+++\ntitle = \"About the {name} chapter\"\n+++\n\n## Who we are\n\nWrite about the chapter here.\n"
    );
    Ok(vec![
        create(&root.join(format!("data/chapters/{slug}.toml")), &data)?,
        create(
            &root.join(format!("content/chapters/{slug}/about.md")),
            &page,
        )?,
    ])
}

/// Adds a notice dated `today`, for the organisation or a chapter.
pub fn new_notice(
    root: &Path,
    title: &str,
    chapter: Option<&str>,
    today: jiff::civil::Date,
) -> Result<PathBuf, Diagnostic> {
    let file = slug::slugify(title);
    if file.is_empty() {
        return Err(
            Diagnostic::error(format!("the title `{title}` gives an empty file name"))
                .hint("use letters or digits in the title"),
        );
    }
    let folder = match chapter {
        None => root.join("content/notices"),
        Some(slug) => {
            let slug = ChapterSlug::parse(slug).map_err(Diagnostic::error)?;
            if !root.join(format!("data/chapters/{slug}.toml")).is_file() {
                return Err(
                    Diagnostic::error(format!("there is no chapter `{slug}`")).hint(format!(
                        "create it first with `chapterhouse new chapter {slug}`"
                    )),
                );
            }
            root.join(format!("content/chapters/{slug}/notices"))
        }
    };
    let text = format!(
        "+++\ntitle = {}\ndate = {today}\nkind = \"general\"   # general, agm, policy or event\nsummary = \"\"\n+++\n\nWrite the notice here.\n",
        toml_string(title)
    );
    create(&folder.join(format!("{today}-{file}.md")), &text)
}

fn create(path: &Path, text: &str) -> Result<PathBuf, Diagnostic> {
    let shown = path.display().to_string();
    if path.exists() {
        return Err(Diagnostic::error(format!("`{shown}` already exists"))
            .hint("scaffolds never overwrite; edit the file instead"));
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(format!("cannot create `{}`: {e}", parent.display())))?;
    }
    fs::write(path, text).map_err(|e| Diagnostic::error(format!("cannot write `{shown}`: {e}")))?;
    Ok(path.to_path_buf())
}

fn title_case(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
