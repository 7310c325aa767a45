//! The record of processing (data/schedules/*.toml → data-processing/, schedules.csv,
//! schedules.json) as a regulator reads it, and the errors that keep it in line with the
//! privacy policy.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use chapterhouse::model::ChapterSlug;
use chapterhouse::plan::PlanOptions;
use chapterhouse::source::{SourceTree, read_tree};
use common::*;

const MEMBERSHIP: &str = "data/schedules/membership.toml";

fn example_sources() -> SourceTree {
    read_tree(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The example with one file's text edited (the edit must apply).
fn example_with(path: &str, from: &str, to: &str) -> SourceTree {
    let mut sources = example_sources();
    let text = sources.get(path).unwrap().text.clone();
    assert!(text.contains(from), "`{from}` is not in {path}");
    sources
        .insert(path.to_string(), text.replacen(from, to, 1).into_bytes())
        .unwrap();
    sources
}

fn errors_of(sources: &SourceTree) -> String {
    match build_sources(sources, &options()) {
        Ok(_) => panic!("the build was expected to fail"),
        Err(diagnostics) => diagnostics.sorted().to_string(),
    }
}

/// The cells of the table row whose first cell (after the function) is `purpose`.
fn table_row(html: &str, purpose: &str) -> Vec<String> {
    let start = html
        .find(&format!("<td>{purpose}</td>"))
        .unwrap_or_else(|| panic!("no row for {purpose}"));
    let row = &html[start..html[start..].find("</tr>").unwrap() + start];
    row.split("<td>")
        .skip(1)
        .map(|cell| cell.split("</td>").next().unwrap().trim().to_string())
        .collect()
}

#[test]
fn each_activity_shows_the_policy_purpose_its_basis_recipients_and_transfers() {
    let site = build_sources(&example_sources(), &options()).unwrap();
    let html = &site["data-processing/index.html"];
    let cells = table_row(
        html,
        "Sending a monthly newsletter to members and latest updates on products/services e.g. Conference/Records Week",
    );
    assert_eq!(
        cells[1],
        "<a href=\"/privacy/#purpose-newsletter\">Newsletters about the institute&#39;s work</a>",
        "the purpose links to its row in the policy"
    );
    assert_eq!(
        cells[2], "Your consent (Art. 6(1)(a))",
        "the policy's basis"
    );
    assert_eq!(
        cells[7],
        "Ledgerly Ltd (United Kingdom)<br>Postmark Mail Services (United States)"
    );
    assert_eq!(
        cells[8], "Postmark Mail Services → United States: standard contractual clauses",
        "the policy's transfer to a recipient of this activity"
    );
    assert_eq!(
        cells[10],
        "Until the member or subscriber unsubscribes; the email address is then removed within 30 days"
    );
    let events = table_row(html, "Event organisation and delegate management");
    assert_eq!(
        events[2],
        "Performing a contract with you (Art. 6(1)(b)); Our legitimate interests (Art. 6(1)(f))"
    );
    let surveys = table_row(
        html,
        "Conducting the business benchmarking survey for our members",
    );
    assert_eq!(
        surveys[7],
        "Surveyline Ltd (United Kingdom)<br>Amazon Web Services EMEA SARL (United Kingdom, Ireland)"
    );
    assert_eq!(surveys[8], "None", "no transfer is stated as none");
    assert!(
        html.contains("<th scope=\"rowgroup\" rowspan=\"2\">Allocated Individual Membership (as part of Organisational Membership)</th>"),
        "consecutive rows of one function are grouped"
    );
    assert!(html.contains("<caption id=\"caption-membership\">Processing activities: Standard data-processing schedule: membership</caption>"));
    assert!(
        html.contains("role=\"region\" aria-labelledby=\"caption-membership\" tabindex=\"0\""),
        "the wide table scrolls in its own focusable region"
    );
    let header: Vec<&str> = html
        .split("<th scope=\"col\">")
        .skip(1)
        .map(|h| h.split("</th>").next().unwrap())
        .take(12)
        .collect();
    assert_eq!(
        header,
        [
            "Function",
            "Purpose",
            "Purpose in the privacy policy",
            "Legal basis",
            "Processing",
            "Personal data",
            "Why",
            "Data subjects",
            "Recipients",
            "International transfers",
            "Measures",
            "Retention"
        ]
    );
}

#[test]
fn the_record_names_the_controller_and_the_dpo_first() {
    let site = build_sources(&example_sources(), &options()).unwrap();
    let html = &site["data-processing/index.html"];
    let text = text_of(html);
    let top = &text[..text.find("Standard data-processing schedule").unwrap()];
    assert!(
        top.contains("Controller Institute of Records and Information Stewards Stewardship House, 14 Ledger Lane, London EC2A 4NE, United Kingdom privacy@iris.example +44 20 7946 0000 Registered charity no. 1234567 (England and Wales)"),
        "{top}"
    );
    assert!(
        top.contains(
            "Data protection officer Data Protection Officer dpo@iris.example Stewardship House"
        ),
        "{top}"
    );

    let site = build_sources(
        &example_with("data/site.toml", "[dpo]\nname = \"Data Protection Officer\"\nemail = \"dpo@iris.example\"\naddress = \"Stewardship House, 14 Ledger Lane, London EC2A 4NE, United Kingdom\"\n", ""),
        &options(),
    )
    .unwrap();
    let text = text_of(&site["data-processing/index.html"]);
    assert!(
        text.contains(
            "Data protection officer The organisation has not appointed a data protection officer."
        ),
        "{text}"
    );
}

#[test]
fn a_french_chapter_site_reads_the_record_in_french() {
    let options = PlanOptions {
        chapter: Some(ChapterSlug::parse("paris").unwrap()),
        ..options()
    };
    let site = build_sources(&example_sources(), &options).unwrap();
    let html = &site["data-processing/index.html"];
    assert!(html.contains("<th scope=\"col\">Base légale</th>"));
    // The schedule's texts come from data/schedules/membership.fr.toml, its facts from the
    // original: the basis is the policy's, the recipient's name is not translated.
    let cells = table_row(
        html,
        "Envoi d’une lettre d’information mensuelle aux membres et des dernières actualités sur nos produits et services, par exemple la conférence ou la Records Week",
    );
    assert_eq!(cells[2], "Votre consentement (Art. 6(1)(a))");
    assert_eq!(
        cells[8],
        "Postmark Mail Services → États-Unis: des clauses contractuelles types"
    );
    let surveys = table_row(
        html,
        "Réalisation de l’enquête de référence pour le compte de nos membres",
    );
    assert_eq!(surveys[8], "Aucun");
    assert!(text_of(html).contains("Responsable du traitement Institute of Records"));
}

#[test]
fn a_schedule_row_names_a_purpose_of_the_policy() {
    let sources = example_with(
        MEMBERSHIP,
        "serves = \"newsletter\"",
        "serves = \"newsleter\"",
    );
    let errors = errors_of(&sources);
    assert!(
        errors.contains("data/schedules/membership.toml:63:10: error: `serves = \"newsleter\"` names no purpose of data/privacy.toml; its purposes are `membership`, `events`, `certification`, `newsletter`, `analytics`"),
        "{errors}"
    );
    assert!(
        errors.contains("hint: did you mean `newsletter`? use the `id` of a `[[purposes]]` entry of data/privacy.toml, or add the purpose to the policy first"),
        "{errors}"
    );
}

#[test]
fn every_recipient_a_schedule_names_is_a_recipient_of_the_policy() {
    let sources = example_with(
        MEMBERSHIP,
        "recipients = [\"Surveyline Ltd\", ",
        "recipients = [\"TLF\", ",
    );
    let errors = errors_of(&sources);
    assert!(
        errors.contains("data/schedules/membership.toml:16:15: error: recipient `TLF` is not in data/privacy.toml (its recipients are `Ledgerly Ltd`, `Postmark Mail Services`, `HM Revenue & Customs and other tax authorities`, `Surveyline Ltd`, `Amazon Web Services EMEA SARL`, `Training venues`, `Freelance tutors, coaches and assessors`) nor a chapter's processor (`Salles & Réunions SAS`)"),
        "{errors}"
    );
    assert!(
        errors.contains("hint: every processor a schedule names is a recipient of the privacy policy: add a `[[recipients]]` entry named \"TLF\" to data/privacy.toml, or correct the name"),
        "{errors}"
    );
    assert_eq!(errors.matches(": error:").count(), 1, "{errors}");
}

#[test]
fn a_chapter_processor_is_a_recipient_and_shows_on_the_record() {
    let sources = example_with(
        MEMBERSHIP,
        "serves = \"events\"\nrecipients = [\"Ledgerly Ltd\", \"Postmark Mail Services\"]",
        "serves = \"events\"\nrecipients = [\"Ledgerly Ltd\", \"Salles & Réunions SAS\"]",
    );
    let site = build_sources(&sources, &options()).unwrap();
    let cells = table_row(
        &site["data-processing/index.html"],
        "Event organisation and delegate management",
    );
    assert_eq!(
        cells[7],
        "Ledgerly Ltd (United Kingdom)<br>Salles &amp; Réunions SAS (France)"
    );
    assert_eq!(cells[8], "None");
    let json: serde_json::Value =
        serde_json::from_str(&site["data-processing/schedules.json"]).unwrap();
    let row = &json["schedules"][0]["rows"][5];
    assert_eq!(row["recipients"][1]["chapter"], "paris");
    assert_eq!(row["recipients"][1]["role"], "processor");
}

#[test]
fn a_row_without_serves_or_recipients_is_an_error_for_every_row() {
    let schedule = format!(
        "{}\n[[rows]]\nfunction = \"Renewals\"\npurpose = \"Renewal reminders\"\nprocessing = \"Emails\"\npersonal_data = \"Email\"\nreason = \"To renew\"\ndata_subjects = \"Members\"\nmeasures = \"MFA\"\nretention = \"Six years after membership ends\"\n",
        chapterhouse::scaffold::STARTER_LEGAL[2]
            .1
            .replace("recipients = []\n", "")
    );
    let errors = build_errors(&[("data/site.toml", SITE_TOML), (MEMBERSHIP, &schedule)]);
    assert!(
        errors.contains("data/schedules/membership.toml:5:1: error: a `Membership register` row does not say who receives its data"),
        "{errors}"
    );
    assert!(
        errors.contains("hint: add `recipients = [\"…\"]` naming recipients of data/privacy.toml or a chapter's processors, or `recipients = []` when no one outside the organisation does"),
        "{errors}"
    );
    assert!(
        errors.contains("data/schedules/membership.toml:16:1: error: a `Renewals` row does not say which purpose of the privacy policy it serves"),
        "{errors}"
    );
    assert!(
        errors.contains("data/schedules/membership.toml:16:1: error: a `Renewals` row does not say who receives its data"),
        "{errors}"
    );
    assert_eq!(errors.matches(": error:").count(), 3, "{errors}");
}

/// `schedules.csv` as Python's csv module reads it: (had a byte-order mark, rows).
fn python_reads(csv: &[u8]) -> (bool, Vec<Vec<String>>) {
    let script = "import csv, io, json, sys\n\
        data = sys.stdin.buffer.read()\n\
        bom = data.startswith(b'\\xef\\xbb\\xbf')\n\
        rows = list(csv.reader(io.StringIO(data.decode('utf-8-sig'), newline='')))\n\
        print(json.dumps([bom, rows]))\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(csv).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "python3 failed");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_neutralised() {
    let schedule = chapterhouse::scaffold::STARTER_LEGAL[2]
        .1
        .replace(
            "purpose = \"Keeping the register of members\"",
            "purpose = '=HYPERLINK(\"https://evil.example\",\"Click\")'",
        )
        .replace(
            "processing = \"Application forms are entered into the membership database\"",
            "processing = \"+cmd|' /C calc'!A0\"",
        )
        .replace(
            "personal_data = \"Name, email address\"",
            "personal_data = \"@SUM(1+1)*cmd|' /C calc'!A0\"",
        )
        .replace(
            "reason = \"Needed to administer membership\"",
            "reason = \"-1+1\"",
        )
        .replace(
            "measures = \"Access limited to named officers\"",
            "measures = \"\\tTabbed; Zoë's café\"",
        );
    let sources = sources_with_legal([("data/site.toml", SITE_TOML), (MEMBERSHIP, &schedule)]);
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    let (bom, rows) = python_reads(site["data-processing/schedules.csv"].as_bytes());
    assert!(bom, "a UTF-8 byte-order mark, so Excel reads UTF-8");
    assert_eq!(rows.len(), 2);
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "unescaped formula cell: {cell:?}"
        );
    }
    let row = &rows[1];
    assert_eq!(row[2], "'=HYPERLINK(\"https://evil.example\",\"Click\")");
    assert_eq!(row[5], "'+cmd|' /C calc'!A0");
    assert_eq!(row[6], "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(row[7], "'-1+1");
    assert_eq!(row[11], "'\tTabbed; Zoë's café", "non-ASCII text intact");
    assert_eq!(row[9], "None", "no recipients is stated, not left blank");
}

#[test]
fn the_csv_holds_every_row_of_the_toml_with_the_policy_columns() {
    let site = build_sources(&example_sources(), &options()).unwrap();
    let (_, rows) = python_reads(site["data-processing/schedules.csv"].as_bytes());
    assert_eq!(
        rows[0],
        [
            "schedule",
            "function",
            "purpose",
            "serves",
            "legal_basis",
            "processing",
            "personal_data",
            "reason",
            "data_subjects",
            "recipients",
            "transfers",
            "measures",
            "retention"
        ]
    );
    // Each row equals the TOML row, read back independently.
    let mut toml_rows = Vec::new();
    for id in ["membership", "accreditation", "training", "website"] {
        let text = std::fs::read_to_string(format!(
            "{}/data/schedules/{id}.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        for row in value["rows"].as_array().unwrap() {
            let cell = |k: &str| row[k].as_str().unwrap().to_string();
            toml_rows.push(vec![
                id.to_string(),
                cell("function"),
                cell("purpose"),
                cell("serves"),
                cell("processing"),
                cell("personal_data"),
                cell("reason"),
                cell("data_subjects"),
                cell("measures"),
                cell("retention"),
            ]);
        }
    }
    let csv_rows: Vec<Vec<String>> = rows[1..]
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.remove(10);
            r.remove(9);
            r.remove(4);
            r
        })
        .collect();
    assert_eq!(csv_rows.len(), 33);
    let newsletter = &rows[5];
    assert_eq!(newsletter[3], "Newsletters about the institute's work");
    assert_eq!(newsletter[4], "Your consent (Art. 6(1)(a))");
    assert_eq!(
        newsletter[9],
        "Ledgerly Ltd (United Kingdom); Postmark Mail Services (United States)"
    );
    assert_eq!(
        newsletter[10],
        "Postmark Mail Services → United States: standard contractual clauses"
    );
    // The serves column holds the purpose's name, the TOML its id.
    let names = [
        ("membership", "Administering your membership"),
        ("events", "Running chapter meetings and events"),
        ("certification", "Certification"),
        ("newsletter", "Newsletters about the institute's work"),
        ("analytics", "Counting visits to our websites"),
    ];
    let toml_rows: Vec<Vec<String>> = toml_rows
        .into_iter()
        .map(|mut r| {
            r[3] = names
                .iter()
                .find(|(id, _)| *id == r[3])
                .unwrap()
                .1
                .to_string();
            r
        })
        .collect();
    assert_eq!(csv_rows, toml_rows);
    assert!(
        site["data-processing/schedules.csv"].contains("\r\n"),
        "RFC 4180 line endings"
    );
}

