//! Every problem of a data file is reported in one build, each at its own file:line:col,
//! and a value of the wrong type gets a hint showing the form the field expects.

mod common;

use common::*;

/// The `path:line:col: error: message` lines of a failed build, in order.
fn error_lines(files: &[(&str, &str)]) -> Vec<String> {
    build_errors(files)
        .lines()
        .filter(|line| line.contains(": error: "))
        .map(str::to_string)
        .collect()
}

fn privacy_toml() -> String {
    let (_, text) = chapterhouse::scaffold::STARTER_LEGAL
        .into_iter()
        .find(|(path, _)| *path == "data/privacy.toml")
        .unwrap();
    text.to_string()
}

/// `from` replaced by `to` in `text`; panics if `from` is not there.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` is not in {text}");
    text.replacen(from, to, 1)
}

#[test]
fn three_problems_of_privacy_toml_are_reported_in_one_build() {
    let text = privacy_toml();
    let text = edit(&text, "last_updated = 2026-01-01", "last_updated = \"\"");
    let text = edit(
        &text,
        "automated_decision_making = \"We make no decisions about you by automated means alone.\"\n",
        "",
    );
    let text = edit(&text, "[retention]\n", "[retention]\nkept = \"forever\"\n");
    let errors = error_lines(&[("data/site.toml", SITE_TOML), ("data/privacy.toml", &text)]);
    assert_eq!(
        errors,
        [
            "data/privacy.toml:1:1: error: missing field `automated_decision_making`",
            "data/privacy.toml:1:16: error: invalid type: string \"\", expected a TOML datetime",
            "data/privacy.toml:10:1: error: unknown field `kept`, expected `default` or `exceptions`",
        ],
    );
    let full = build_errors(&[("data/site.toml", SITE_TOML), ("data/privacy.toml", &text)]);
    assert!(
        full.contains(
            "= hint: write the date without quotes: `last_updated = 2026-10-01` (a date and time: `2027-01-21T18:00:00`)"
        ),
        "{full}"
    );
    assert!(
        full.contains("= hint: add `automated_decision_making` here; it is required"),
        "{full}"
    );
}

#[test]
fn a_blank_date_gets_the_date_hint_and_nothing_else() {
    let text = edit(
        &privacy_toml(),
        "last_updated = 2026-01-01",
        "last_updated = \"\"",
    );
    let full = build_errors(&[("data/site.toml", SITE_TOML), ("data/privacy.toml", &text)]);
    assert_eq!(
        full,
        "data/privacy.toml:1:16: error: invalid type: string \"\", expected a TOML datetime\n  |\n1 | last_updated = \"\"\n  |                ^\n  = hint: write the date without quotes: `last_updated = 2026-10-01` (a date and time: `2027-01-21T18:00:00`)\n",
    );
}

#[test]
fn problems_in_lists_of_tables_are_each_reported_once() {
    let text = edit(
        &privacy_toml(),
        "legal_bases = [\"contract\"]",
        "legal_bases = \"contract\"",
    );
    let text = edit(&text, "id = \"membership\"\n", "");
    let text = text.replace(
        "[supervisory_authority]",
        "[[purposes]]\nid = \"Events\"\nname = 3\ndescription = \"Running events.\"\ndata_subjects = [\"members\"]\ndata = [\"name\"]\nlegal_bases = [\"contrat\"]\nrequirement = \"contractual\"\nif_not_provided = \"You cannot come.\"\n\n[supervisory_authority]",
    );
    let errors = error_lines(&[("data/site.toml", SITE_TOML), ("data/privacy.toml", &text)]);
    assert_eq!(
        errors,
        [
            "data/privacy.toml:13:1: error: missing field `id`",
            "data/privacy.toml:18:15: error: invalid type: string \"contract\", expected a sequence",
            "data/privacy.toml:23:6: error: `Events` is not a valid id; use lower-case letters, digits and single hyphens, e.g. `events`",
            "data/privacy.toml:24:8: error: invalid type: integer `3`, expected a string",
            "data/privacy.toml:28:16: error: unknown variant `contrat`, expected one of `consent`, `contract`, `legal_obligation`, `vital_interests`, `public_task`, `legitimate_interests`",
        ],
    );
}

#[test]
fn three_problems_of_a_chapter_file_are_reported_in_one_build() {
    let chapter = "name = \"York\"\ncountry = [\"United Kingdom\"]\ntimezone = \"Europe/London\"\nwebsite = \"https://york.example/\"\n";
    let full = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/chapters/york.toml", chapter),
    ]);
    let errors: Vec<&str> = full.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        [
            "data/chapters/york.toml:1:1: error: missing field `contact`",
            "data/chapters/york.toml:2:11: error: invalid type: sequence, expected a string",
            "data/chapters/york.toml:4:1: error: unknown field `website`, expected one of `name`, `country`, `region`, `language`, `languages`, `timezone`, `site_url`, `description`, `contact`, `officers`, `meetings`, `events`, `legal`",
        ],
        "{full}"
    );
    assert!(
        full.contains("= hint: text goes in quotes: `country = \"…\"`"),
        "{full}"
    );
}

#[test]
fn three_problems_of_page_front_matter_are_reported_in_one_build() {
    let page = "+++\ndate = \"2026-03-01\"\nweight = \"heavy\"\ndraft = \"no\"\n+++\nBody\n";
    let full = build_errors(&[("data/site.toml", SITE_TOML), ("content/a.md", page)]);
    let errors: Vec<&str> = full.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        [
            "content/a.md:2:1: error: missing field `title`",
            "content/a.md:2:8: error: invalid type: string \"2026-03-01\", expected a TOML datetime",
            "content/a.md:3:10: error: invalid type: string \"heavy\", expected i64",
            "content/a.md:4:9: error: invalid type: string \"no\", expected a boolean",
        ],
        "{full}"
    );
    for hint in [
        "= hint: write the date without quotes: `date = 2026-03-01`",
        "= hint: write a whole number without quotes: `weight = 3`",
        "= hint: write `draft = true` or `draft = false`, without quotes",
    ] {
        assert!(full.contains(hint), "{hint}\n{full}");
    }
}

#[test]
fn problems_of_several_files_are_reported_together() {
    let text = edit(
        &privacy_toml(),
        "last_updated = 2026-01-01",
        "last_updated = \"\"",
    );
    let site = format!("{SITE_TOML}langauge = \"en\"\n");
    let errors = error_lines(&[
        ("data/site.toml", &site),
        ("data/privacy.toml", &text),
        ("content/a.md", "+++\ntitle = 1\n+++\n"),
    ]);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors[0].starts_with("content/a.md:2:9: error: invalid type"),
        "{errors:#?}"
    );
    assert!(
        errors[1].starts_with("data/privacy.toml:1:16: error: invalid type"),
        "{errors:#?}"
    );
    assert!(
        errors[2].starts_with("data/site.toml:7:1: error: unknown field `langauge`"),
        "{errors:#?}"
    );
}
