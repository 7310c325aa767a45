//! The legal pages as a visitor and a regulator see them, built from data.

mod common;

use std::path::Path;

use chapterhouse::model::ChapterSlug;
use chapterhouse::plan::PlanOptions;
use chapterhouse::source::read_tree;
use common::*;

fn example() -> std::collections::BTreeMap<String, String> {
    let sources = read_tree(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn privacy_policy_has_an_accessible_legal_basis_table_with_one_row_per_purpose() {
    let site = example();
    let html = &site["privacy/index.html"];
    assert!(html.contains("<caption id=\"purposes-caption\">Purposes of processing with their legal bases under Article 6 GDPR</caption>"));
    assert!(html.contains("<th scope=\"col\">Legal basis</th>"));
    let table = &html[html.find("<table").unwrap()..html.find("</table>").unwrap()];
    assert_eq!(
        table.matches("<th scope=\"row\" id=\"purpose-").count(),
        5,
        "one row per purpose"
    );
    let text = text_of(html);
    assert!(text.contains("Last updated: 1 October 2026"), "{text}");
    assert!(text.contains("Running chapter meetings and events"));
    assert!(text.contains("Our legitimate interests (Art. 6(1)(f)) Our legitimate interest: Organising safe, well-run events"), "{text}");
    assert!(
        text.contains("Postmark Mail Services → United States: standard contractual clauses"),
        "{text}"
    );
    assert!(text.contains("Information Commissioner's Office"));
    assert!(text.contains("Data protection officer Data Protection Officer dpo@iris.example"));
    assert!(
        text.contains("Have your data deleted"),
        "rights in plain language"
    );
    assert!(
        text.contains("Children Membership is open to adults only"),
        "markdown section merged after rights"
    );
    assert!(
        !site.contains_key("legal/children/index.html"),
        "a merged section is not a page of its own"
    );
    assert!(!html.contains("href=\"#\""), "no placeholder links");
    for sentence in [
        "Whose data",
        "event delegates, speakers, guests",
        "Special-category data: health data (Art. 9(2)(a): your explicit consent)",
        "Do you have to give it? Yes: our contract with you requires it. We cannot admit you as a member",
        "Do you have to give it? No: it is up to you.",
        "Our representative (the European Union) Records Stewards Representation SAS",
        "Ask the data protection officer at dpo@iris.example for a copy of the clauses.",
        "Transfers outside the UK and the European Economic Area",
        "We keep data longer than stated only in these cases: an unresolved complaint, dispute or legal claim: We keep the data concerned until it is resolved",
        "We send your membership record as a CSV file or as JSON",
        "Where we use your data for direct marketing, you can object at any time and we will stop: this right is absolute.",
        "we may charge a reasonable fee",
    ] {
        assert!(text.contains(sentence), "missing {sentence:?} in {text}");
    }
}

#[test]
fn stated_none_is_printed_and_a_chapter_site_names_its_own_authority_first() {
    let starter = build_sources(
        &sources_with_legal([("data/site.toml", SITE_TOML)]),
        &options(),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let text = text_of(&starter["privacy/index.html"]);
    assert!(
        text.contains("We do not share your personal data with anyone else."),
        "{text}"
    );
    assert!(
        text.contains(
            "We do not transfer your personal data outside the UK and the European Economic Area."
        ),
        "{text}"
    );
    let sources = read_tree(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let paris = PlanOptions {
        chapter: Some(ChapterSlug::parse("paris").unwrap()),
        ..options()
    };
    let site = build_sources(&sources, &paris).unwrap_or_else(|d| panic!("{d}"));
    let text = text_of(&site["privacy/index.html"]);
    let cnil = text
        .find("Commission nationale de l'informatique et des libertés (CNIL)")
        .expect("CNIL named");
    // The French translation names the ICO with a gloss (data/privacy.fr.toml).
    let ico = text
        .find("Information Commissioner’s Office (autorité britannique")
        .expect("ICO named");
    assert!(cnil < ico, "the chapter's authority comes first: {text}");
    assert!(
        text.contains("Transferts hors du Royaume-Uni et de l'Espace économique européen"),
        "{text}"
    );
    assert!(
        text.contains("Données sensibles : données de santé")
            || text.contains("Données sensibles: données de santé"),
        "{text}"
    );
}

#[test]
fn cookie_page_groups_by_category_and_scripts_are_blocked_until_consent() {
    let site = example();
    let cookies = &site["cookies/index.html"];
    let text = text_of(cookies);
    assert!(text.contains("Strictly necessary"));
    assert!(
        text.contains("Cookies and similar storage: Analytics"),
        "{text}"
    );
    assert!(cookies.contains("<th scope=\"row\"><code>iris_visit</code></th><td>Institute of Records and Information Stewards</td><td>Tells visits apart without identifying you</td><td>13 months</td><td>First party</td>"), "{cookies}");
    assert!(cookies.contains("id=\"consent-preferences\""));
    for page in ["index.html", "about/index.html", "cookies/index.html"] {
        let html = &site[page];
        assert!(html.contains("<script type=\"text/plain\" data-consent-category=\"analytics\" data-consent-src=\"/js/stats.js\"></script>"), "{page}");
        assert!(
            html.contains("<script src=\"/consent.js\" defer></script>"),
            "{page}"
        );
        assert!(
            html.contains(
                "aria-label=\"Cookie consent\" data-consent-config=\"{&quot;r&quot;:&quot;"
            ),
            "{page}"
        );
        assert!(html.contains("&quot;c&quot;:[&quot;functional&quot;,&quot;analytics&quot;,&quot;marketing&quot;],&quot;k&quot;:{&quot;analytics&quot;:[&quot;iris_visit&quot;]},&quot;e&quot;:182,&quot;l&quot;:null,&quot;g&quot;:false}\" tabindex=\"-1\" hidden>"), "{page}");
        assert!(
            !html.contains("<script src=\"/js/stats.js\""),
            "{page} must not load analytics unblocked"
        );
    }
    let banner = &site["index.html"];
    for button in [
        "Accept all",
        "Reject all",
        "Preferences",
        "Save my choice",
        "Cookie settings",
    ] {
        assert!(banner.contains(&format!(">{button}</")), "{button}");
    }
}

#[test]
fn a_site_with_only_necessary_cookies_has_no_consent_code() {
    let site = build_fixture("small", &options());
    for (path, html) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        assert!(
            !html.contains("consent.js")
                && !html.contains("consent-banner")
                && !html.contains("text/plain"),
            "{path}"
        );
    }
    assert!(text_of(&site["cookies/index.html"]).contains("there is nothing to choose"));
    assert!(
        !site.contains_key("consent.js"),
        "the consent script is not published when nothing needs consent"
    );
}

#[test]
fn ethics_and_oath_pages() {
    let site = example();
    let ethics = text_of(&site["ethics/index.html"]);
    assert!(
        ethics.contains("Version 3.0 · adopted 18 May 2024"),
        "{ethics}"
    );
    assert_eq!(site["ethics/index.html"].matches("<li><h2>").count(), 10);
    let oath = &site["oath/index.html"];
    assert!(text_of(oath).contains("I promise to care for the records entrusted to me"));
    assert!(oath.contains("<dt>Signature</dt><dd></dd>"));
    assert!(
        text_of(oath).contains("adopted 18 May 2024"),
        "the oath shows when the code was adopted: {}",
        text_of(oath)
    );
    assert!(
        oath.contains("<span class=\"print-only\"> (https://iris.example/ethics/)</span>"),
        "the printed oath names the code's address"
    );
}

#[test]
fn a_french_standalone_chapter_gets_french_legal_pages() {
    let sources = read_tree(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let options = PlanOptions {
        chapter: Some(ChapterSlug::parse("paris").unwrap()),
        ..options()
    };
    let site = build_sources(&sources, &options).unwrap();
    let privacy = &site["privacy/index.html"];
    assert!(privacy.contains("<html lang=\"fr\">"));
    let text = text_of(privacy);
    assert!(
        text.contains("Dernière mise à jour : 1 octobre 2026")
            || text.contains("Dernière mise à jour: 1 octobre 2026"),
        "{text}"
    );
    assert!(text.contains("Nos intérêts légitimes (Art. 6(1)(f))"));
    assert!(text_of(&site["cookies/index.html"]).contains("Mesure d'audience"));
    assert!(
        site["privacy/index.html"]
            .contains("<link rel=\"canonical\" href=\"https://paris.iris.example/privacy/\">")
    );
}

#[test]
fn bad_legal_data_is_reported_with_file_line_and_allowed_values() {
    let privacy = chapterhouse::scaffold::STARTER_LEGAL[0]
        .1
        .replace("[\"contract\"]", "[\"contract\", \"legitimate_interest\"]");
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/privacy.toml", &privacy),
    ]);
    assert!(errors.contains("data/privacy.toml:19:28: error: unknown variant `legitimate_interest`, expected one of `consent`, `contract`, `legal_obligation`, `vital_interests`, `public_task`, `legitimate_interests`"), "{errors}");

    let privacy = format!(
        "{}\n[[changes]]\ndate = 2026-02-01\nsummary = \"x\"\n",
        chapterhouse::scaffold::STARTER_LEGAL[0].1
    );
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/privacy.toml", &privacy),
    ]);
    assert!(errors.contains("data/privacy.toml:1:16: error: `last_updated` (2026-01-01) is older than the newest change (2026-02-01)"), "{errors}");

    let schedule = chapterhouse::scaffold::STARTER_LEGAL[2].1.replace(
        "retention = \"Six years after membership ends\"",
        "retention = \"\"",
    );
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/schedules/membership.toml", &schedule),
    ]);
    assert!(errors.contains("data/schedules/membership.toml:13:13: error: `retention` is empty in a `Membership register` row"), "{errors}");

    let errors = build_errors(&[("data/site.toml", SITE_TOML), ("data/privacy.toml", "")]);
    assert!(
        errors.contains("data/privacy.toml:1:1: error: missing field `last_updated`"),
        "{errors}"
    );
}