#[test]
fn the_json_has_a_version_the_controller_the_dpo_and_each_activity() {
    let site = build_sources(&example_sources(), &options()).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&site["data-processing/schedules.json"]).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["controller"]["name"],
        "Institute of Records and Information Stewards"
    );
    assert_eq!(json["dpo"]["email"], "dpo@iris.example");
    let schedules = json["schedules"].as_array().unwrap();
    assert_eq!(
        schedules
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["membership", "accreditation", "training", "website"]
    );
    assert_eq!(
        schedules[3]["rows"][0]["recipients"],
        serde_json::json!([]),
        "self-hosted: no one receives the data"
    );
    let newsletter = &schedules[0]["rows"][4];
    assert_eq!(newsletter["function"], "Member electronic communications");
    assert_eq!(
        newsletter["serves"],
        serde_json::json!({
            "id": "newsletter",
            "name": "Newsletters about the institute's work",
            "legal_bases": [{ "basis": "consent", "article": "Art. 6(1)(a)" }],
        })
    );
    assert_eq!(
        newsletter["recipients"][1],
        serde_json::json!({
            "name": "Postmark Mail Services",
            "role": "processor",
            "location": ["United States"],
            "chapter": null,
        })
    );
    assert_eq!(newsletter["transfers"][0]["destination"], "United States");
    assert_eq!(
        newsletter["transfers"][0]["safeguard"],
        "standard_contractual_clauses"
    );
    assert_eq!(schedules[0]["rows"][0]["transfers"], serde_json::json!([]));
}

