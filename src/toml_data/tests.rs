use super::*;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Sample {
    title: String,
    language: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Policy {
    name: String,
    last_updated: Date,
    version: u32,
    controller: Controller,
    #[serde(default)]
    purposes: Vec<Purpose>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Controller {
    name: String,
    email: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Purpose {
    id: Id,
    basis: Basis,
    rights: Vec<Basis>,
}

/// A value checked by its own `Deserialize`, like the model's ids and prose.
#[derive(Debug)]
#[allow(dead_code)]
struct Id(String);

impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.chars().all(|c| c.is_ascii_lowercase()) {
            Ok(Id(s))
        } else {
            Err(serde::de::Error::custom(format!("`{s}` is not a valid id")))
        }
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Basis {
    Consent,
    Contract,
}

fn one(errors: Vec<Diagnostic>) -> Diagnostic {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

/// `line:col message | hint` of every error, in order.
fn report<T: DeserializeOwned + std::fmt::Debug>(text: &str) -> Vec<String> {
    parse::<T>(text, Embedding::whole("a.toml", text))
        .unwrap_err()
        .iter()
        .map(|d| {
            let loc = d.location.clone().unwrap();
            format!(
                "{}:{} {} | {}",
                loc.line,
                loc.col,
                d.message,
                d.hint.as_deref().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn unknown_key_names_line_and_closest_key() {
    let text = "title = \"x\"\nlanguag = \"en\"\n";
    let err = one(parse::<Sample>(text, Embedding::whole("a.toml", text)).unwrap_err());
    let loc = err.location.clone().unwrap();
    assert_eq!((loc.line, loc.col), (2, 1));
    assert!(
        err.message.contains("unknown field `languag`"),
        "{}",
        err.message
    );
    assert_eq!(err.hint.as_deref(), Some("did you mean `language`?"));
}

#[test]
fn syntax_errors_get_a_hint_on_the_shape_of_a_line() {
    for text in ["title = = \"x\"\n", "title = Leeds\n"] {
        let err = one(parse::<Sample>(text, Embedding::whole("a.toml", text)).unwrap_err());
        assert_eq!(err.location.clone().unwrap().line, 1, "{text}");
        assert!(
            err.hint
                .as_deref()
                .is_some_and(|h| h.contains("`key = value`")),
            "{text}: {:?}",
            err.hint
        );
    }
}

#[test]
fn a_wrong_type_shows_the_expected_form() {
    assert_eq!(
        report::<Sample>("title = 3\n"),
        ["1:9 invalid type: integer `3`, expected a string | text goes in quotes: `title = \"3\"`"]
    );
}

#[test]
fn offset_of_embedded_document_is_kept() {
    let file = "+++\ntitle = 3\n+++\n";
    let err = parse::<Sample>(
        &file[4..14],
        Embedding {
            path: "p.md",
            file_text: file,
            offset: 4,
        },
    )
    .unwrap_err();
    assert_eq!(one(err).location.unwrap().line, 2);
}

#[test]
fn missing_field_is_named() {
    let text = "language = \"en\"\n";
    let err = one(parse::<Sample>(text, Embedding::whole("a.toml", text)).unwrap_err());
    assert!(
        err.message.contains("missing field `title`"),
        "{}",
        err.message
    );
}

#[test]
fn every_problem_is_reported_at_its_own_line() {
    let text = "\
last_updated = \"\"
nmae = \"Leeds\"

[controller]
email = 3
";
    // The misspelt `nmae` is one mistake: `name` is not reported missing as well.
    assert_eq!(
        report::<Policy>(text),
        [
            "1:1 missing field `version` | add `version` here; it is required",
            "1:16 invalid type: string \"\", expected a TOML datetime | write the date without quotes: `last_updated = 2026-10-01` (a date and time: `2027-01-21T18:00:00`)",
            "2:1 unknown field `nmae`, expected one of `name`, `last_updated`, `version`, `controller`, `purposes` | did you mean `name`?",
            "4:1 missing field `name` | add `name` here; it is required",
            "5:9 invalid type: integer `3`, expected a string | text goes in quotes: `email = \"3\"`",
        ]
    );
}

#[test]
fn a_missing_table_is_reported_once_and_the_rest_still_checked() {
    let text = "name = \"x\"\nlast_updated = 2026-01-01\nversion = \"2\"\n";
    assert_eq!(
        report::<Policy>(text),
        [
            "1:1 missing field `controller` | add `controller` here; it is required",
            "3:11 invalid type: string \"2\", expected u32 | write a whole number without quotes: `version = 2`",
        ]
    );
}

#[test]
fn problems_inside_lists_of_tables_are_each_reported() {
    let text = "\
name = \"x\"
last_updated = 2026-01-01
version = 1
controller = { name = \"x\" }

[[purposes]]
id = \"Not An Id\"
basis = \"consent\"
rights = [\"consent\", \"vote\"]

[[purposes]]
basis = \"contrat\"
rights = \"consent\"
";
    let errors = report::<Policy>(text);
    assert_eq!(errors.len(), 5, "{errors:#?}");
    assert!(
        errors[0].starts_with("7:6 `Not An Id` is not a valid id"),
        "{errors:#?}"
    );
    assert!(
        errors[1].starts_with("9:22 unknown variant `vote`"),
        "{errors:#?}"
    );
    assert!(
        errors[2].starts_with("11:1 missing field `id`"),
        "{errors:#?}"
    );
    assert!(
        errors[3].starts_with("12:9 unknown variant `contrat`"),
        "{errors:#?}"
    );
    assert!(
        errors[3].ends_with("did you mean `contract`?"),
        "{errors:#?}"
    );
    assert!(
        errors[4].starts_with("13:10 invalid type: string \"consent\", expected a sequence"),
        "{errors:#?}"
    );
}

#[test]
fn a_wrong_value_is_not_also_reported_missing() {
    let text = "name = 1\nlast_updated = \"2026\"\nversion = true\ncontroller = \"me\"\n";
    let errors = report::<Policy>(text);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(errors.iter().all(|e| !e.contains("missing")), "{errors:#?}");
    assert!(errors[3].contains("`[controller]`"), "{errors:#?}");
}

#[test]
fn a_valid_document_still_parses() {
    let text = "name = \"x\"\nlast_updated = 2026-01-01\nversion = 1\n[controller]\nname = \"y\"\n";
    let policy = parse::<Policy>(text, Embedding::whole("a.toml", text)).unwrap();
    assert_eq!(policy.controller.name, "y");
}
