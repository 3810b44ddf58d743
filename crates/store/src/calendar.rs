//! Calendar feeds: each user may have one secret token; the feed's URL
//! carries it, so a new token (or none) ends every subscription at once.

use crate::db::{Db, Value};
use domain::Error;

/// A user's feed: its secret and when it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub user_id: String,
    pub token: String,
    pub created_at: i64,
}

pub fn for_user(db: &Db, user_id: &str) -> Result<Option<Feed>, Error> {
    one_where(db, "user_id", user_id)
}

pub fn by_token(db: &Db, token: &str) -> Result<Option<Feed>, Error> {
    one_where(db, "token", token)
}

/// The feed whose `column` (a unique one) is `value`.
fn one_where(db: &Db, column: &str, value: &str) -> Result<Option<Feed>, Error> {
    let rows = db.query(
        &format!("SELECT user_id, token, created_at FROM calendar_feeds WHERE {column} = $1"),
        &[value.into()],
    )?;
    rows.first()
        .map(|r| {
            Ok(Feed {
                user_id: r.text(0)?,
                token: r.text(1)?,
                created_at: r.int(2)?,
            })
        })
        .transpose()
}

/// Makes the user's feed, or replaces its token.
pub fn replace(db: &Db, feed: &Feed) -> Result<(), Error> {
    db.transaction(|db| {
        db.run(
            "DELETE FROM calendar_feeds WHERE user_id = $1",
            &[(&feed.user_id).into()],
        )?;
        db.run(
            "INSERT INTO calendar_feeds (user_id, token, created_at) VALUES ($1, $2, $3)",
            &[
                (&feed.user_id).into(),
                (&feed.token).into(),
                Value::Int(feed.created_at),
            ],
        )
    })
}

pub fn delete(db: &Db, user_id: &str) -> Result<(), Error> {
    db.run(
        "DELETE FROM calendar_feeds WHERE user_id = $1",
        &[user_id.into()],
    )
}

/// When the user's tasks last changed as the change feed saw it (deletions
/// included, which leave no row to date); `None` when it holds nothing.
pub fn last_change(db: &Db, user_id: &str) -> Result<Option<i64>, Error> {
    // The newest entry by the (user, seq) key: no scan of the user's feed.
    let rows = db.query(
        "SELECT created_at FROM changes WHERE user_id = $1 ORDER BY seq DESC LIMIT 1",
        &[user_id.into()],
    )?;
    rows.first().map(|r| r.int(0)).transpose()
}