#[test]
fn placeholder_cells_are_errors_each_at_its_value() {
    let schedule = chapterhouse::scaffold::STARTER_LEGAL[2]
        .1
        .replace("data_subjects = \"Members\"", "data_subjects = \"N/A\"")
        .replace(
            "retention = \"Six years after membership ends\"",
            "retention = \"TBD\"",
        );
    let errors = build_errors(&[("data/site.toml", SITE_TOML), (MEMBERSHIP, &schedule)]);
    assert!(
        errors.contains("data/schedules/membership.toml:11:17: error: `data_subjects` is a placeholder (\"N/A\") in a `Membership register` row"),
        "{errors}"
    );
    assert!(
        errors.contains("data/schedules/membership.toml:13:13: error: `retention` is a placeholder (\"TBD\") in a `Membership register` row"),
        "{errors}"
    );
    assert!(
        errors.contains("hint: write the data subjects the record should state"),
        "{errors}"
    );
}

#[test]
fn a_controller_reached_through_a_contact_page_is_linked_from_the_record() {
    let site_toml = "title = \"T\"\nbase_url = \"https://t.example/sub/\"\n[controller]\nname = \"T\"\naddress = \"1 High Street, Leeds\"\ncontact_page = \"@/contact.md\"\n";
    let sources = sources_with_legal([
        ("data/site.toml", site_toml),
        (
            "content/contact.md",
            "+++\ntitle = \"Contact\"\n+++\n\nWrite to us.\n",
        ),
    ]);
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    let html = &site["data-processing/index.html"];
    assert!(
        html.contains("<strong>T</strong><br>1 High Street, Leeds\n<br><a href=\"/sub/contact/\">our contact form</a>"),
        "{html}"
    );
    assert!(text_of(html).contains(
        "Data protection officer The organisation has not appointed a data protection officer."
    ));
    let json: serde_json::Value =
        serde_json::from_str(&site["data-processing/schedules.json"]).unwrap();
    assert_eq!(json["controller"]["contact_page"], "@/contact.md");
    assert_eq!(json["controller"]["email"], serde_json::Value::Null);
    assert_eq!(json["dpo"], serde_json::Value::Null);
}

#[test]
fn a_policy_purpose_no_schedule_row_serves_is_a_warning_at_its_id() {
    let mut sources = example_sources();
    sources.remove("data/schedules/website.toml");
    let (_, warnings) = chapterhouse::build::build_in_memory(&sources, &options())
        .unwrap_or_else(|d| panic!("{d}"));
    let text = warnings.to_string();
    assert!(
        text.contains("data/privacy.toml:85:6: warning: purpose `analytics` is served by no row of the data-processing schedules"),
        "{text}"
    );
    assert!(
        text.contains("hint: add a row with `serves = \"analytics\"` to the schedule of the service it belongs to, so the record of processing covers it"),
        "{text}"
    );
    assert_eq!(text.matches("is served by no row").count(), 1, "{text}");
}
