//! The policy's rules, each broken once, with the exact error a writer sees.

use super::*;

pub const MINIMAL: &str = r#"last_updated = 2026-10-01
jurisdiction = "uk"
rights = ["access", "rectification", "erasure", "restriction", "portability", "objection"]
automated_decision_making = "We make no automated decisions."
recipients = "none"
transfers = "none"
representatives = "none"

[retention]
default = "Six years after membership ends."

[supervisory_authority]
name = "Information Commissioner's Office"
url = "https://ico.org.uk/make-a-complaint/"

[[purposes]]
id = "membership"
name = "Membership"
description = "Running your membership."
data_subjects = ["members"]
data = ["name", "email address"]
legal_bases = ["contract"]
requirement = "contractual"
if_not_provided = "We cannot admit you."

[[changes]]
date = 2026-10-01
summary = "New processor."
material = true
"#;

const ABROAD: &str = r#"
[[recipients]]
name = "Postmark"
role = "processor"
purpose = "sending email"
location = ["United Kingdom", "United States"]
"#;

fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(|d| d.to_string()).collect(),
    }
}

fn first_lines(text: &str) -> Vec<String> {
    errors(text)
        .iter()
        .map(|e| e.lines().next().unwrap_or("").to_string())
        .collect()
}

fn with_recipients(policy: &str, recipients: &str) -> String {
    policy.replace("recipients = \"none\"\n", "") + recipients
}

#[test]
fn minimal_policy_parses() {
    let privacy = parse(MINIMAL).unwrap();
    assert_eq!(privacy.material_changes().len(), 1);
    assert_eq!(privacy.last_updated().to_string(), "2026-10-01");
    assert!(privacy.recipients().is_empty());
}

#[test]
fn unknown_legal_basis_names_the_allowed_ones() {
    let errors = errors(&MINIMAL.replace("[\"contract\"]", "[\"legitimate_interest\"]"));
    assert!(
        errors[0]
            .starts_with("data/privacy.toml:22:16: error: unknown variant `legitimate_interest`"),
        "{errors:?}"
    );
    assert!(errors[0].contains("legitimate_interests"), "{errors:?}");
}

#[test]
fn leaving_out_recipients_or_transfers_is_an_error_that_says_what_to_write() {
    for key in ["recipients", "transfers", "representatives"] {
        let errors = errors(&MINIMAL.replace(&format!("{key} = \"none\"\n"), ""));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains(&format!("error: missing field `{key}`")),
            "{errors:?}"
        );
        assert!(
            errors[0].contains(&format!("{key} = \"none\"")),
            "{errors:?}"
        );
    }
    let errors = errors(&MINIMAL.replace("recipients = \"none\"", "recipients = []"));
    assert!(
        errors[0].contains("write \"none\" if there are none"),
        "{errors:?}"
    );
}

#[test]
fn a_recipient_abroad_needs_a_transfer_with_a_fitting_safeguard() {
    let policy = with_recipients(MINIMAL, ABROAD);
    assert_eq!(
        first_lines(&policy),
        [
            "data/privacy.toml:34:12: error: Postmark holds data in United States, outside the UK and the EEA, but no `[[transfers]]` entry covers it"
        ]
    );
    let transfer = |safeguard: &str, extra: &str| {
        with_recipients(MINIMAL, ABROAD).replace("transfers = \"none\"\n", "")
            + &format!(
                "\n[[transfers]]\nrecipient = \"Postmark\"\ndestination = \"USA\"\nsafeguard = \"{safeguard}\"\n{extra}"
            )
    };
    assert_eq!(
        first_lines(&transfer("standard_contractual_clauses", "")),
        [
            "data/privacy.toml:38:13: error: the transfer to Postmark does not say how to get a copy of its safeguards"
        ]
    );
    assert!(
        errors(&transfer(
            "standard_contractual_clauses",
            "copy = \"Ask the DPO.\""
        ))
        .is_empty()
    );
    assert_eq!(
        first_lines(&transfer("adequacy_decision", "")),
        [
            "data/privacy.toml:38:13: error: USA covers only some recipients there; say in `details` why this one is covered (e.g. its certification)"
        ]
    );
    assert!(
        errors(&transfer(
            "adequacy_decision",
            "details = \"Postmark is certified under the Data Privacy Framework.\""
        ))
        .is_empty()
    );
    let india = transfer("adequacy_decision", "")
        .replace("\"USA\"", "\"India\"")
        .replace("\"United States\"]", "\"India\"]");
    assert_eq!(
        first_lines(&india),
        ["data/privacy.toml:38:13: error: India has no adequacy decision"]
    );
}

#[test]
fn a_transfer_inside_the_home_area_is_refused_and_the_area_follows_the_jurisdiction() {
    let france = MINIMAL.replace("transfers = \"none\"\n", "")
        + "\n[[transfers]]\nrecipient = \"Salles\"\ndestination = \"France\"\nsafeguard = \"adequacy_decision\"\n";
    assert_eq!(
        first_lines(&france),
        [
            "data/privacy.toml:32:15: error: France is within the UK and the EEA: sending data there is not a transfer"
        ]
    );
    let uk_recipient = ABROAD.replace("\"United States\"", "\"France\"");
    let eu = with_recipients(
        &MINIMAL.replace("jurisdiction = \"uk\"", "jurisdiction = \"eu\""),
        &uk_recipient,
    );
    assert_eq!(
        first_lines(&eu),
        [
            "data/privacy.toml:34:12: error: Postmark holds data in United Kingdom, outside the EEA, but no `[[transfers]]` entry covers it"
        ]
    );
}

