//! The busiest handlers (list and create) check the caller's session inside
//! their own statement (`store::sessions::Gate`, `Presented::confirm_within`)
//! instead of in a round trip of its own. Checked natively on both
//! databases: a live session reads and writes; an ended one gets
//! `session_ended` and writes nothing, even when it has tasks to see; and a
//! schema that is behind is migrated by the first gated request.

use domain::event::Origin;
use domain::query::ListQuery;
use domain::task::parse_new_task;
use domain::user::SignUp;
use domain::Error;
use integration_tests::native::on_fresh_database;
use integration_tests::{Backend, TEST_AUTH_SECRET, TEST_PASSWORD};
use serde_json::json;
use store::{Db, Value};

fn keys() -> sessions::Keys<'static> {
    sessions::Keys {
        secret: TEST_AUTH_SECRET.as_bytes(),
        ttl_ms: 3_600_000,
    }
}

fn origin() -> Origin {
    Origin {
        source: "session-gate-test".into(),
        correlation_id: "c".into(),
        traceparent: String::new(),
    }
}

fn create(db: &Db, token: &str, title: &str) -> Result<String, Error> {
    let input = parse_new_task(&json!({ "title": title }))?;
    let (_, changed) = sessions::verify(&keys(), Some(token))?
        .confirm_within(db, |who, gate| {
            task_service::create_gated(db, &who.user_id, input.clone(), &origin(), gate)
        })?;
    Ok(changed.task.id)
}

fn list(db: &Db, token: &str) -> Result<Vec<String>, Error> {
    let (_, page) = sessions::verify(&keys(), Some(token))?.confirm_within(db, |who, gate| {
        task_service::list_gated(db, &who.user_id, &ListQuery::default(), gate)
    })?;
    Ok(page.items.into_iter().map(|t| t.id).collect())
}

/// A new user's session token.
fn sign_up(db: &Db) -> String {
    let input = SignUp {
        email: format!("gate-{}@example.com", uuid::Uuid::new_v4()),
        name: String::new(),
        password: TEST_PASSWORD.into(),
    };
    sessions::sign_up(db, &keys(), input).unwrap().token
}

fn tasks_stored(db: &Db) -> i64 {
    db.query("SELECT COUNT(*) FROM tasks", &[]).unwrap()[0]
        .int(0)
        .unwrap()
}

/// Puts the schema one version back, as a database that an older release
/// migrated: the latest version's row is gone, and so is what that version
/// made, so that migrating again applies it cleanly.
fn one_version_back(db: &Db) {
    let latest = db
        .query("SELECT MAX(version) FROM schema_migrations", &[])
        .unwrap()[0]
        .int(0)
        .unwrap();
    db.run(
        "DELETE FROM schema_migrations WHERE version = $1",
        &[Value::Int(latest)],
    )
    .unwrap();
    // Each new migration teaches this test how to take it back.
    let undo: &[&str] = match latest {
        13 => &["ALTER TABLE users DROP COLUMN default_reminder_minutes"],
        14 => &[
            "DROP TABLE mcp_calls",
            "DROP INDEX sessions_by_grant",
            "ALTER TABLE sessions DROP COLUMN grant_id",
            "DROP TABLE oauth_refresh_tokens",
            "DROP TABLE oauth_codes",
            "DROP TABLE oauth_grants",
            "DROP TABLE oauth_clients",
        ],
        15 => &[
            "DROP INDEX users_by_unsubscribe_token",
            "DROP INDEX users_by_email_confirm",
            "ALTER TABLE users DROP COLUMN email_unsubscribe_token",
            "ALTER TABLE users DROP COLUMN email_confirm_expires",
            "ALTER TABLE users DROP COLUMN email_confirm_hash",
            "ALTER TABLE users DROP COLUMN email_confirmed",
            "ALTER TABLE users DROP COLUMN email_reminders",
        ],
        16 => &[
            "DROP INDEX push_subscriptions_by_user",
            "DROP TABLE push_subscriptions",
        ],
        17 => &[
            "DROP INDEX held_notifications_by_user",
            "DROP TABLE held_notifications",
            "ALTER TABLE users DROP COLUMN quiet_end",
            "ALTER TABLE users DROP COLUMN quiet_start",
        ],
        v => panic!("one_version_back cannot undo migration {v} yet: add its undo here"),
    };
    for statement in undo {
        db.run(statement, &[]).unwrap();
    }
}

fn check(db: &Db) {
    db.migrate().unwrap();
    let token = sign_up(db);

    // A live session writes and reads.
    let first = create(db, &token, "first").unwrap();
    assert_eq!(list(db, &token).unwrap(), vec![first.clone()]);

    // A schema one version behind: the gated statement fails or finds
    // nothing, the session check migrates, and the request succeeds.
    one_version_back(db);
    let second = create(db, &token, "second").unwrap();
    one_version_back(db);
    let listed = list(db, &token).unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.contains(&first) && listed.contains(&second));
    let third = create(db, &token, "third").unwrap();
    let listed = list(db, &token).unwrap();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(listed.contains(&third));

    // A user with no tasks yet gets an empty page, not an error.
    let other = sign_up(db);
    assert!(list(db, &other).unwrap().is_empty());

    // The session ends: its tasks are no longer readable, nothing is written.
    let who = sessions::authenticate(db, &keys(), Some(&token)).unwrap();
    sessions::sign_out(db, &who).unwrap();
    let before = tasks_stored(db);
    assert_eq!(list(db, &token).unwrap_err().code, "session_ended");
    assert_eq!(
        create(db, &token, "after sign-out").unwrap_err().code,
        "session_ended"
    );
    assert_eq!(tasks_stored(db), before, "nothing was written");
    // The other user's session is untouched.
    assert!(list(db, &other).unwrap().is_empty());
}

#[test]
fn session_check_inside_list_and_create_on_postgres() {
    on_fresh_database(Backend::Postgres, "gate", check);
}

#[test]
fn session_check_inside_list_and_create_on_sqlite() {
    on_fresh_database(Backend::Sqlite, "gate", check);
}
