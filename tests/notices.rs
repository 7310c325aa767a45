//! Notices, Atom feeds and iCalendar files, read back with independent parsers.

mod common;

use chapterhouse::plan::PlanOptions;
use common::*;
use rrule::RRuleSet;

fn at(now: &str) -> PlanOptions {
    PlanOptions {
        now: chapterhouse::clock::parse_now(now).unwrap(),
        ..PlanOptions::default()
    }
}

/// One property of an event: name, value, parameters.
type Property = (String, String, Vec<(String, Vec<String>)>);

/// The VEVENTs of an .ics file, parsed by the `ical` crate: (name → value with params) per event.
fn events(ics: &str) -> Vec<Vec<Property>> {
    let mut reader = ical::IcalParser::new(ics.as_bytes());
    let calendar = reader
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    assert!(!calendar.timezones.is_empty(), "a VTIMEZONE is included");
    calendar
        .events
        .into_iter()
        .map(|e| {
            e.properties
                .into_iter()
                .map(|p| {
                    (
                        p.name,
                        p.value.unwrap_or_default(),
                        p.params.unwrap_or_default(),
                    )
                })
                .collect()
        })
        .collect()
}

fn prop<'a>(event: &'a [Property], name: &str) -> Vec<&'a str> {
    event
        .iter()
        .filter(|(n, _, _)| n == name)
        .map(|(_, v, _)| v.as_str())
        .collect()
}

#[test]
fn chapter_calendar_reads_back_with_recurrence_exdate_and_dst() {
    let site = build_fixture("small", &at("2026-11-23T12:00:00Z"));
    let ics = &site["chapters/lyon/calendar.ics"];
    assert!(ics.lines().count() > 10);
    assert!(
        ics.split_inclusive('\n').all(|l| l.ends_with("\r\n")),
        "CRLF line endings"
    );
    assert!(
        ics.split("\r\n").all(|l| l.len() <= 75),
        "folded at 75 octets"
    );
    let events = events(ics);
    assert_eq!(events.len(), 2);
    let meeting = &events[0];
    assert_eq!(prop(meeting, "UID"), ["lyon-meeting-1@small.example"]);
    assert_eq!(prop(meeting, "RRULE"), ["FREQ=MONTHLY;BYDAY=1TH"]);
    assert_eq!(prop(meeting, "DTSTAMP"), ["20261123T120000Z"]);
    let tzid = &meeting.iter().find(|(n, _, _)| n == "DTSTART").unwrap().2;
    assert_eq!(
        tzid[0],
        ("TZID".to_string(), vec!["Europe/Paris".to_string()])
    );
    let event = &events[1];
    assert_eq!(
        prop(event, "SUMMARY"),
        ["Lyon: Conférence d'hiver \\; archives\\, mémoire"]
    );

    // Expand the rule with the rrule crate: 18:00 Paris time on both sides of the March
    // daylight-saving change, and the cancelled 3 December is skipped.
    let rule = format!(
        "DTSTART;TZID=Europe/Paris:{}\nRRULE:{}\nEXDATE;TZID=Europe/Paris:{}",
        prop(meeting, "DTSTART")[0],
        prop(meeting, "RRULE")[0],
        prop(meeting, "EXDATE")[0]
    );
    let set: RRuleSet = rule.parse().unwrap();
    let dates: Vec<String> = set.all(17).dates.iter().map(|d| d.to_rfc3339()).collect();
    assert_eq!(
        dates[2..],
        [
            "2026-03-05T18:00:00+01:00",
            "2026-04-02T18:00:00+02:00",
            "2026-05-07T18:00:00+02:00",
            "2026-06-04T18:00:00+02:00",
            "2026-07-02T18:00:00+02:00",
            "2026-08-06T18:00:00+02:00",
            "2026-09-03T18:00:00+02:00",
            "2026-10-01T18:00:00+02:00",
            "2026-11-05T18:00:00+01:00",
            "2027-01-07T18:00:00+01:00",
            "2027-02-04T18:00:00+01:00",
            "2027-03-04T18:00:00+01:00",
            "2027-04-01T18:00:00+02:00",
            "2027-05-06T18:00:00+02:00",
            "2027-06-03T18:00:00+02:00",
        ]
    );
}

