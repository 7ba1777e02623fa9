//! Time as an input: parsing `--current-time` / `SOURCE_DATE_EPOCH` and formatting dates the
//! same way everywhere.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// RFC 3339 in UTC with second precision: `2026-11-25T17:32:26Z`. A time that has no UTC
/// form in range (`9999-12-31T23:59:59-23:59`) keeps its own offset.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = utc(t);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// `YYYY-MM-DD` in UTC.
pub fn date(t: OffsetDateTime) -> String {
    let d = utc(t).date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parse a point in time given as seconds since the epoch, an RFC 3339 timestamp or a date
/// (`YYYY-MM-DD`, taken as midnight UTC).
pub fn parse(input: &str) -> Result<OffsetDateTime, String> {
    let s = input.trim();
    if let Ok(secs) = s.parse::<i64>() {
        return OffsetDateTime::from_unix_timestamp(secs)
            .map_err(|e| format!("`{s}` is out of range: {e}"));
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return t
            .checked_to_offset(time::UtcOffset::UTC)
            .ok_or_else(|| format!("`{s}` is out of range: its UTC date is past year 9999"));
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| format!("`{s}` is not a time; use seconds since 1970, RFC 3339 or YYYY-MM-DD"))
}

/// `t` in UTC when that is in range; `to_offset` panics when it is not.
fn utc(t: OffsetDateTime) -> OffsetDateTime {
    t.checked_to_offset(time::UtcOffset::UTC).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(rfc3339(parse("0").unwrap()), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(parse("2026-11-25T10:00:00+02:00").unwrap()),
            "2026-11-25T08:00:00Z"
        );
        assert_eq!(
            rfc3339(parse("2026-02-28").unwrap()),
            "2026-02-28T00:00:00Z"
        );
        assert!(parse("yesterday").is_err());
        assert!(parse("2026-02-30").is_err());
    }

    /// RFC 3339 allows offsets up to ±23:59, so a valid timestamp can lie past the range of
    /// UTC dates: converting it panicked (a security.txt `Expires:`, `--current-time`).
    #[test]
    fn times_without_a_utc_form_in_range_do_not_panic() {
        let edge = "9999-12-31T23:59:59-23:59";
        let err = parse(edge).unwrap_err();
        assert!(err.contains("out of range"), "{err}");
        let t = OffsetDateTime::parse(edge, &Rfc3339).unwrap();
        assert_eq!(rfc3339(t), edge);
        assert_eq!(date(t), "9999-12-31");
        // Year -1 in UTC: in range, but not writable as RFC 3339.
        let early = parse("0000-01-01T00:00:00+23:59").unwrap();
        assert_eq!(rfc3339(early), early.unix_timestamp().to_string());
    }
}