#[test]
fn missing_legal_file_says_how_to_create_it() {
    let sources = chapterhouse::source::SourceTree::from_memory([("data/site.toml", SITE_TOML)]);
    let errors = build_sources(&sources, &options()).unwrap_err().to_string();
    assert!(errors.contains("data/privacy.toml: error: data/privacy.toml is missing: every site publishes a privacy policy"), "{errors}");
    assert!(errors.contains("data/ethics.toml is missing"));
}

#[test]
fn a_standalone_chapter_adds_its_contact_processor_and_translated_oath() {
    let sources = read_tree(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let options = PlanOptions {
        chapter: Some(ChapterSlug::parse("paris").unwrap()),
        ..options()
    };
    let site = build_sources(&sources, &options).unwrap();
    let privacy = text_of(&site["privacy/index.html"]);
    assert!(
        privacy.contains("Votre contact local Paris paris@iris.example"),
        "{privacy}"
    );
    assert!(
        privacy.contains(
            "Salles & Réunions SAS (sous-traitant agissant sur nos instructions, France)"
        ),
        "{privacy}"
    );
    let oath = text_of(&site["oath/index.html"]);
    assert!(oath.contains("Section : Paris"), "{oath}");
    assert!(
        oath.contains("Je promets de prendre soin des documents"),
        "{oath}"
    );
    let organisation = example();
    assert!(
        !text_of(&organisation["privacy/index.html"]).contains("Salles & Réunions"),
        "local processors stay on the chapter's site"
    );
}

#[test]
fn a_missing_translation_key_falls_back_to_english_and_warns() {
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("themes/default/i18n/de.toml", "home = \"Startseite\"\n"),
        (
            "data/chapters/berlin.toml",
            "name = \"Berlin\"\ncountry = \"Germany\"\nlanguage = \"de\"\ntimezone = \"Europe/Berlin\"\n[contact]\nemail = \"b@t.example\"\n",
        ),
    ]);
    let (files, warnings) = chapterhouse::build::build_in_memory(&sources, &options()).unwrap();
    let warnings = warnings.to_string();
    assert!(
        warnings.contains("warning: the `de` translation lacks")
            && warnings.contains("English is used for them"),
        "{warnings}"
    );
    let berlin = String::from_utf8(files["chapters/berlin/index.html"].clone()).unwrap();
    assert!(
        berlin.contains(">Startseite</a>") && berlin.contains(">Chapters</a>"),
        "German where translated, English otherwise"
    );
}