#[test]
fn bases_bring_their_rights() {
    let without_objection = MINIMAL.replace(", \"objection\"]", "]");
    let consent = MINIMAL.replace("[\"contract\"]", "[\"consent\"]");
    assert_eq!(
        first_lines(&consent),
        [
            "data/privacy.toml:22:15: error: purpose `membership` relies on consent, but `rights` does not include `withdraw_consent`"
        ]
    );
    let interests = without_objection.replace(
        "legal_bases = [\"contract\"]",
        "legal_bases = [\"legitimate_interests\"]\nlegitimate_interests = \"Running the institute.\"",
    ) + "\n[[right_exemptions]]\nright = \"objection\"\nreason = \"x y\"\n";
    assert!(
        first_lines(&interests).contains(&"data/privacy.toml:22:15: error: purpose `membership` relies on legitimate interests, but `rights` does not include `objection`".to_string()),
        "{:?}",
        errors(&interests)
    );
    let marketing = MINIMAL.replace(
        "requirement = \"contractual\"",
        "direct_marketing = true\nrequirement = \"contractual\"",
    );
    assert!(errors(&marketing).is_empty());
    let marketing = without_objection.replace(
        "requirement = \"contractual\"",
        "direct_marketing = true\nrequirement = \"contractual\"",
    ) + "\n[[right_exemptions]]\nright = \"objection\"\nreason = \"Not applicable to members.\"\n";
    assert!(
        errors(&marketing)
            .iter()
            .any(|e| e.contains("is direct marketing, but `rights` does not include `objection`")),
        "{:?}",
        errors(&marketing)
    );
}

#[test]
fn every_article_15_to_21_right_is_offered_or_exempted_with_a_reason() {
    let fewer = MINIMAL.replace(", \"portability\", \"objection\"]", "]");
    assert_eq!(
        first_lines(&fewer),
        [
            "data/privacy.toml:3:10: error: `rights` leaves out `portability`",
            "data/privacy.toml:3:10: error: `rights` leaves out `objection`",
        ]
    );
    let exempted = MINIMAL.replace(", \"portability\"", "")
        + "\n[[right_exemptions]]\nright = \"portability\"\nreason = \"We process no data on consent or contract by automated means.\"\n";
    assert!(errors(&exempted).is_empty(), "{:?}", errors(&exempted));
    let blank_reason = exempted.replace(
        "We process no data on consent or contract by automated means.",
        "TBD",
    );
    assert!(
        errors(&blank_reason)[0].contains("`reason` is a placeholder (\"TBD\")"),
        "{:?}",
        errors(&blank_reason)
    );
    let both = MINIMAL.to_string()
        + "\n[[right_exemptions]]\nright = \"portability\"\nreason = \"Because.\"\n";
    assert_eq!(
        first_lines(&both),
        ["data/privacy.toml:32:9: error: `portability` is both offered in `rights` and exempted"]
    );
}

#[test]
fn special_category_data_needs_an_article_9_condition() {
    let health = MINIMAL.replace(
        "requirement = \"contractual\"",
        "special_categories = [\"health\"]\nrequirement = \"contractual\"",
    );
    assert_eq!(
        first_lines(&health),
        [
            "data/privacy.toml:17:6: error: purpose `membership` uses special-category data without an Art. 9 condition"
        ]
    );
    let condition = health.replace(
        "special_categories = [\"health\"]",
        "special_categories = [\"health\"]\narticle9_condition = \"not_for_profit_body\"",
    );
    assert!(errors(&condition).is_empty(), "{:?}", errors(&condition));
    let orphan = MINIMAL.replace(
        "requirement = \"contractual\"",
        "article9_condition = \"explicit_consent\"\nrequirement = \"contractual\"",
    );
    assert_eq!(
        first_lines(&orphan),
        [
            "data/privacy.toml:23:22: error: purpose `membership` names an Art. 9 condition but no special category"
        ]
    );
}

#[test]
fn required_texts_refuse_blanks_and_placeholders() {
    for (from, to, says) in [
        (
            "default = \"Six years after membership ends.\"",
            "default = \"\"",
            "`default` is empty",
        ),
        (
            "name = \"Information Commissioner's Office\"",
            "name = \"TODO\"",
            "`name` is a placeholder (\"TODO\")",
        ),
        (
            "\"We make no automated decisions.\"",
            "\"Not stated\"",
            "`automated_decision_making` is a placeholder (\"Not stated\")",
        ),
        (
            "if_not_provided = \"We cannot admit you.\"",
            "if_not_provided = \"n/a\"",
            "`if_not_provided` is a placeholder (\"n/a\")",
        ),
    ] {
        let errors = errors(&MINIMAL.replace(from, to));
        assert_eq!(errors.len(), 1, "{to}: {errors:?}");
        assert!(errors[0].contains(says), "{to}: {errors:?}");
    }
    let no_consequence = MINIMAL.replace("if_not_provided = \"We cannot admit you.\"\n", "");
    assert_eq!(
        first_lines(&no_consequence),
        [
            "data/privacy.toml:23:15: error: purpose `membership` requires the data but does not say what happens without it"
        ]
    );
}

#[test]
fn last_updated_and_effective_dates_are_consistent() {
    let errors_old =
        errors(&MINIMAL.replace("last_updated = 2026-10-01", "last_updated = 2026-09-01"));
    assert!(
        errors_old[0].contains("older than the newest change (2026-10-01)"),
        "{errors_old:?}"
    );
    let early = MINIMAL.replace("material = true", "material = true\neffective = 2026-09-01");
    assert_eq!(
        first_lines(&early),
        [
            "data/privacy.toml:30:13: error: this change takes effect (2026-09-01) before it is published (2026-10-01)"
        ]
    );
    let later =
        parse(&MINIMAL.replace("material = true", "material = true\neffective = 2026-11-01"))
            .unwrap();
    assert_eq!(later.changes[0].effective_date().to_string(), "2026-11-01");
}