#[test]
fn a_weekly_london_meeting_keeps_its_local_time_across_the_october_change() {
    let chapter = "name = \"Leeds\"\ncountry = \"United Kingdom\"\ntimezone = \"Europe/London\"\n\
        [contact]\nemail = \"leeds@t.example\"\n\
        [[meetings]]\ntitle = \"Reading group\"\nfrequency = \"weekly\"\nweekday = \"wednesday\"\n\
        start_time = \"12:30\"\nduration_minutes = 60\nlocation = \"Library\"\n\
        starts_on = 2026-09-02\nuntil = 2026-12-16\ncancelled = [2026-11-04]\n";
    let sources = sources_with_legal([
        ("data/site.toml", SITE_TOML),
        ("data/chapters/leeds.toml", chapter),
    ]);
    let site = build_sources(&sources, &at("2026-09-01T12:00:00Z")).unwrap();
    let events = events(&site["chapters/leeds/calendar.ics"]);
    let meeting = &events[0];
    assert_eq!(prop(meeting, "DTSTART"), ["20260902T123000"]);
    // UNTIL is the last day's end in the chapter's zone, in UTC (RFC 5545 with a TZID start).
    let rule = prop(meeting, "RRULE")[0];
    assert!(
        rule.starts_with("FREQ=WEEKLY;BYDAY=WE;UNTIL=20261216T"),
        "{rule}"
    );
    let set: RRuleSet = format!(
        "DTSTART;TZID=Europe/London:{}\nRRULE:{rule}\nEXDATE;TZID=Europe/London:{}",
        prop(meeting, "DTSTART")[0],
        prop(meeting, "EXDATE")[0]
    )
    .parse()
    .unwrap();
    let dates: Vec<String> = set.all(100).dates.iter().map(|d| d.to_rfc3339()).collect();
    // 12:30 in London on both sides of 25 October (BST, then GMT); 4 November is cancelled;
    // the series ends on 16 December.
    let around: Vec<&str> = dates
        .iter()
        .map(String::as_str)
        .filter(|d| d.starts_with("2026-10-2") || d.starts_with("2026-11-0"))
        .collect();
    assert_eq!(
        around,
        ["2026-10-21T12:30:00+01:00", "2026-10-28T12:30:00+00:00"]
    );
    assert_eq!(dates.first().unwrap(), "2026-09-02T12:30:00+01:00");
    assert_eq!(dates.last().unwrap(), "2026-12-16T12:30:00+00:00");
    assert_eq!(
        dates.len(),
        15,
        "16 Wednesdays less the cancelled one: {dates:?}"
    );
}

#[test]
fn organisation_calendar_has_every_chapter() {
    let site = build_fixture("small", &options());
    let events = events(&site["calendar.ics"]);
    let uids: Vec<&str> = events.iter().flat_map(|e| prop(e, "UID")).collect();
    assert!(
        uids.contains(&"lyon-meeting-1@small.example")
            && uids.contains(&"york-meeting-1@small.example"),
        "{uids:?}"
    );
    assert!(site["calendar.ics"].matches("BEGIN:VTIMEZONE").count() == 2);
}

#[test]
fn chapter_home_lists_next_occurrences_in_its_language() {
    let site = build_fixture("small", &at("2026-11-23T12:00:00Z"));
    let text = text_of(&site["chapters/lyon/index.html"]);
    assert!(
        text.contains("Prochaines réunions 7 janvier 2027 , 18:00–20:00: Réunion mensuelle"),
        "{text}"
    );
    assert!(
        !text.contains("3 décembre 2026 , 18:00"),
        "cancelled occurrence skipped: {text}"
    );
    assert!(
        text.contains("21 janvier 2027 , 18:00–20:00: Conférence d'hiver"),
        "{text}"
    );
}

#[test]
fn atom_feeds_read_back() {
    let site = build_fixture("small", &at("2026-11-23T12:00:00Z"));
    let feed = feed_rs::parser::parse(site["notices/atom.xml"].as_bytes()).unwrap();
    assert_eq!(feed.id, "tag:small.example,2024:notices");
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(
        titles,
        ["Réunion de décembre annulée", "Welcome to the new site"]
    );
    assert_eq!(
        feed.entries[1].id,
        "tag:small.example,2024:notices/2026-11-01-welcome/"
    );
    assert_eq!(
        feed.entries[1].links[0].href,
        "https://small.example/sub/notices/2026-11-01-welcome/"
    );
    assert!(
        feed.entries[1]
            .content
            .as_ref()
            .unwrap()
            .body
            .as_ref()
            .unwrap()
            .contains("href=\"/sub/about/\"")
    );
    let chapter = feed_rs::parser::parse(site["chapters/lyon/atom.xml"].as_bytes()).unwrap();
    assert_eq!(chapter.entries.len(), 1);
    assert!(site["chapters/lyon/index.html"].contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Lyon: Flux des avis (Atom)\" href=\"/sub/chapters/lyon/atom.xml\">"));
    assert!(site["index.html"].contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Notices feed (Atom)\" href=\"/sub/notices/atom.xml\">"));
}