#[test]
fn chapters_and_their_processors_abroad_need_a_transfer_and_transfers_name_someone() {
    let chapter = "name = \"Toronto\"\ncountry = \"Canada\"\ntimezone = \"America/Toronto\"\n[contact]\nemail = \"t@t.example\"\n[legal]\nprocessors = [{ name = \"Mapleroom\", purpose = \"room booking\", location = [\"Canada\", \"United States\"] }]\n";
    let privacy = chapterhouse::scaffold::STARTER_LEGAL[0]
        .1
        .replace("transfers = \"none\"\n", "")
        + "\n[[transfers]]\nrecipient = \"Nobody Ltd\"\ndestination = \"Japan\"\nsafeguard = \"adequacy_decision\"\n";
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/chapters/toronto.toml", chapter),
        ("data/privacy.toml", &privacy),
    ]);
    for expected in [
        "data/chapters/toronto.toml:2:11: error: the Toronto chapter is in Canada, outside the UK and the EEA, but no transfer in data/privacy.toml covers it",
        "data/chapters/toronto.toml:7:74: error: Mapleroom holds data in Canada, outside the UK and the EEA, but no `[[transfers]]` entry covers it",
        "data/chapters/toronto.toml:7:74: error: Mapleroom holds data in United States, outside the UK and the EEA, but no `[[transfers]]` entry covers it",
        "data/privacy.toml:27:13: error: the transfer names `Nobody Ltd`, which is not a recipient",
    ] {
        assert!(
            errors.contains(expected),
            "missing {expected:?} in:\n{errors}"
        );
    }
    assert!(
        errors.contains("= hint: add `chapters = [\"toronto\"]`"),
        "{errors}"
    );
}

