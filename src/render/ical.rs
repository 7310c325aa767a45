//! iCalendar (RFC 5545): chapter meetings as recurring events, one-off events, and the
//! VTIMEZONE of each chapter's zone derived from the tz database.
//!
//! Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character; text
//! values are escaped. UIDs depend only on the chapter and the meeting, so calendar apps
//! update rather than duplicate events when the file changes.

use std::collections::BTreeSet;

use jiff::tz::TimeZone;

use crate::model::Chapter;
use crate::model::chapter::{Frequency, Weekday};

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            // Control characters are refused when loading; dropped here whatever reaches us,
            // since RFC 5545 text cannot carry them (tab excepted).
            c if crate::model::page::is_forbidden_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line at 75 octets and ends it with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        // The first line holds 75 octets; continuation lines start with a space, so 74 more.
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

struct Writer(String);

impl Writer {
    fn line(&mut self, line: &str) {
        self.0.push_str(&fold(line));
    }
}

fn local(dt: jiff::civil::DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

fn byday(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

fn offset(o: jiff::tz::Offset) -> String {
    let seconds = o.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

/// One STANDARD or DAYLIGHT component: the offset `to` applies from instant `at`.
struct Observance<'a> {
    dst: bool,
    at: jiff::Timestamp,
    from: jiff::tz::Offset,
    to: jiff::tz::Offset,
    name: &'a str,
}

fn observance(w: &mut Writer, o: &Observance<'_>) {
    let kind = if o.dst { "DAYLIGHT" } else { "STANDARD" };
    w.line(&format!("BEGIN:{kind}"));
    // DTSTART is the local time of the change in the offset in force before it.
    w.line(&format!("DTSTART:{}", local(o.from.to_datetime(o.at))));
    w.line(&format!("TZOFFSETFROM:{}", offset(o.from)));
    w.line(&format!("TZOFFSETTO:{}", offset(o.to)));
    w.line(&format!("TZNAME:{}", escape_text(o.name)));
    w.line(&format!("END:{kind}"));
}

/// A VTIMEZONE with every transition of `tz` from `from_year` to `to_year`.
fn vtimezone(w: &mut Writer, name: &str, tz: &TimeZone, from_year: i16, to_year: i16) {
    w.line("BEGIN:VTIMEZONE");
    w.line(&format!("TZID:{name}"));
    // Years near jiff's limits (±9999, e.g. `--now 9995-…` plus five years) are clamped
    // rather than built with `civil::date`, which panics on an invalid date.
    let instant = |year: i16, month: i8, day: i8| {
        jiff::civil::Date::new(year.clamp(-9998, 9998), month, day)
            .ok()
            .and_then(|d| d.to_zoned(tz.clone()).ok())
            .map(|z| z.timestamp())
    };
    let start = instant(from_year, 1, 1).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let end = instant(to_year, 12, 31).unwrap_or(start).max(start);
    let mut before = tz.to_offset_info(start);
    // The first observance covers everything from the start of the range until the first
    // transition, so events before it resolve to the right offset.
    let first = Observance {
        dst: before.dst().is_dst(),
        at: start,
        from: before.offset(),
        to: before.offset(),
        name: before.abbreviation(),
    };
    observance(w, &first);
    for transition in tz.following(start) {
        if transition.timestamp() > end {
            break;
        }
        let next = Observance {
            dst: transition.dst().is_dst(),
            at: transition.timestamp(),
            from: before.offset(),
            to: transition.offset(),
            name: transition.abbreviation(),
        };
        observance(w, &next);
        before = tz.to_offset_info(transition.timestamp());
    }
    w.line("END:VTIMEZONE");
}

fn events(w: &mut Writer, chapter: &Chapter, host: &str, stamp: &str) {
    let zone = chapter.data.timezone.get_ref();
    for (index, meeting) in chapter.data.meetings.iter().enumerate() {
        let m = meeting.get_ref();
        let start = m.starts_on.0.to_datetime(m.start_time.0);
        let end = start
            .checked_add(jiff::Span::new().minutes(i64::from(m.duration_minutes)))
            .ok();
        w.line("BEGIN:VEVENT");
        w.line(&format!(
            "UID:{}-meeting-{}@{host}",
            chapter.slug,
            index + 1
        ));
        w.line(&format!("DTSTAMP:{stamp}"));
        w.line(&format!("DTSTART;TZID={zone}:{}", local(start)));
        // Loading refuses an end past the representable range; were it ever missing, a
        // DURATION still says how long the meeting lasts (never DTEND = DTSTART).
        match end {
            Some(end) => w.line(&format!("DTEND;TZID={zone}:{}", local(end))),
            None => w.line(&format!("DURATION:PT{}M", m.duration_minutes)),
        }
        let mut rule = match (m.frequency, m.week) {
            (Frequency::Monthly, Some(week)) => {
                format!("FREQ=MONTHLY;BYDAY={week}{}", byday(m.weekday))
            }
            _ => format!("FREQ=WEEKLY;BYDAY={}", byday(m.weekday)),
        };
        if let Some(until) = m.until {
            // UNTIL is in UTC when DTSTART has a TZID (RFC 5545 §3.3.10).
            let last = until.0.to_datetime(jiff::civil::time(23, 59, 59, 0));
            if let Ok(zoned) = last.to_zoned(chapter.timezone.clone()) {
                rule.push_str(&format!(
                    ";UNTIL={}",
                    zoned.timestamp().strftime("%Y%m%dT%H%M%SZ")
                ));
            }
        }
        w.line(&format!("RRULE:{rule}"));
        for cancelled in &m.cancelled {
            w.line(&format!(
                "EXDATE;TZID={zone}:{}",
                local(cancelled.0.to_datetime(m.start_time.0))
            ));
        }
        w.line(&format!(
            "SUMMARY:{}",
            escape_text(&format!("{}: {}", chapter.data.name, m.title))
        ));
        w.line(&format!("LOCATION:{}", escape_text(&m.location)));
        w.line("END:VEVENT");
    }
    for event in &chapter.data.events {
        let uid_date = event.start.0.date();
        w.line("BEGIN:VEVENT");
        w.line(&format!(
            "UID:{}-event-{uid_date}-{}@{host}",
            chapter.slug,
            slug::slugify(&event.title)
        ));
        w.line(&format!("DTSTAMP:{stamp}"));
        w.line(&format!("DTSTART;TZID={zone}:{}", local(event.start.0)));
        if let Some(end) = event.end {
            w.line(&format!("DTEND;TZID={zone}:{}", local(end.0)));
        }
        w.line(&format!(
            "SUMMARY:{}",
            escape_text(&format!("{}: {}", chapter.data.name, event.title))
        ));
        w.line(&format!("LOCATION:{}", escape_text(&event.location)));
        if let Some(description) = &event.description {
            w.line(&format!("DESCRIPTION:{}", escape_text(description)));
        }
        w.line("END:VEVENT");
    }
}

/// A calendar of the given chapters; `now` becomes every DTSTAMP.
pub fn calendar(name: &str, chapters: &[&Chapter], host: &str, now: jiff::Timestamp) -> String {
    let mut w = Writer(String::new());
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    w.line("BEGIN:VCALENDAR");
    w.line("VERSION:2.0");
    w.line("PRODID:-//chapterhouse//chapterhouse//EN");
    w.line("CALSCALE:GREGORIAN");
    w.line("METHOD:PUBLISH");
    w.line(&format!("X-WR-CALNAME:{}", escape_text(name)));
    let now_year = now.to_zoned(TimeZone::UTC).year();
    let mut zones = BTreeSet::new();
    for chapter in chapters {
        let zone = chapter.data.timezone.get_ref();
        if !zones.insert(zone.clone()) {
            continue;
        }
        let first = chapters
            .iter()
            .filter(|c| c.data.timezone.get_ref() == zone)
            .flat_map(|c| {
                c.data
                    .meetings
                    .iter()
                    .map(|m| m.get_ref().starts_on.0.year())
                    .chain(c.data.events.iter().map(|e| e.start.0.year()))
            })
            .min()
            .unwrap_or(now_year)
            .min(now_year);
        vtimezone(
            &mut w,
            zone,
            &chapter.timezone,
            first,
            now_year.saturating_add(5),
        );
    }
    for chapter in chapters {
        events(&mut w, chapter, host, &stamp);
    }
    w.line("END:VCALENDAR");
    w.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_respects_octets_and_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&line);
        for part in folded.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end_matches("\r\n"), line);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
        assert_eq!(escape_text("x\u{0}\u{7}\u{1b}\u{7f}\u{9b}\ty"), "x\ty");
    }
}
