//! The one error type of the crate.

use std::fmt;

/// What went wrong, for callers that map errors to codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The text is not a well-formed rule, date or time.
    Syntax,
    /// A valid RFC 5545 rule part or value that this engine does not support
    /// (BYHOUR, FREQ=MINUTELY, BYSETPOS with FREQ=DAILY, ...).
    Unsupported,
    /// Well-formed but out of range or contradictory (INTERVAL=0, COUNT with
    /// UNTIL, BYMONTHDAY with FREQ=WEEKLY, UNTIL before the start, ...).
    Invalid,
    /// The timezone is not a known IANA name.
    UnknownTimezone,
    /// Expansion gave up: the rule examined more candidate periods than the
    /// per-call budget without finishing (see [`crate::MAX_PERIODS`]).
    IterationLimit,
}

/// An error with a human-readable message that names the offending rule part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    kind: ErrorKind,
    message: String,
}

impl RuleError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn syntax(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Syntax, message)
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, message)
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }

    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, e.g. `BYDAY: "XX" is not a weekday (expected MO, TU, WE, TH, FR, SA or SU)`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleError {}