#[test]
fn generated_pages_are_linked_with_at_links_under_a_sub_path_and_on_chapter_sites() {
    let page = "+++\ntitle = \"Help\"\n+++\n\nSee the [cookie policy](@/cookies/), the [notices](@/notices/#latest) and the [privacy policy](@/privacy/).\n";
    let chapter_page = "+++\ntitle = \"Local\"\n+++\n\nRead the [oath](@/oath/).\n";
    let chapter = "name = \"York\"\ncountry = \"United Kingdom\"\ntimezone = \"Europe/London\"\nsite_url = \"https://york.t.example/\"\n[contact]\nemail = \"y@t.example\"\n";
    let sources = sources_with_legal([
        (
            "data/site.toml",
            SITE_TOML
                .replace("https://t.example/", "https://t.example/sub/")
                .leak() as &str,
        ),
        ("content/help.md", page),
        ("data/chapters/york.toml", chapter),
        ("content/chapters/york/local.md", chapter_page),
    ]);
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    let html = &site["help/index.html"];
    for href in ["/sub/cookies/", "/sub/notices/#latest", "/sub/privacy/"] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "{href} in {html}"
        );
    }
    let york = PlanOptions {
        chapter: Some(ChapterSlug::parse("york").unwrap()),
        ..options()
    };
    let site = build_sources(&sources, &york).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        site["local/index.html"].contains("href=\"/oath/\""),
        "{}",
        site["local/index.html"]
    );

    let wrong = "+++\ntitle = \"Help\"\n+++\n\nSee the [cookie policy](@/cookie/).\n";
    let errors = build_errors(&[("data/site.toml", SITE_TOML), ("content/help.md", wrong)]);
    assert!(
        errors.contains("content/help.md:5:9: error: the link `@/cookie/` names no generated page"),
        "{errors}"
    );
    assert!(errors.contains("did you mean `@/cookies/`?"), "{errors}");
}

#[test]
fn headings_in_legal_texts_fit_the_page_outline() {
    let privacy = chapterhouse::scaffold::STARTER_LEGAL[0].1.replace(
        "jurisdiction = \"uk\"\n",
        "jurisdiction = \"uk\"\nintroduction = \"\"\"\n### Scope\n\nThis policy covers members.\n\n#### Children\n\nAdults only.\n\"\"\"\n",
    );
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("data/privacy.toml", &privacy),
    ]);
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    let html = &site["privacy/index.html"];
    assert!(
        html.contains("<h2 id=\"scope\">Scope <a class=\"anchor\""),
        "{html}"
    );
    assert!(
        html.contains("<h3 id=\"children\">Children <a class=\"anchor\""),
        "{html}"
    );
}

#[test]
fn a_policy_change_is_announced_on_every_site_with_the_day_it_applies() {
    let sources = read_tree(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let paris = PlanOptions {
        chapter: Some(ChapterSlug::parse("paris").unwrap()),
        ..options()
    };
    let site = build_sources(&sources, &paris).unwrap_or_else(|d| panic!("{d}"));
    let href = "/notices/privacy-policy-updated-2026-10-01/";
    assert!(site["notices/index.html"].contains(href), "listed");
    assert!(site["index.html"].contains(href), "on the chapter home");
    let feed = feed_rs::parser::parse(site["notices/atom.xml"].as_bytes()).unwrap();
    assert!(
        feed.entries
            .iter()
            .any(|e| e.links.iter().any(|l| l.href.ends_with(href))),
        "in the feed"
    );
    let notice = text_of(&site["notices/privacy-policy-updated-2026-10-01/index.html"]);
    assert!(
        notice.contains("Applicable à partir du 1 novembre 2026"),
        "{notice}"
    );
    let org = example();
    let notice = text_of(&org["notices/privacy-policy-updated-2026-10-01/index.html"]);
    assert!(
        notice.contains("This applies from 1 November 2026"),
        "{notice}"
    );
    let policy = text_of(&org["privacy/index.html"]);
    assert!(
        policy.contains("The new text applies from 1 November 2026"),
        "{policy}"
    );
    assert!(
        org["chapters/london/index.html"].contains("/notices/privacy-policy-updated-2026-10-01/")
    );
}

#[test]
fn an_organisation_without_a_code_says_so_and_publishes_no_ethics_or_oath_page() {
    let none =
        "none = \"The institute has no code of its own; members follow their employers' codes.\"\n";
    let sources = sources_with_legal([("data/site.toml", SITE_TOML), ("data/ethics.toml", none)]);
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    assert!(!site.contains_key("ethics/index.html"));
    assert!(!site.contains_key("oath/index.html"));
    assert!(
        !site["index.html"].contains("/ethics/"),
        "no footer link to a page that does not exist"
    );
    assert!(site.contains_key("privacy/index.html"));
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/ethics.toml", none),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n\nOur [code](@/ethics/).\n",
        ),
    ]);
    assert!(
        errors.contains("content/a.md:5:5: error: the link `@/ethics/` names no generated page"),
        "{errors}"
    );
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/ethics.toml", "none = \"TBD\"\n"),
    ]);
    assert!(
        errors.contains("data/ethics.toml:1:8: error: `none` is a placeholder (\"TBD\")"),
        "{errors}"
    );
}

