//! Quiet hours: a daily window in the user's timezone ("22:00" to "07:00")
//! in which reminders reach the in-app inbox at once while email and push
//! are held, to go out together in one digest when the window ends.

use crate::error::Result;
use crate::Error;
use chrono::{LocalResult, NaiveTime, TimeZone, Timelike};
use serde::{Serialize, Serializer};
use serde_json::Value;

const DAY_MINUTES: u32 = 24 * 60;

/// The window as minutes after local midnight; it may span midnight
/// (`start > end`), and it is never empty (`start != end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: u32,
    pub end: u32,
}

fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl Serialize for QuietHours {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        serde_json::json!({ "start": clock(self.start), "end": clock(self.end) }).serialize(s)
    }
}

impl QuietHours {
    /// From the stored columns; None unless both are minutes of a day.
    pub fn from_stored(start: Option<i64>, end: Option<i64>) -> Option<QuietHours> {
        let minute = |m: Option<i64>| m.filter(|m| (0..DAY_MINUTES as i64).contains(m));
        let (start, end) = (minute(start)? as u32, minute(end)? as u32);
        (start != end).then_some(QuietHours { start, end })
    }

    /// `quietHours` of a settings PATCH: `{"start": "22:00", "end": "07:00"}`,
    /// or null for none.
    pub fn parse(value: &Value) -> Result<Option<QuietHours>> {
        let invalid = || {
            Error::invalid(
                "quietHours",
                "quietHours must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"} (24-hour times, not equal), or null for none",
            )
        };
        let obj = match value {
            Value::Null => return Ok(None),
            Value::Object(obj) => obj,
            _ => return Err(invalid()),
        };
        if obj.len() != 2 {
            return Err(invalid());
        }
        let minutes = |key: &str| -> Result<u32> {
            let text = obj.get(key).and_then(Value::as_str).ok_or_else(invalid)?;
            if text.len() != 5 {
                return Err(invalid());
            }
            let t = NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| invalid())?;
            Ok(t.hour() * 60 + t.minute())
        };
        let (start, end) = (minutes("start")?, minutes("end")?);
        if start == end {
            return Err(invalid());
        }
        Ok(Some(QuietHours { start, end }))
    }

    fn contains(&self, minute: u32) -> bool {
        if self.start < self.end {
            (self.start..self.end).contains(&minute)
        } else {
            minute >= self.start || minute < self.end
        }
    }

    /// When `now` falls in the window (in `tz`): the instant it ends, when
    /// what was held goes out. None outside the window.
    pub fn release_at(&self, now_ms: i64, tz: chrono_tz::Tz) -> Option<i64> {
        let local = crate::time::utc(now_ms).with_timezone(&tz);
        let minute = local.hour() * 60 + local.minute();
        if !self.contains(minute) {
            return None;
        }
        let mut date = local.date_naive();
        if minute >= self.end {
            date = date.succ_opt()?;
        }
        let end = date.and_hms_opt(self.end / 60, self.end % 60, 0)?;
        let instant = match tz.from_local_datetime(&end) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t,
            // The end falls in a spring-forward gap: the first instant after it.
            LocalResult::None => tz
                .from_local_datetime(&(end + chrono::Duration::hours(1)))
                .earliest()?,
        };
        Some(instant.timestamp_millis())
    }
}

/// The Dapr job that ends a user's quiet hours: one per user, scheduled
/// again (overwritten) by each reminder held in the same night.
pub fn job_name(user_id: &str) -> String {
    format!("quiet-hours-{user_id}")
}

/// The data of that job, handed back to the reminder-due component when it
/// fires: everything held for the user until `releaseAt` goes out then.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuietHoursJobData {
    pub user_id: String,
    /// Epoch milliseconds.
    pub release_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ms(rfc3339: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn parses_and_shows_hh_mm() {
        let q = QuietHours::parse(&json!({"start": "22:00", "end": "07:30"}))
            .unwrap()
            .unwrap();
        assert_eq!(
            q,
            QuietHours {
                start: 22 * 60,
                end: 7 * 60 + 30
            }
        );
        assert_eq!(
            serde_json::to_value(q).unwrap(),
            json!({"start": "22:00", "end": "07:30"})
        );
        assert_eq!(QuietHours::parse(&Value::Null).unwrap(), None);
        for bad in [
            json!({"start": "22:00"}),
            json!({"start": "22:00", "end": "22:00"}),
            json!({"start": "24:00", "end": "07:00"}),
            json!({"start": "7:00", "end": "08:00"}),
            json!({"start": "22:00", "end": "07:00", "days": 1}),
            json!({"start": 1320, "end": 420}),
            json!("22:00-07:00"),
        ] {
            let e = QuietHours::parse(&bad).unwrap_err();
            assert_eq!(e.details, Some(json!({"field": "quietHours"})), "{bad}");
        }
        assert_eq!(
            QuietHours::from_stored(Some(1320), Some(420)),
            Some(q_of(1320, 420))
        );
        assert_eq!(QuietHours::from_stored(None, Some(420)), None);
        assert_eq!(QuietHours::from_stored(Some(5000), Some(420)), None);
    }

    fn q_of(start: u32, end: u32) -> QuietHours {
        QuietHours { start, end }
    }

    #[test]
    fn release_is_the_end_of_the_window_in_the_users_zone() {
        let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        let night = q_of(22 * 60, 7 * 60);
        // 23:30 in Berlin (winter, +01:00): held until 07:00 the next morning.
        assert_eq!(
            night.release_at(ms("2026-12-07T22:30:00Z"), berlin),
            Some(ms("2026-12-08T06:00:00Z"))
        );
        // 05:00: until 07:00 the same morning.
        assert_eq!(
            night.release_at(ms("2026-12-08T04:00:00Z"), berlin),
            Some(ms("2026-12-08T06:00:00Z"))
        );
        // 07:00 sharp and the afternoon are outside.
        assert_eq!(night.release_at(ms("2026-12-08T06:00:00Z"), berlin), None);
        assert_eq!(night.release_at(ms("2026-12-08T14:00:00Z"), berlin), None);
        // A window within a day: 13:00-14:00.
        let lunch = q_of(13 * 60, 14 * 60);
        assert_eq!(
            lunch.release_at(ms("2026-12-08T12:15:00Z"), berlin),
            Some(ms("2026-12-08T13:00:00Z"))
        );
        assert_eq!(lunch.release_at(ms("2026-12-08T13:00:00Z"), berlin), None);
        // Ending in the spring-forward gap (02:00-03:00 does not exist on
        // 29 March 2026 in Berlin): the first instant after it.
        let gap = q_of(23 * 60, 2 * 60 + 30);
        assert_eq!(
            gap.release_at(ms("2026-03-28T23:00:00Z"), berlin),
            Some(ms("2026-03-29T01:30:00Z"))
        );
    }
}