#[test]
fn expiry_at_the_boundary() {
    let before = build_fixture("small", &at("2026-12-03T23:59:59Z"));
    let current = |site: &std::collections::BTreeMap<String, String>| {
        let html = &site["notices/index.html"];
        let archive = html.find("archive-heading").unwrap_or(html.len());
        html[..archive].contains("Réunion de décembre annulée")
    };
    assert!(current(&before), "current the day before it expires");
    let after = build_fixture("small", &at("2026-12-04T00:00:00Z"));
    assert!(!current(&after), "archived from the day it expires");
    assert!(
        after["notices/index.html"].contains("Réunion de décembre annulée"),
        "still listed in the archive"
    );
    assert!(!text_of(&after["chapters/lyon/index.html"]).contains("Réunion de décembre annulée"));
}

#[test]
fn future_notices_wait_unless_drafts() {
    let early = build_fixture("small", &at("2026-11-10T00:00:00Z"));
    assert!(!early.contains_key("notices/2026-11-20-reunion-annulee/index.html"));
    assert!(!early["notices/atom.xml"].contains("Réunion de décembre"));
    let drafts = build_fixture(
        "small",
        &PlanOptions {
            drafts: true,
            ..at("2026-11-10T00:00:00Z")
        },
    );
    assert!(drafts.contains_key("notices/2026-11-20-reunion-annulee/index.html"));
}

#[test]
fn agm_without_agenda_and_unknown_chapter_are_errors() {
    let agm = "+++\ntitle = \"AGM\"\ndate = 2026-11-01\nkind = \"agm\"\n[agm]\ndate = 2027-03-16\ntime = \"18:00\"\nplace = \"Hall\"\n+++\n";
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        ("content/notices/agm.md", agm),
    ]);
    assert!(errors.contains("content/notices/agm.md:2:1: error: the AGM notice `AGM` does not give the meeting's agenda"), "{errors}");
    let errors = build_errors(&[
        ("data/site.toml", SITE_TOML),
        (
            "content/chapters/nowhere/notices/n.md",
            "+++\ntitle = \"N\"\ndate = 2026-11-01\n+++\n",
        ),
    ]);
    assert!(
        errors.contains("content/chapters/nowhere/notices/n.md")
            && errors.contains("no data/chapters/nowhere.toml"),
        "{errors}"
    );
}

#[test]
fn material_privacy_change_becomes_a_notice() {
    let sources =
        chapterhouse::source::read_tree(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let site = build_sources(&sources, &at("2026-11-23T12:00:00Z")).unwrap();
    let notice = text_of(&site["notices/privacy-policy-updated-2026-10-01/index.html"]);
    assert!(
        notice.contains("Privacy policy updated 1 October 2026 · Policy change"),
        "{notice}"
    );
    assert!(
        site["notices/privacy-policy-updated-2026-10-01/index.html"]
            .contains("<a href=\"/privacy/\">Read the updated privacy policy</a>")
    );
    assert!(site["notices/atom.xml"].contains("<title>Privacy policy updated</title>"));
    let agm = text_of(&site["notices/2026-11-02-annual-general-meeting-2027/index.html"]);
    assert!(agm.contains("Date and time 16 March 2027 , 18:00"), "{agm}");
    assert!(
        text_of(&site["index.html"]).contains("Annual general meeting 2027"),
        "pinned on the home page"
    );
}

#[test]
fn snapshot_of_calendar_and_feed() {
    let site = build_fixture("small", &at("2026-11-23T12:00:00Z"));
    insta::assert_snapshot!(
        "lyon_calendar",
        site["chapters/lyon/calendar.ics"].replace("\r\n", "\n")
    );
    insta::assert_snapshot!("notices_feed", site["notices/atom.xml"]);
}
