//! Timestamps as sort ids: RFC 3339 UTC with nine fractional digits, from `SystemTime` and,
//! with features, `time` and `chrono` date-times.

use std::time::{SystemTime, UNIX_EPOCH};

use super::{SortSegment, SortValue};
use crate::error::KeyError;

/// Seconds since the Unix epoch of 0000-01-01T00:00:00Z and of 9999-12-31T23:59:59Z.
pub(super) const MIN_UNIX_SECONDS: i64 = -62_167_219_200;
pub(super) const MAX_UNIX_SECONDS: i64 = 253_402_300_799;
pub(super) const NANOS_PER_SECOND: u32 = 1_000_000_000;

/// Encodes a timestamp. With `leap`, `nanoseconds` of a second or more on the 59th second of a
/// minute are a leap second (chrono's representation) and written as second 60, which sorts
/// between that second and the next minute.
pub(super) fn timestamp(
    unix_seconds: i64,
    nanoseconds: u32,
    leap: bool,
    value: impl FnOnce() -> String,
) -> Result<SortValue<'static>, KeyError> {
    let out_of_range = |reason| KeyError::TimestampOutOfRange {
        value: value(),
        reason,
    };
    if !(MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&unix_seconds) {
        return Err(out_of_range("the year is outside 0000–9999"));
    }
    let mut second = unix_seconds.rem_euclid(60);
    let mut nanos = nanoseconds;
    if nanos >= NANOS_PER_SECOND {
        if !(leap && second == 59 && nanos < 2 * NANOS_PER_SECOND) {
            return Err(out_of_range("the nanoseconds are a second or more"));
        }
        second = 60;
        nanos -= NANOS_PER_SECOND;
    }
    let minutes = unix_seconds.div_euclid(60);
    let (minute, hours) = (minutes.rem_euclid(60), minutes.div_euclid(60));
    let (hour, days) = (hours.rem_euclid(24), hours.div_euclid(24));
    let (year, month, day) = civil_from_days(days);
    Ok(SortValue::encoded(format_args!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{nanos:09}Z"
    )))
}

/// The proleptic Gregorian (year, month, day) of a day counted from 1970-01-01, after Howard
/// Hinnant's `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl SortSegment for SystemTime {
    /// RFC 3339 UTC with nine fractional digits; before 1970 too.
    ///
    /// # Errors
    ///
    /// [`KeyError::TimestampOutOfRange`] outside the years 0000–9999.
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        let (seconds, nanos) = match self.duration_since(UNIX_EPOCH) {
            Ok(after) => (i128::from(after.as_secs()), after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                match before.subsec_nanos() {
                    0 => (-i128::from(before.as_secs()), 0),
                    nanos => (-i128::from(before.as_secs()) - 1, NANOS_PER_SECOND - nanos),
                }
            }
        };
        // Out of `i64` is out of range too: map it to a value `timestamp` rejects.
        let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
        timestamp(seconds, nanos, false, || format!("{self:?}"))
    }
}

#[cfg(feature = "time")]
impl SortSegment for time::OffsetDateTime {
    /// Converted to UTC: RFC 3339 with nine fractional digits.
    ///
    /// # Errors
    ///
    /// [`KeyError::TimestampOutOfRange`] outside the years 0000–9999 (UTC).
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        timestamp(self.unix_timestamp(), self.nanosecond(), false, || {
            format!("{self}")
        })
    }
}

#[cfg(feature = "chrono")]
impl SortSegment for chrono::DateTime<chrono::Utc> {
    /// RFC 3339 with nine fractional digits; a leap second is written as second 60.
    ///
    /// # Errors
    ///
    /// [`KeyError::TimestampOutOfRange`] outside the years 0000–9999.
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        timestamp(
            self.timestamp(),
            self.timestamp_subsec_nanos(),
            true,
            || self.to_string(),
        )
    }
}