#[test]
fn an_organisation_without_schedules_says_so_and_publishes_no_data_processing_page() {
    let none = "none = \"The institute employs fewer than 250 people and keeps its record of processing internally (Art. 30(5)).\"\n";
    let starter = chapterhouse::scaffold::STARTER_LEGAL
        .into_iter()
        .filter(|(path, _)| !path.starts_with("data/schedules/"));
    let files = [
        ("data/site.toml", SITE_TOML),
        ("data/schedules/none.toml", none),
    ];
    let sources = chapterhouse::source::SourceTree::from_memory(starter.chain(files));
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    assert!(!site.contains_key("data-processing/index.html"));
    assert!(!site.contains_key("data-processing/schedules.csv"));
    assert!(!site.contains_key("data-processing/schedules.json"));
    assert!(
        !site["index.html"].contains("/data-processing/"),
        "no footer link to a page that does not exist"
    );
    assert!(site.contains_key("privacy/index.html"));

    // Stating none beside real schedules, or a placeholder reason, is an error.
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("data/schedules/none.toml", none),
    ]);
    assert!(
        errors.contains("data/schedules/none.toml: error: none.toml states that there are no data-processing schedules, but data/schedules/ also holds"),
        "{errors}"
    );
    let starter = chapterhouse::scaffold::STARTER_LEGAL
        .into_iter()
        .filter(|(path, _)| !path.starts_with("data/schedules/"));
    let files = [
        ("data/site.toml", SITE_TOML),
        ("data/schedules/none.toml", "none = \"n/a\"\n"),
    ];
    let sources = chapterhouse::source::SourceTree::from_memory(starter.chain(files));
    let errors = build_sources(&sources, &options()).unwrap_err().to_string();
    assert!(
        errors.contains("data/schedules/none.toml:1:8: error: `none` is a placeholder (\"n/a\")"),
        "{errors}"
    );
    // An empty folder asks, and names both ways out.
    let starter = chapterhouse::scaffold::STARTER_LEGAL
        .into_iter()
        .filter(|(path, _)| !path.starts_with("data/schedules/"));
    let sources = chapterhouse::source::SourceTree::from_memory(
        starter.chain([("data/site.toml", SITE_TOML)]),
    );
    let errors = build_sources(&sources, &options()).unwrap_err().to_string();
    assert!(
        errors.contains("there is no data-processing schedule in data/schedules/")
            && errors.contains("data/schedules/none.toml"),
        "{errors}"
    );
}

#[test]
fn cookie_purposes_are_inline_markdown_and_their_links_are_checked() {
    let cookies = |purpose: &str| {
        format!(
            "revision = 1\n\n[[cookies]]\nname = \"chapterhouse-consent\"\nprovider = \"This site\"\ncategory = \"strictly_necessary\"\npurpose = \"{purpose}\"\nduration = \"One year\"\nparty = \"first\"\n"
        )
    };
    let linked = cookies(
        "Remembers your choice, *only* on this device; see [the privacy policy](@/privacy/)",
    );
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("data/cookies.toml", &linked),
    ]);
    let site = build_sources(&sources, &options()).unwrap_or_else(|d| panic!("{d}"));
    let page = &site["cookies/index.html"];
    assert!(
        page.contains("<td>Remembers your choice, <em>only</em> on this device; see <a href=\"/privacy/\">the privacy policy</a></td>"),
        "{page}"
    );
}
