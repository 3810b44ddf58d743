//! Instants are stored as UTC epoch milliseconds (portable across PostgreSQL
//! and SQLite, and immune to Spin 3.6's timestamptz decoding) and travel in
//! JSON as RFC 3339 strings with millisecond precision.

use crate::error::{Error, Result};
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// Earliest and latest instants accepted from clients (1970 to 9999).
const MIN_MS: i64 = 0;
const MAX_MS: i64 = 253_402_300_799_999;

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn format_ms(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => String::new(),
    }
}

/// The instant as a UTC date-time (the epoch for instants out of range).
pub fn utc(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Parses an RFC 3339 instant from a client; `field` names it in the error.
pub fn parse_instant(field: &str, text: &str) -> Result<i64> {
    let parsed = DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
        Error::invalid(
            field,
            format!("{field} must be an RFC 3339 date-time such as 2026-05-01T17:00:00Z"),
        )
    })?;
    let ms = parsed.timestamp_millis();
    if !(MIN_MS..=MAX_MS).contains(&ms) {
        return Err(Error::invalid(
            field,
            format!("{field} must be between 1970 and 9999"),
        ));
    }
    Ok(ms)
}

/// Serde helpers for epoch-millisecond fields rendered as RFC 3339.
/// Events carry these too, so consumers read them back with the same rules.
pub mod serde_ms {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_ms(*ms))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_instant("instant", &text).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(ms: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
            match ms {
                Some(ms) => s.serialize_str(&super::super::format_ms(*ms)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| super::super::parse_instant("instant", &text))
                .transpose()
                .map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_millisecond_precision() {
        let ms = parse_instant("dueAt", "2026-05-01T17:00:00.250+02:00").unwrap();
        assert_eq!(format_ms(ms), "2026-05-01T15:00:00.250Z");
    }

    #[test]
    fn rejects_dates_without_zone_and_out_of_range() {
        assert!(parse_instant("dueAt", "2026-05-01T17:00:00").is_err());
        assert!(parse_instant("dueAt", "tomorrow").is_err());
        assert!(parse_instant("dueAt", "1969-12-31T23:59:59Z").is_err());
        let err = parse_instant("dueAt", "2026-13-01T00:00:00Z").unwrap_err();
        assert_eq!(err.code, "validation_failed");
    }
}