#[cfg(feature = "chrono")]
impl SortSegment for chrono::DateTime<chrono::FixedOffset> {
    /// Converted to UTC: RFC 3339 with nine fractional digits; a leap second is written as
    /// second 60.
    ///
    /// # Errors
    ///
    /// [`KeyError::TimestampOutOfRange`] outside the years 0000–9999 (UTC).
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        timestamp(
            self.timestamp(),
            self.timestamp_subsec_nanos(),
            true,
            || self.to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::EntityTag;
    use crate::sort::SortIds;

    const NOTE: EntityTag = EntityTag::from_static("NOTE");

    fn sk(ids: impl SortIds) -> String {
        ids.encode(&NOTE).unwrap()
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_nanoseconds() {
        let ts = |s, n| SortValue::timestamp(s, n).map(|v| v.to_string());
        assert_eq!(ts(0, 0).unwrap(), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(sk(UNIX_EPOCH), "NOTE#1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            ts(-1, 999_999_999).unwrap(),
            "1969-12-31T23:59:59.999999999Z"
        );
        assert_eq!(
            ts(951_782_400, 1).unwrap(),
            "2000-02-29T00:00:00.000000001Z"
        );
        assert_eq!(
            ts(MIN_UNIX_SECONDS, 0).unwrap(),
            "0000-01-01T00:00:00.000000000Z"
        );
        assert_eq!(
            ts(MAX_UNIX_SECONDS, 999_999_999).unwrap(),
            "9999-12-31T23:59:59.999999999Z"
        );
        for (s, n) in [
            (MIN_UNIX_SECONDS - 1, 0),
            (MAX_UNIX_SECONDS + 1, 0),
            (0, NANOS_PER_SECOND),
        ] {
            assert!(
                matches!(ts(s, n), Err(KeyError::TimestampOutOfRange { .. })),
                "{s}.{n}"
            );
        }
        let before = UNIX_EPOCH - std::time::Duration::new(1, 250_000_000);
        assert_eq!(
            before.sort_value().unwrap().to_string(),
            "1969-12-31T23:59:58.750000000Z"
        );
        let far = UNIX_EPOCH + std::time::Duration::from_secs(300_000_000_000);
        let err = far.sort_value().unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot be a sort id: sort ids hold RFC 3339 UTC timestamps"),
            "{err}"
        );
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_offset_date_times_are_converted_to_utc() {
        use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
        let at = |year, offset_hours| {
            let date = Date::from_calendar_date(year, Month::November, 30).unwrap();
            let time = Time::from_hms_nano(14, 3, 3, 5).unwrap();
            PrimitiveDateTime::new(date, time)
                .assume_offset(UtcOffset::from_hms(offset_hours, 0, 0).unwrap())
        };
        assert_eq!(sk(at(2026, 0)), "NOTE#2026-11-30T14:03:03.000000005Z");
        assert_eq!(sk(at(2026, 2)), "NOTE#2026-11-30T12:03:03.000000005Z");
        assert_eq!(
            sk(OffsetDateTime::UNIX_EPOCH),
            "NOTE#1970-01-01T00:00:00.000000000Z"
        );
        let err = at(-1, 0).encode(&NOTE).unwrap_err();
        assert!(
            matches!(&err, KeyError::TimestampOutOfRange { value, .. } if value.starts_with("-0001-11-30")),
            "{err}"
        );
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_date_times_are_converted_to_utc() {
        use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
        let naive = NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_nano_opt(14, 3, 3, 5)
            .unwrap();
        let utc: DateTime<Utc> = Utc.from_utc_datetime(&naive);
        assert_eq!(sk(utc), "NOTE#2026-11-30T14:03:03.000000005Z");
        let paris = FixedOffset::east_opt(3600)
            .unwrap()
            .from_local_datetime(&naive)
            .unwrap();
        assert_eq!(sk(paris), "NOTE#2026-11-30T13:03:03.000000005Z");
        // A leap second is second 60: after 23:59:59.999999999, before the next day.
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap();
        assert_eq!(
            sk(Utc.from_utc_datetime(&leap)),
            "NOTE#2016-12-31T23:59:60.500000000Z"
        );
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert!(matches!(
            Utc.from_utc_datetime(&far).encode(&NOTE),
            Err(KeyError::TimestampOutOfRange { .. })
        ));
    }
}
