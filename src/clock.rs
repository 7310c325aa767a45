//! "Now" for a build: `--now`, else `SOURCE_DATE_EPOCH`, else the system clock.
//!
//! Resolved once at the edge so the rest of the pipeline is a pure function of its inputs.

use jiff::Timestamp;

/// Resolves "now"; `env` is the value of `SOURCE_DATE_EPOCH`, if set.
pub fn resolve(flag: Option<&str>, env: Option<&str>) -> Result<Timestamp, String> {
    if let Some(text) = flag {
        return parse_now(text);
    }
    if let Some(epoch) = env.map(str::trim).filter(|e| !e.is_empty()) {
        let seconds: i64 = epoch.parse().map_err(|_| {
            format!("SOURCE_DATE_EPOCH=`{epoch}` is not a number of seconds since 1970")
        })?;
        return Timestamp::from_second(seconds)
            .map_err(|e| format!("SOURCE_DATE_EPOCH=`{epoch}`: {e}"));
    }
    Ok(Timestamp::now())
}

/// Parses `--now`: an RFC 3339 timestamp (`2026-03-24T12:00:00Z`) or a date (midnight UTC).
pub fn parse_now(text: &str) -> Result<Timestamp, String> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|_| {
                format!(
                    "--now `{text}` is out of range: times run up to {}",
                    Timestamp::MAX.strftime("%Y-%m-%dT%H:%M:%SZ")
                )
            });
    }
    Err(format!(
        "`{text}` is not an RFC 3339 time such as 2026-03-24T12:00:00Z, or a date such as 2026-03-24"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_environment() {
        let ts = resolve(Some("2026-03-24T12:00:00Z"), Some("0")).expect("an RFC 3339 time");
        assert_eq!(ts.as_second(), 1_774_353_600);
        assert_eq!(
            resolve(None, Some("86400")).expect("an epoch").as_second(),
            86400
        );
        assert_eq!(
            parse_now("2026-03-24").expect("a date").to_string(),
            "2026-03-24T00:00:00Z"
        );
        assert!(
            resolve(Some("tomorrow"), None)
                .unwrap_err()
                .contains("RFC 3339")
        );
        assert!(resolve(None, Some("soon")).is_err());
        assert_eq!(
            parse_now("9999-12-31").unwrap_err(),
            "--now `9999-12-31` is out of range: times run up to 9999-12-30T22:00:00Z"
        );
    }
}
