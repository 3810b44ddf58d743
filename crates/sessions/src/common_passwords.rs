//! Refuses passwords that are among the most commonly used and breached
//! ones (NIST SP 800-63B, 5.1.1.2): a guesser tries exactly these first,
//! and the sign-in backoff only slows guessing down, so such a password
//! would fall within its first few tries.

use domain::Error;
use serde_json::json;

/// One password a line, lowercase; `#` lines are comments.
const LIST: &str = include_str!("common-passwords.txt");

fn entries() -> impl Iterator<Item = &'static str> {
    LIST.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether `password` is on the list, ignoring case: `Password1` is as
/// weak as `password1`.
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    entries().any(|e| e == lower)
}

/// 400 `password_too_common` for a listed password.
pub fn refuse_common(password: &str) -> Result<(), Error> {
    if is_common(password) {
        return Err(Error::bad_request(
            "password_too_common",
            "this password is one of the most commonly used ones and easy to guess; choose another",
        )
        .with_details(json!({ "field": "password" })));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        for p in [
            "password",
            "Password1",
            "QWERTYUIOP",
            "iloveyou",
            "12345678",
        ] {
            let e = refuse_common(p).unwrap_err();
            assert_eq!(e.code, "password_too_common", "{p}");
            assert_eq!(e.details, Some(json!({ "field": "password" })));
        }
        for p in ["correct horse battery", "long enough", "another password"] {
            assert!(refuse_common(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn the_list_is_lowercase_unique_and_long_enough_to_matter() {
        let mut seen = HashSet::new();
        for e in entries() {
            assert_eq!(e, e.trim(), "{e:?}");
            assert_eq!(e, e.to_lowercase(), "{e:?}");
            assert!(
                e.chars().count() >= domain::limits::MIN_PASSWORD_CHARS,
                "{e:?} is refused by the length rule already"
            );
            assert!(seen.insert(e), "{e:?} twice");
        }
        assert!(seen.len() > 1_000, "{}", seen.len());
    }
}
